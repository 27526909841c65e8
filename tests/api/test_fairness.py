"""Fair CPU: a batch is scored in chunks, small requests get in between the chunks of a big one,
heavy requests run one at a time, a request over its time budget is stopped with 503, and text
limits count the NFKC-normalised length. Structure is asserted here (call order, chunk sizes);
latency figures come from ``benchmarks/fairness.py``, never from a timed test."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from signals.api import create_app
from signals.api.scheduling import FairScheduler, next_chunk

from .conftest import assert_envelope

HEAVY_TEXT = "jij bent echt anders dan de rest, hoe oud ben je eigenlijk? "


class RecordingService:
    """The session's service, recording every ``score_messages`` call (tag = id prefix); calls of
    the big batches (ids ``zwaar*``) are slowed down by ``delay`` so that they overlap the others."""

    def __init__(self, service, delay: float = 0.0) -> None:
        self._service = service
        self.delay = delay
        self.calls: list[tuple[str, str, int]] = []
        self.lock = threading.Lock()
        self.heavy_active = 0
        self.heavy_most = 0

    def __getattr__(self, name):
        return getattr(self._service, name)

    def score_messages(self, messages, explain=True):
        tag = str(messages[0].id).split("-")[0]
        heavy = tag.startswith("zwaar")
        with self.lock:
            self.calls.append(("start", tag, len(messages)))
            self.heavy_active += heavy
            self.heavy_most = max(self.heavy_most, self.heavy_active)
        try:
            if heavy:
                time.sleep(self.delay)
            return self._service.score_messages(messages, explain)
        finally:
            with self.lock:
                self.calls.append(("end", tag, len(messages)))
                self.heavy_active -= heavy


def _batch(tag: str, count: int, text: str = HEAVY_TEXT) -> dict:
    return {"messages": [{"id": f"{tag}-{i}", "text": f"{text}{i}"} for i in range(count)], "explain": True}


@pytest.fixture
def recorded(settings_for, service):
    def open_app(delay: float = 0.0, **overrides):
        recorder = RecordingService(service, delay)
        app = create_app(settings_for(**{"chunk_messages": 4, **overrides}), recorder)
        return recorder, TestClient(app)

    return open_app


def test_a_batch_is_scored_in_chunks_with_the_same_results(recorded, service):
    recorder, client = recorded()
    with client:
        recorder.calls.clear()
        response = client.post("/v1/score", json=_batch("zwaar", 18))
    assert response.status_code == 200
    sizes = [n for event, tag, n in recorder.calls if event == "start"]
    assert len(sizes) >= 5 and max(sizes) <= 4 and sum(sizes) == 18
    from signals.service import Message

    direct = service.score_messages([Message(m["id"], m["text"]) for m in _batch("zwaar", 18)["messages"]])
    assert response.json()["results"] == [r.model_dump(mode="json") for r in direct]


def test_small_requests_get_in_between_the_chunks_of_a_big_batch(recorded):
    recorder, client = recorded(delay=0.05)
    with client, ThreadPoolExecutor(1) as pool:
        recorder.calls.clear()
        heavy = pool.submit(client.post, "/v1/score", json=_batch("zwaar", 64))     # 16 chunks, 0.8 s or more
        while not any(tag == "zwaar" for _, tag, _ in list(recorder.calls)):
            time.sleep(0.005)
        small = [client.post("/v1/score", json=_batch(f"klein{k}", 1, "hoi")) for k in range(5)]
        heavy_response = heavy.result(timeout=120)
    assert heavy_response.status_code == 200 and len(heavy_response.json()["results"]) == 64
    assert all(response.status_code == 200 for response in small)
    calls = recorder.calls
    last_heavy_start = max(i for i, (event, tag, _) in enumerate(calls) if event == "start" and tag == "zwaar")
    small_ends = [i for i, (event, tag, _) in enumerate(calls) if event == "end" and tag.startswith("klein")]
    assert len(small_ends) == 5
    assert max(small_ends) < last_heavy_start, "no small request waited for the whole batch"


def test_heavy_requests_run_one_at_a_time(recorded):
    recorder, client = recorded(delay=0.02)
    with client, ThreadPoolExecutor(3) as pool:
        futures = [pool.submit(client.post, "/v1/score", json=_batch(f"zwaar{k}", 12)) for k in range(3)]
        responses = [future.result(timeout=120) for future in futures]
    assert [r.status_code for r in responses] == [200, 200, 200]
    assert recorder.heavy_most == 1


def test_a_request_over_its_time_budget_is_stopped_with_503(recorded):
    recorder, client = recorded(delay=0.1, request_budget_s=0.35)
    with client:
        recorder.calls.clear()
        response = client.post("/v1/score", json=_batch("zwaar", 40))                # 10 chunks, 1 s or more
        error = assert_envelope(response, 503, "time_budget_exceeded")
        assert "time budget of 0.35 s" in error["message"]
        assert response.headers["retry-after"] == "1"
        started = sum(1 for event, tag, _ in recorder.calls if event == "start" and tag == "zwaar")
        assert 1 <= started < 10, "scoring stopped when the budget ran out"
        assert client.post("/v1/score", json=_batch("klein", 1, "hoi")).status_code == 200


def test_a_long_conversation_takes_a_heavy_slot_and_is_scored(recorded):
    _, client = recorded(chunk_chars=100)
    turns = [{"speaker": "a" if k % 2 else "b", "text": HEAVY_TEXT} for k in range(6)]
    with client:
        scheduler: FairScheduler = client.app.state.scheduler
        assert scheduler.heavy_slots == 1
        response = client.post("/v1/conversations/score", json={"id": "c", "turns": turns})
    assert response.status_code == 200 and len(response.json()["turns"]) == 6


@pytest.mark.parametrize(("body", "field"), [
    ({"messages": [{"id": "1", "text": "\ufdfa" * 300}]}, "messages[0].text"),                # 300 sent, 5,400 after NFKC
    ({"messages": [{"id": "1", "text": "ok", "context": [{"speaker": "a", "text": "\ufdfa" * 300}]}]},
     "messages[0].context[0].text"),
])
def test_text_limits_count_the_nfkc_length(client, body, field):
    error = assert_envelope(client.post("/v1/score", json=body), 422, "limit_exceeded", field)
    assert "after NFKC normalisation" in error["message"] and "5400" in error["message"]


def test_a_conversation_turn_over_the_nfkc_limit(client):
    body = {"id": "c", "turns": [{"speaker": "a", "text": "hoi"}, {"speaker": "b", "text": "\ufdfa" * 300}]}
    assert_envelope(client.post("/v1/conversations/score", json=body), 422, "limit_exceeded", "turns[1].text")


@pytest.mark.parametrize(("costs", "start", "max_chars", "max_messages", "end"), [
    ([10, 10, 10, 10], 0, 25, 10, 2),
    ([10, 10, 10, 10], 2, 25, 10, 4),
    ([10, 10, 10, 10], 0, 100, 3, 3),
    ([500, 10], 0, 25, 10, 1),          # one message over the allowance is a chunk of its own
    ([10, 500], 0, 25, 10, 1),
    ([10], 0, 1, 1, 1),
])
def test_next_chunk(costs, start, max_chars, max_messages, end):
    assert next_chunk(costs, start, max_chars, max_messages) == end


def test_chunks_shrink_for_text_that_is_slow_to_score(settings_for):
    scheduler = FairScheduler(settings_for(chunk_chars=20_000, chunk_seconds=0.05), run=None)  # type: ignore[arg-type]
    assert scheduler._resize(20_000, 0.05) == 20_000          # as fast as planned: keep the size
    assert scheduler._resize(5_000, 0.5) == 500               # ten times slower per character: a tenth
    assert scheduler._resize(10, 10.0) == 1                   # never below one character (one message)
    assert scheduler._resize(1_000, 0.0) == 20_000
