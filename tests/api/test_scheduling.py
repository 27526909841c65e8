"""Where micro-batches are scored: small ones on the event loop's own thread (no hand-over to a
scoring thread), bigger ones on the scoring threads; the answers are the same either way."""

from __future__ import annotations

import asyncio
import threading

import pytest
from fastapi.testclient import TestClient

from signals.api import create_app
from signals.api.scheduling import MicroBatcher
from signals.service import Message, ScoringService

SCORING_THREAD = "signals-score"


class ThreadRecordingService:
    """The session's service, noting the thread of every ``score_messages`` call."""

    def __init__(self, service) -> None:
        self._service = service
        self.threads: list[str] = []

    def __getattr__(self, name):
        return getattr(self._service, name)

    def score_messages(self, messages, explain=True):
        self.threads.append(threading.current_thread().name)
        return self._service.score_messages(messages, explain)


def _one(tag: str, text: str) -> dict:
    return {"messages": [{"id": tag, "text": text}], "explain": True}


@pytest.mark.parametrize("inline_chars, text, on_loop", [
    (4096, "hoe oud ben je eigenlijk? 😊", True),          # small: scored by the loop itself
    (20, "hoe oud ben je eigenlijk? ben je alleen thuis?", False),  # over the inline size: a scoring thread
    (0, "hoi", False),                                      # 0: never on the loop
])
def test_small_requests_are_scored_on_the_loop_and_bigger_ones_on_a_scoring_thread(
        settings_for, service, inline_chars, text, on_loop):
    recorder = ThreadRecordingService(service)
    with TestClient(create_app(settings_for(inline_chars=inline_chars), recorder)) as client:
        recorder.threads.clear()
        response = client.post("/v1/score", json=_one("m1", text))
    assert response.status_code == 200
    assert len(recorder.threads) == 1
    assert recorder.threads[0].startswith(SCORING_THREAD) is not on_loop
    direct = service.score_messages([Message("m1", text)])
    assert response.json()["results"] == [r.model_dump(mode="json") for r in direct]


def test_explain_is_answered_per_request_inside_one_micro_batch(service):
    """Two requests in one loop batch: the one without ``explain`` gets no tactic spans."""

    async def run_in_thread(func, *args, **kwargs):  # pragma: no cover - the loop scores these itself
        raise AssertionError("a small batch went to a scoring thread")

    async def main():
        _ = service.analyzer.preprocessor.nlp  # this thread's pipeline exists, so the batch may run here
        batcher = MicroBatcher(run_in_thread, workers=1, max_messages=8, inline_chars=4096)
        text = "vertel het aan niemand, hoe oud ben je?"
        return await asyncio.gather(batcher.score(service, [Message("a", text)], True, len(text)),
                                    batcher.score(service, [Message("b", text)], False, len(text)))

    explained, plain = asyncio.run(main())
    assert explained[0].tactics and not plain[0].tactics
    assert explained[0].category_scores == plain[0].category_scores


def test_a_loop_without_the_models_pipeline_hands_small_batches_to_the_threads(service):
    """After a hot reload the loop's pipeline for the new model is built on a worker thread; until it
    is there, small batches go to the scoring threads (the loop never builds one itself)."""
    fresh = ScoringService.load(service.model_dir)  # its own preprocessor: no pipeline anywhere yet
    handed: list[int] = []

    async def run_in_thread(func, *args, **kwargs):
        handed.append(len(args[0]))
        return await asyncio.to_thread(func, *args, **kwargs)

    async def main():
        batcher = MicroBatcher(run_in_thread, workers=1, max_messages=8, inline_chars=4096)
        return await batcher.score(fresh, [Message("a", "hoi")], True, 3)

    results = asyncio.run(main())
    assert handed == [1] and len(results) == 1
    assert not fresh.analyzer.preprocessor.ready_here()
