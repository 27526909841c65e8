"""Privacy of the review loop: nothing of a message in logs or metrics, text stored only for
enqueued items, and gone (from the rows and, on SQLite, from the files) after the retention period."""

from __future__ import annotations

import json
import logging
import time
from pathlib import Path

from signals.api.logs import JsonFormatter
from signals.cli import main as cli_main
from signals.review.decisions import history

from .conftest import REVIEWER, SCORING
from .helpers import enqueue, message, snapshot

SECRET_TEXT = "geheimzinnigwoordqz stuur €200 of ik zet je f0t0s online"
SECRET_CONTEXT = "contextwoordxv hoe oud ben je"
SECRET_SPEAKER = "spreker-7781x"
SECRET_ID = "bericht-id-5530y"
SECRET_NOTE = "notitiewoordkw"
SECRET_REVIEWER = "beoordelaar-3391p"
SECRET_CONVERSATION = "gesprek-2207z"


def test_no_text_ids_speakers_notes_or_reviewers_in_logs_or_metrics(review_client, caplog):
    caplog.set_level(logging.DEBUG)
    with review_client() as client:
        item = {"id": SECRET_ID, "text": SECRET_TEXT, "conversation_id": SECRET_CONVERSATION,
                "context": [{"speaker": SECRET_SPEAKER, "text": SECRET_CONTEXT}]}
        assert client.post("/v1/review/items", json={"items": [item]}, headers=SCORING).status_code == 200
        assert client.get("/v1/review/items", headers=REVIEWER).status_code == 200
        assert client.get(f"/v1/review/items/{SECRET_ID}", headers=REVIEWER).status_code == 200
        decision = {"id": SECRET_ID, "decision": "confirmed", "reviewer": SECRET_REVIEWER, "note": SECRET_NOTE}
        assert client.post("/v1/feedback", json=decision, headers=REVIEWER).status_code == 200
        assert client.post("/v1/feedback", json={**decision, "categories": ["bestaat-niet"]},
                           headers=REVIEWER).status_code == 422
        client.post("/review/login", data={"key": REVIEWER["X-Reviewer-Key"], "reviewer": SECRET_REVIEWER})
        assert client.get("/review").status_code == 200
        assert client.delete(f"/v1/review/items/{SECRET_ID}", headers=SCORING).status_code == 200
        metrics = client.get("/metrics").text
    # every record of the service (the test client's own request log, which names the URL, is not the service's)
    lines = [JsonFormatter().format(record) for record in caplog.records if not record.name.startswith("httpx")]
    assert any(json.loads(line)["event"] == "request" for line in lines)
    blob = "\n".join(lines) + metrics
    for secret in (SECRET_TEXT.split()[0], SECRET_CONTEXT.split()[0], SECRET_SPEAKER, SECRET_ID, SECRET_NOTE,
                   SECRET_REVIEWER, SECRET_CONVERSATION):
        assert secret not in blob, secret


def test_plain_scoring_stores_nothing(review_client, store):
    with review_client() as client:
        response = client.post("/v1/score", json={"messages": [{"id": "s1", "text": SECRET_TEXT}]}, headers=SCORING)
        assert response.status_code == 200
    assert snapshot(store) == {"review_items": [], "review_item_categories": [], "review_decisions": []}


def _files_of(review_db: str) -> bytes:
    path = Path(review_db)
    return b"".join(p.read_bytes() for p in path.parent.glob(path.name + "*"))


def test_text_is_gone_after_the_retention_period(store, service, review_db, monkeypatch):
    """Items enqueued in March 2026 are past a 30-day retention now; ``signals review purge`` (the
    command) deletes their text, context and notes; decisions and scores stay."""
    enqueue(store, service, [message("r1", SECRET_TEXT, (SECRET_SPEAKER, SECRET_CONTEXT))])
    from signals.review.decisions import DecisionIn, decide

    decide(store, DecisionIn("r1", "confirmed", "rev-1", note=SECRET_NOTE), tuple(service.thresholds),
           dict(service.thresholds), 200)
    sqlite = "://" not in review_db
    if sqlite:
        assert SECRET_TEXT.split()[0].encode() in _files_of(review_db)
    monkeypatch.setenv("SIGNALS_REVIEW_RETENTION_DAYS", "30")
    assert cli_main(["review", "purge", "--db", review_db]) == 0
    item = store.get("r1")
    assert item.text is None and item.context is None and item.status == "confirmed"
    assert history(store, "r1")[0].note is None and history(store, "r1")[0].decision == "confirmed"
    rows = json.dumps(snapshot(store))
    for secret in (SECRET_TEXT.split()[0], SECRET_CONTEXT.split()[0], SECRET_SPEAKER, SECRET_NOTE):
        assert secret not in rows
        if sqlite:  # not in the database file nor its write-ahead log either
            assert secret.encode() not in _files_of(review_db), secret


def test_the_app_purges_on_its_timer(store, service, review_client):
    enqueue(store, service, [message("t1", SECRET_TEXT)])  # enqueued in March 2026
    with review_client(review_purge_interval=3600, review_retention_days=30):
        deadline = time.monotonic() + 10
        while store.get("t1").text is not None and time.monotonic() < deadline:
            time.sleep(0.05)
    assert store.get("t1").text is None and store.get("t1").status == "expired"
