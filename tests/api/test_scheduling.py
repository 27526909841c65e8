"""Where micro-batches are scored: small ones on the event loop's own thread (no hand-over to a
scoring thread), bigger ones on the scoring threads; the answers are the same either way."""

from __future__ import annotations

import asyncio
import threading

import pytest
from fastapi.testclient import TestClient

from signals.api import create_app
from signals.api.scheduling import MicroBatcher
from signals.service import Message, ScoringService, Turn

SCORING_THREAD = "signals-score"


class ThreadRecordingService:
    """The session's service, noting the thread of every ``score_messages`` call."""

    def __init__(self, service) -> None:
        self._service = service
        self.threads: list[tuple[int, str]] = []

    def __getattr__(self, name):
        return getattr(self._service, name)

    def score_messages(self, messages, explain=True):
        self.threads.append((threading.get_ident(), threading.current_thread().name))
        return self._service.score_messages(messages, explain)


SHORT_CONTEXT = [{"speaker": "a", "text": "ok"}] * 10


def _messages(count: int, text: str, context: list | None = None) -> dict:
    return {"messages": [{"id": f"m{i}", "text": text, "context": context or []} for i in range(count)],
            "explain": True}


@pytest.mark.parametrize("inline_chars, body, on_loop", [
    (4096, _messages(1, "hoe oud ben je eigenlijk? 😊"), True),         # small: scored by the loop itself
    (4096, _messages(5, "hoi", SHORT_CONTEXT), True),                   # 55 documents, 115 characters
    (4096, _messages(6, "hoi", SHORT_CONTEXT), False),                  # 66 documents: over 64, a thread
    (20, _messages(1, "hoe oud ben je eigenlijk? ben je alleen thuis?"), False),  # over the inline size
    (0, _messages(1, "hoi"), False),                                    # 0: never on the loop
])
def test_small_requests_are_scored_on_the_loop_and_bigger_ones_on_a_scoring_thread(
        settings_for, service, inline_chars, body, on_loop):
    recorder = ThreadRecordingService(service)
    app = create_app(settings_for(inline_chars=inline_chars), recorder)
    with TestClient(app) as client:
        loop_thread = app.state.model.threads.loop_thread
        recorder.threads.clear()
        response = client.post("/v1/score", json=body)
    assert response.status_code == 200
    assert len(recorder.threads) == 1
    ident, name = recorder.threads[0]
    if on_loop:
        assert ident == loop_thread
    else:
        assert name.startswith(SCORING_THREAD) and ident != loop_thread
    direct = service.score_messages([Message(m["id"], m["text"], tuple(Turn(t["speaker"], t["text"]) for t in m["context"]))
                                     for m in body["messages"]])
    assert response.json()["results"] == [r.model_dump(mode="json") for r in direct]


def test_explain_is_answered_per_request_inside_one_micro_batch(service):
    """Two requests in one loop batch: the one without ``explain`` gets no tactic spans."""

    async def run_in_thread(func, *args, **kwargs):  # pragma: no cover - the loop scores these itself
        raise AssertionError("a small batch went to a scoring thread")

    calls: list[int] = []
    recorder = ThreadRecordingService(service)

    async def main():
        _ = service.analyzer.preprocessor.nlp  # this thread's pipeline exists, so the batch may run here
        batcher = MicroBatcher(run_in_thread, workers=1, max_messages=8, inline_chars=4096)
        text = "vertel het aan niemand, hoe oud ben je?"
        answers = await asyncio.gather(batcher.score(recorder, [Message("a", text)], True, len(text)),
                                       batcher.score(recorder, [Message("b", text)], False, len(text)))
        calls.append(len(recorder.threads))
        return answers

    explained, plain = asyncio.run(main())
    assert calls == [1], "both requests in one service call"
    assert explained[0].tactics and not plain[0].tactics
    assert explained[0].category_scores == plain[0].category_scores


def test_an_error_while_the_loop_scores_answers_every_request_of_the_batch_and_the_next_batch_is_scored(service):
    class FailingOnce(ThreadRecordingService):
        def score_messages(self, messages, explain=True):
            super().score_messages(messages, explain)
            if len(self.threads) == 1:
                raise RuntimeError("kapot")
            return self._service.score_messages(messages, explain)

    failing = FailingOnce(service)

    async def run_in_thread(func, *args, **kwargs):  # pragma: no cover - the loop scores these itself
        raise AssertionError("a small batch went to a scoring thread")

    async def main():
        _ = service.analyzer.preprocessor.nlp
        batcher = MicroBatcher(run_in_thread, workers=1, max_messages=8, inline_chars=4096)
        first = await asyncio.gather(batcher.score(failing, [Message("a", "hoi")], False, 3),
                                     batcher.score(failing, [Message("b", "hoi")], False, 3), return_exceptions=True)
        second = await batcher.score(failing, [Message("c", "hoi")], False, 3)
        for _ in range(3):  # the drainer's turns of the loop after its last batch
            await asyncio.sleep(0)
        return first, second, batcher._drainers

    first, second, drainers = asyncio.run(main())
    assert [type(answer).__name__ for answer in first] == ["RuntimeError", "RuntimeError"]
    assert [r.id for r in second] == ["c"] and drainers == 0


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


def test_requests_that_fit_the_loop_alone_but_not_together_are_two_loop_batches_not_one_thread_batch(service):
    recorder = ThreadRecordingService(service)
    handed: list[int] = []

    async def run_in_thread(func, *args, **kwargs):
        handed.append(len(args[0]))
        return await asyncio.to_thread(func, *args, **kwargs)

    async def main():
        _ = service.analyzer.preprocessor.nlp
        batcher = MicroBatcher(run_in_thread, workers=1, max_messages=64, inline_chars=100)
        text = "hoe oud ben je eigenlijk, ben je alleen thuis vanavond of niet?"  # 63 characters
        return await asyncio.gather(*(batcher.score(recorder, [Message(f"m{k}", text)], False, len(text))
                                      for k in range(2)))

    answers = asyncio.run(main())
    assert [a[0].id for a in answers] == ["m0", "m1"]
    assert handed == [] and len(recorder.threads) == 2  # 126 characters together: two batches on the loop
