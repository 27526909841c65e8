"""Fair CPU between requests: a request is scored in chunks, each chunk one call of the scoring
service in a worker thread, so a small request never waits behind a whole big batch; only it waits
for a chunk at most.

- **Chunks** are bounded in messages (``SIGNALS_CHUNK_MESSAGES``) and in normalised characters
  (``SIGNALS_CHUNK_CHARS``), and sized to take about ``SIGNALS_CHUNK_SECONDS`` each: after every
  chunk the next one is sized from how fast this request's text was actually scored, so hostile
  text that is slow per character gets smaller chunks (one message is the smallest).
- **Heavy requests** (more than one chunk's worth) run at most ``SIGNALS_MAX_HEAVY_REQUESTS`` at a
  time, and never on every worker thread: one worker always stays free for small requests.
- **Micro-batches**: small requests that arrive while others are being scored are scored together,
  in one service call (up to ``SIGNALS_CHUNK_MESSAGES`` messages): one message per request is the
  most common call, and a call's fixed cost (spaCy, the numpy steps) is paid once for the batch.
  Nothing waits for a timer: a request that finds a thread free is scored at once. A micro-batch of
  at most ``SIGNALS_INLINE_CHARS`` characters (a few milliseconds of work) is scored on the event
  loop's own thread: handing it to a scoring thread and back costs more than scoring it (two threads
  taking turns at one interpreter lock), and requests that arrive meanwhile form the next batch.
- **A time budget** (``SIGNALS_REQUEST_BUDGET_S``, counted from the request's arrival): checked
  before every chunk and while waiting for a heavy slot; when it runs out the request is answered
  503 ``time_budget_exceeded`` with ``Retry-After``, and nothing more of it is scored.

Scoring per message does not depend on the other messages of the batch, so chunked results are the
same as one call's (``tests/security/test_fuzz_pipeline.py`` checks batch independence).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TypeVar

import anyio

from signals.analysis import CONTEXT_WINDOW
from signals.api.errors import ApiError, ErrorCode
from signals.results import ConversationResult, MessageResult
from signals.service import Conversation, Message, ScoringService
from signals.settings import Settings

T = TypeVar("T")
Runner = Callable[..., Awaitable]  # ModelState.run: a function, run in a worker thread


class Budget:
    """A request's time budget, counted from ``started`` (``time.monotonic()``)."""

    def __init__(self, seconds: float, started: float | None = None) -> None:
        self.seconds = seconds
        self.deadline = (started if started is not None else time.monotonic()) + seconds

    def remaining(self) -> float:
        return self.deadline - time.monotonic()

    def check(self) -> None:
        if self.remaining() <= 0:
            raise self.exceeded()

    def exceeded(self) -> ApiError:
        retry = max(1, round(self.seconds))
        return ApiError(503, ErrorCode.TIME_BUDGET_EXCEEDED,
                        f"the request took over its time budget of {self.seconds:g} s and was stopped; "
                        "retry later or send smaller batches", headers={"Retry-After": str(retry)})


def next_chunk(costs: Sequence[int], start: int, max_chars: int, max_messages: int) -> int:
    """The end of the chunk that starts at ``start``: at most ``max_messages`` messages and
    ``max_chars`` characters, and always at least one message."""
    end, chars = start, 0
    while end < len(costs) and end - start < max_messages:
        if end > start and chars + costs[end] > max_chars:
            break
        chars += costs[end]
        end += 1
    return end


@dataclass
class Pending:
    """A small request waiting to be scored in a micro-batch."""

    service: ScoringService
    messages: list[Message]
    explain: bool
    chars: int   # normalised characters of the messages and their context turns
    docs: int    # spaCy documents: the messages and the context turns that are analysed
    future: asyncio.Future


