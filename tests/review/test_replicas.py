"""Two API replicas on one database decide on the same item at the same time: no decision is lost,
no identical decision is stored twice, and the history numbers stay gap-free.

Each replica is its own ``create_app`` served by its own uvicorn on a loopback port; the requests
go over HTTP from a pool of threads, alternating between the replicas. PostgreSQL is the set-up
for several replicas (row locks); the same test runs on one SQLite file shared by both apps.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from signals.api import create_app
from signals.review.decisions import history

from .conftest import API_KEY, REVIEWER, REVIEWER_KEY, SCORING, make_settings
from .server import ThreadServer

DECISIONS = ("confirmed", "dismissed", "escalated")


@pytest.fixture
def replicas(review_db, tiny_model_dir, service):
    settings = make_settings(tiny_model_dir, review_db=review_db, api_keys=API_KEY, reviewer_keys=REVIEWER_KEY,
                             review_purge_interval=0, workers=4)
    with ThreadServer(create_app(settings, service)) as one, ThreadServer(create_app(settings, service)) as two:
        yield one.url, two.url


def test_concurrent_decisions_on_one_item_from_two_replicas_are_all_kept(replicas, store):
    one, two = replicas
    with httpx.Client(timeout=60) as client:
        enqueued = client.post(f"{one}/v1/review/items", headers=SCORING,
                               json={"items": [{"id": "race-1", "text": "stuur €200 of ik zet je f0t0s online"}]})
        assert enqueued.status_code == 200, enqueued.text

    # 24 different decisions (8 reviewers x 3 decisions) and each one posted 3 times, all at once
    distinct = [{"id": "race-1", "decision": d, "reviewer": f"rev-{r}", "note": f"ronde {r}"}
                for r in range(8) for d in DECISIONS]
    posts = [(body, (one, two)[(i + k) % 2]) for i, body in enumerate(distinct) for k in range(3)]

    def post(job):
        body, base = job
        with httpx.Client(timeout=60) as client:
            return client.post(f"{base}/v1/feedback", json=body, headers=REVIEWER)

    with ThreadPoolExecutor(max_workers=16) as pool:
        responses = list(pool.map(post, posts))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses if r.status_code != 200][:3]
    entries = history(store, "race-1")
    # every distinct decision is in the history; a repeat is stored only when the same reviewer's
    # own latest decision had changed in between (then it is a real change of mind, kept as such)
    recorded = sum(r.json()["recorded"] for r in responses)
    assert len(entries) == recorded
    assert {(e.reviewer, e.decision) for e in entries} == {(b["reviewer"], b["decision"]) for b in distinct}
    assert [e.seq for e in entries] == list(range(1, len(entries) + 1))
    item = store.get("race-1")
    assert item.decision_count == len(entries) and item.status == entries[-1].decision


def test_the_same_decision_from_both_replicas_at_once_is_stored_once(replicas, store):
    one, two = replicas
    with httpx.Client(timeout=60) as client:
        client.post(f"{two}/v1/review/items", headers=SCORING,
                    json={"items": [{"id": "race-2", "text": "kom op snap, vertel niemand iets"}]})
    body = {"id": "race-2", "decision": "escalated", "reviewer": "rev-x"}

    def post(i):
        with httpx.Client(timeout=60) as client:
            return client.post(f"{(one, two)[i % 2]}/v1/feedback", json=body, headers=REVIEWER)

    with ThreadPoolExecutor(max_workers=12) as pool:
        responses = list(pool.map(post, range(24)))
    assert all(r.status_code == 200 for r in responses)
    assert sum(r.json()["recorded"] for r in responses) == 1
    assert len(history(store, "race-2")) == 1


def test_both_replicas_enqueue_the_same_ids_at_once(replicas, store):
    one, two = replicas
    items = [{"id": f"dup-{i}", "text": f"hoe oud ben je? bericht {i}"} for i in range(10)]

    def post(i):
        with httpx.Client(timeout=60) as client:
            return client.post(f"{(one, two)[i % 2]}/v1/review/items", json={"items": items}, headers=SCORING)

    with ThreadPoolExecutor(max_workers=8) as pool:
        responses = list(pool.map(post, range(8)))
    assert all(r.status_code == 200 for r in responses), [r.text for r in responses if r.status_code != 200][:2]
    created = sum(i["created"] for r in responses for i in r.json()["items"])
    assert created == len(items)
    assert store.counts()["open"] == len(items)
