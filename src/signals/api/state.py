"""The served model and its readiness: loaded, hash verified, warmed up.

Routes read ``ModelState.service`` once per request and keep that service to the end of the
request. A hot reload (``ModelState.reload``, behind ``POST /admin/reload``) builds the new service
with ``prepare_model`` beside the running one (load, verify, warm up) and only then swaps it in with
one assignment: requests in flight finish on the old model, new ones get the new model, readiness
never drops, and if anything fails the old model keeps serving. Nothing else holds the model.
"""

from __future__ import annotations

import asyncio
import logging
import math
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TypeVar

import anyio
import anyio.to_thread

from signals.api.logs import LOGGER_NAME
from signals.errors import ArtifactIntegrityError, SignalsError
from signals.model.artifact import read_model_files
from signals.service import Conversation, Message, ScoringService, Turn
from signals.settings import Settings

log = logging.getLogger(LOGGER_NAME)
T = TypeVar("T")

WARM_UP_MESSAGES = (
    Message("warm-up-1", "hoi! hoe oud ben je eigenlijk? 😊",
            (Turn("a", "jij bent echt anders dan de rest"),)),
    Message("warm-up-2", "hoe laat ben je thuis? we eten om zes uur"),
)
WARM_UP_CONVERSATION = Conversation("warm-up", (Turn("a", "hey, alles goed?"), Turn("b", "ja hoor"),
                                                Turn("a", "vertel het aan niemand")))


class WarmUpError(RuntimeError):
    """The model loaded but did not score a known batch sensibly."""


def warm_up(service: ScoringService) -> None:
    """Score a small batch and a conversation once (first-call costs, sanity of the output)."""
    results = service.score_messages(list(WARM_UP_MESSAGES), explain=True)
    if len(results) != len(WARM_UP_MESSAGES):
        raise WarmUpError(f"warm-up returned {len(results)} results for {len(WARM_UP_MESSAGES)} messages")
    for result in results:
        scores = result.category_scores
        if set(scores) != set(service.categories) or not all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in scores.values()):
            raise WarmUpError("warm-up produced scores outside [0, 1] or for unknown categories")
    conversations = service.score_conversations([WARM_UP_CONVERSATION], per_turn=True)
    if len(conversations) != 1 or len(conversations[0].turns or ()) != len(WARM_UP_CONVERSATION.turns):
        raise WarmUpError("warm-up conversation result has the wrong shape")


def verify_service(service: ScoringService, settings: Settings) -> None:
    """Re-check an already loaded service's files against its manifest (and the model root)."""
    if read_model_files(service.model_dir, settings.model_root).sha256 != service.info.sha256:
        raise ArtifactIntegrityError(f"{service.model_dir}: files changed since the service was loaded")


class ModelUnavailable(Exception):
    """Loading, verifying or warming up a model failed; ``reason`` is safe to show on /readyz."""

    def __init__(self, stage: str, cause: Exception) -> None:
        super().__init__(stage)
        self.stage = stage
        self.cause = cause
        code = f"{cause.code} " if isinstance(cause, SignalsError) else ""
        self.reason = f"model {stage} failed ({code}{type(cause).__name__})"


def prepare_model(settings: Settings, service: ScoringService | None = None,
                  expected_sha256: str | None = None) -> ScoringService:
    """Load the model from settings or re-verify the given one, then warm it up. Blocking: run it in
    a thread. Raises ``ModelUnavailable``; nothing is served until this returns.

    Loading reads every file of the directory once, checks those bytes against the sha256 manifest
    and, with ``expected_sha256``, the model's hash against the pin, before anything is parsed; the
    model is then built from those same bytes (``signals.model.artifact``), so a file or link swapped
    during the load cannot slip in. Refused means nothing of the candidate ran."""
    stage = "load"
    try:
        if service is None:
            service = ScoringService.load(settings.require_model_dir(), settings.model_root,
                                          batch_size=settings.batch_size, expected_sha256=expected_sha256)
        else:
            stage = "verification"
            verify_service(service, settings)
        stage = "warm-up"
        warm_up(service)
    except Exception as exc:  # every failure here means "not ready", reported, not a crash
        raise ModelUnavailable(stage, exc) from exc
    return service