class MicroBatcher:
    """Small message requests that wait at the same time are scored in one service call; each
    request gets its own results back (results per message do not depend on the other messages of a
    call). A batch of at most ``inline_chars`` characters and ``chunk_messages`` spaCy documents
    (messages plus their context turns) is scored by the event loop itself; others on a scoring
    thread. At most ``workers`` batches are being drained at once."""

    def __init__(self, run: Runner, workers: int, max_messages: int, inline_chars: int = 0) -> None:
        self.run = run
        self.workers = workers
        self.max_messages = max_messages
        self.inline_chars = inline_chars
        self._pending: list[Pending] = []
        self._drainers = 0

    async def score(self, service: ScoringService, messages: list[Message], explain: bool,
                    chars: int) -> list[MessageResult]:
        """``chars``: the request's normalised characters, context turns included (with the number of
        documents, what decides whether the loop may score it)."""
        future: asyncio.Future = asyncio.get_running_loop().create_future()
        docs = sum(1 + min(len(m.context), CONTEXT_WINDOW) for m in messages)
        self._pending.append(Pending(service, messages, explain, chars, docs, future))
        if self._drainers < self.workers:
            self._drainers += 1
            asyncio.get_running_loop().create_task(self._drain())
        return await future

    def _take(self) -> tuple[list[Pending], bool]:
        """The next batch (waiting requests on the same model, up to ``max_messages`` messages) and
        whether the loop scores it. When the first one is small enough for the loop, the batch stops
        where the loop's limits would be passed (the rest forms the next batch), rather than going to
        a thread whole."""
        service = self._pending[0].service
        loop = self._fits_loop(self._pending[0])
        batch: list[Pending] = []
        rest: list[Pending] = []
        size = chars = docs = 0
        for item in self._pending:
            fits = item.service is service and (not batch or size + len(item.messages) <= self.max_messages)
            if fits and loop and (chars + item.chars > self.inline_chars or docs + item.docs > self.max_messages):
                fits = False
            if fits:
                batch.append(item)
                size, chars, docs = size + len(item.messages), chars + item.chars, docs + item.docs
            else:
                rest.append(item)
        self._pending = rest
        return batch, loop

    def _fits_loop(self, item: Pending) -> bool:
        """Whether ``item`` may be scored here, on the loop: small enough (characters, and documents:
        each has a fixed cost), and the loop has the model's pipeline."""
        return (0 < self.inline_chars and item.chars <= self.inline_chars and item.docs <= self.max_messages
                and item.service.analyzer.preprocessor.ready_here())

    async def _drain(self) -> None:
        try:
            while self._pending:
                batch, on_loop = self._take()
                messages = [m for item in batch for m in item.messages]
                explain = any(item.explain for item in batch)
                try:
                    if on_loop:
                        results = batch[0].service.score_messages(messages, explain=explain)
                    else:
                        results = await self.run(batch[0].service.score_messages, messages, explain=explain)
                    self._answer(batch, results)
                except Exception as exc:  # noqa: BLE001 - every request of the batch gets the error
                    for item in batch:
                        if not item.future.done():
                            item.future.set_exception(exc)
                    continue
                # Two turns of the loop before the next batch: one reads the requests that arrived
                # meanwhile, one brings them here, so they form the next batch together.
                await asyncio.sleep(0)
                await asyncio.sleep(0)
        finally:
            self._drainers -= 1

    @staticmethod
    def _answer(batch: list[Pending], results: list[MessageResult]) -> None:
        """Each request its own results (tactics only where asked for)."""
        cursor = 0
        for item in batch:
            mine = results[cursor:cursor + len(item.messages)]
            cursor += len(item.messages)
            if not item.explain:
                mine = [r if not r.tactics else r.model_copy(update={"tactics": []}) for r in mine]
            if not item.future.done():
                item.future.set_result(mine)


class FairScheduler:
    """Chunked scoring for the routes; one per app (``app.state.scheduler``)."""

    def __init__(self, settings: Settings, run: Runner) -> None:
        self.settings = settings
        self.run = run
        self.batcher = MicroBatcher(run, settings.workers, settings.chunk_messages, settings.inline_chars)
        # At most workers - 1 heavy requests (one worker stays free for small ones), at least one.
        self.heavy_slots = max(1, min(settings.max_heavy_requests, settings.workers - 1))
        self._heavy: anyio.Semaphore | None = None

    def budget(self, started: float | None) -> Budget:
        return Budget(self.settings.request_budget_s, started)

    def is_heavy(self, costs: Sequence[int]) -> bool:
        return len(costs) > self.settings.chunk_messages or sum(costs) > self.settings.chunk_chars

    @asynccontextmanager
    async def heavy_slot(self, budget: Budget):
        """One of the heavy slots, waited for within the budget."""
        if self._heavy is None:
            self._heavy = anyio.Semaphore(self.heavy_slots)
        acquired = False
        with anyio.move_on_after(max(0.0, budget.remaining())):
            await self._heavy.acquire()
            acquired = True
        if not acquired:
            raise budget.exceeded()
        try:
            yield
        finally:
            self._heavy.release()

    def _first_chunk_chars(self) -> int:
        return max(1, self.settings.chunk_chars // 4)

    def _resize(self, chars: int, seconds: float) -> int:
        """Characters for the next chunk, from the speed of the last one."""
        if seconds <= 0:
            return self.settings.chunk_chars
        per_second = chars / seconds
        return int(min(self.settings.chunk_chars, max(1, per_second * self.settings.chunk_seconds)))

    async def score_messages(self, service: ScoringService, messages: Sequence[Message], costs: Sequence[int],
                             explain: bool, budget: Budget) -> list[MessageResult]:
        if not self.is_heavy(costs):
            budget.check()
            return await self.batcher.score(service, list(messages), explain, sum(costs))
        async with self.heavy_slot(budget):
            results: list[MessageResult] = []
            start, allowance = 0, self._first_chunk_chars()
            while start < len(messages):
                budget.check()
                end = next_chunk(costs, start, allowance, self.settings.chunk_messages)
                began = time.monotonic()
                results += await self.run(service.score_messages, list(messages[start:end]), explain=explain)
                allowance = self._resize(sum(costs[start:end]), time.monotonic() - began)
                start = end
            return results

    async def score_conversation(self, service: ScoringService, conversation: Conversation, cost: int,
                                 budget: Budget) -> ConversationResult:
        """A conversation is scored in one call (its turns depend on each other); a long one takes a
        heavy slot, so it never holds more than the heavy requests' share of the workers."""
        budget.check()
        if cost <= self.settings.chunk_chars:
            [result] = await self.run(service.score_conversations, [conversation], per_turn=True)
            return result
        async with self.heavy_slot(budget):
            budget.check()
            [result] = await self.run(service.score_conversations, [conversation], per_turn=True)
            return result