class ScoringThreads:
    """The threads that score: a fixed pool of ``workers`` threads, each with its own spaCy pipeline
    built when the model is served (not on a request: building one takes seconds), kept for the
    life of the app (a thread pool that drops idle threads would rebuild pipelines after every lull).
    With ``loop_thread`` (the event loop's thread id), a pipeline is also built for the loop, which
    scores small micro-batches itself (``scheduling.MicroBatcher``)."""

    def __init__(self, workers: int, loop_thread: int | None = None) -> None:
        self.workers = workers
        self.loop_thread = loop_thread
        self.executor = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="signals-score")

    def warm(self, service: ScoringService) -> None:
        """Build ``service``'s pipeline on every thread of the pool, and the loop's (blocking; a
        barrier makes sure each thread takes exactly one of the warm-up tasks)."""
        barrier = threading.Barrier(self.workers)

        def build() -> None:
            _ = service.analyzer.preprocessor.nlp
            barrier.wait(timeout=120)

        for future in [self.executor.submit(build) for _ in range(self.workers)]:
            future.result()
        self.build_loop_pipeline(service)

    def warm_when_free(self, service: ScoringService) -> None:
        """After a hot reload: queue one pipeline build per thread ahead of the requests that follow,
        without waiting for threads still busy with requests on the old model."""
        for _ in range(self.workers):
            self.executor.submit(lambda: service.analyzer.preprocessor.nlp)

    def build_loop_pipeline(self, service: ScoringService) -> None:
        """The event loop's pipeline for ``service`` (blocking: run it in a thread, not on the loop)."""
        if self.loop_thread is not None:
            service.analyzer.preprocessor.build_for(self.loop_thread)

    def release_loop_pipeline(self, service: ScoringService) -> None:
        """Drop a pipeline built for the loop that the loop never took (the app is stopping)."""
        if self.loop_thread is not None:
            service.analyzer.preprocessor.release(self.loop_thread)

    async def run(self, func: Callable[..., T], *args, **kwargs) -> T:
        return await asyncio.get_running_loop().run_in_executor(self.executor, partial(func, *args, **kwargs))

    def shutdown(self) -> None:
        self.executor.shutdown(wait=False, cancel_futures=True)


@dataclass
class ModelState:
    """What /readyz reports and what /v1 routes score with: a service is only set here after it
    was loaded, verified and warmed up (``prepare_model``) on every scoring thread."""

    service: ScoringService | None = None
    reason: str = "loading"
    threads: ScoringThreads | None = field(default=None, repr=False)
    reload_lock: anyio.Lock = field(default_factory=anyio.Lock, repr=False)  # one reload at a time

    def serve(self, service: ScoringService) -> None:
        """Start serving ``service`` (a hot reload calls this with the new one: one atomic swap)."""
        self.service = service
        self.reason = "ready"
        log.info("model_ready", extra={"fields": {**service.info.as_dict(), "model_dir": str(service.model_dir)}})

    def fail(self, error: ModelUnavailable) -> None:
        """Nothing to serve (start-up failed): /readyz and /v1 answer 503 with the reason."""
        self.service = None
        self.reason = error.reason
        cause = error.cause
        # Start-up errors carry paths and codes, never request data, so their message is logged.
        log.error("model_unavailable", extra={"fields": {
            "stage": error.stage, "error_type": type(cause).__name__,
            "error_code": getattr(cause, "code", None), "error": str(cause)[:500]}})

    async def reload(self, settings: Settings, model_dir: Path,
                     expected_sha256: str | None = None) -> tuple[ScoringService | None, ScoringService]:
        """Load, verify and warm up the model in ``model_dir`` beside the one being served, then swap.

        Reloads run one at a time. ``model_dir`` must lie under ``settings.model_root`` (checked
        after resolving ``..`` and symlinks); with ``expected_sha256`` its manifest must also name
        exactly that model. Returns (previous service, new service); raises ``ModelUnavailable`` and
        leaves the running model serving when the new one is refused."""
        async with self.reload_lock:
            previous = self.service
            candidate = settings.model_copy(update={"model_dir": Path(model_dir)})
            try:
                service = await anyio.to_thread.run_sync(prepare_model, candidate, None, expected_sha256)
                if self.threads is not None:  # the loop's pipeline, ready at the swap
                    await anyio.to_thread.run_sync(self._build_loop_pipeline, service)
            except ModelUnavailable as error:
                cause = error.cause
                log.warning("model_reload_refused", extra={"fields": {
                    "stage": error.stage, "model_dir": str(model_dir), "error_type": type(cause).__name__,
                    "error_code": getattr(cause, "code", None), "error": str(cause)[:500],
                    "serving": previous.info.as_dict() if previous is not None else None}})
                raise
            if self.threads is not None:  # the new model's pipelines, ahead of the requests that follow
                self.threads.warm_when_free(service)
            self.serve(service)  # the swap: one assignment; requests in flight keep their service
            log.info("model_reloaded", extra={"fields": {
                "previous": previous.info.as_dict() if previous is not None else None,
                "model": service.info.as_dict(), "model_dir": str(service.model_dir)}})
            return previous, service

    def _build_loop_pipeline(self, service: ScoringService) -> None:
        try:
            self.threads.build_loop_pipeline(service)  # type: ignore[union-attr]
        except Exception as exc:  # the same build as every scoring thread's: the model cannot serve
            raise ModelUnavailable("warm-up", exc) from exc

    async def run(self, func: Callable[..., T], *args, **kwargs) -> T:
        """Run CPU-bound scoring on a scoring thread (at most ``settings.workers`` at a time)."""
        if self.threads is None:
            raise RuntimeError("the scoring threads start with the app (lifespan)")
        return await self.threads.run(func, *args, **kwargs)
