"""The review gauges stay exact, on SQLite and PostgreSQL: every write keeps the running totals
(``tallies.py``) in its own transaction, so after each write the totals, the gauges and a full
count of the store agree (the gauges no longer count the store after every write). No timing here:
that a refresh reads a few rows, whatever the size of the store, is by construction."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic import command
from prometheus_client import CollectorRegistry
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from signals.results import ModelRef
from signals.review import tallies
from signals.review.db import alembic_config, current_revision, migrate
from signals.review.decisions import DecisionIn, Scored, decide, precision
from signals.review.errors import ReviewError
from signals.review.runtime import ReviewMetrics
from signals.review.store import STATUSES, NewItem, ReviewStore

from .conftest import REVIEWER, SCORING
from .helpers import enqueue, later, message

SEXTORTION = "stuur €200 of ik zet je f0t0s op insta voor al je volgers. je hebt 1 uur"
TEXTS = {"t1": SEXTORTION, "t2": "stuur €100 of ik stuur je fotos naar je ouders. vandaag nog",
         "t3": "betaal nu €50 in giftcards of iedereen ziet je foto's", "t4": SEXTORTION + "!",
         "t5": "hoe laat ben je thuis?", "t6": "kom op snap, stuur een foto"}


def counted(store: ReviewStore) -> tallies.Totals:
    """The totals counted in the whole store (what the gauges used to compute after every write)."""
    with store.readers() as session:
        return tallies.count(session)


def gauges(registry: CollectorRegistry) -> tuple[dict[str, float], dict[tuple[str, str], tuple[float, float]]]:
    """Items per status, and (model version, category) -> (reviewed, precision), as /metrics shows them."""
    statuses, reviewed, precision_ = {}, {}, {}
    for family in registry.collect():
        for sample in family.samples:
            if sample.name == "signals_review_items":
                statuses[sample.labels["status"]] = sample.value
            elif sample.name == "signals_review_reviewed_items":
                reviewed[(sample.labels["model_version"], sample.labels["category"])] = sample.value
            elif sample.name == "signals_review_precision":
                precision_[(sample.labels["model_version"], sample.labels["category"])] = sample.value
    assert reviewed.keys() == precision_.keys()
    return statuses, {key: (reviewed[key], precision_[key]) for key in reviewed}


def expected(store: ReviewStore) -> tuple[dict[str, float], dict[tuple[str, str], tuple[float, float]]]:
    """The gauges' values from full counts: ``store.counts`` and ``decisions.precision`` (the API's)."""
    return ({status: float(n) for status, n in store.counts().items()},
            {(r.model_version, r.category): (float(r.reviewed), round(r.precision, 6)) for r in precision(store)})


class Watch:
    """After each write: the running totals equal a full count, and so do the refreshed gauges."""

    def __init__(self, store: ReviewStore) -> None:
        self.store = store
        self.registry = CollectorRegistry()
        self.metrics = ReviewMetrics(self.registry)
        self.checks = 0

    def check(self) -> tallies.Totals:
        totals = self.store.totals()
        assert totals == counted(self.store)
        self.metrics.refresh(self.store)
        assert gauges(self.registry) == expected(self.store)
        self.checks += 1
        return totals


def _decide(store, service, d, now=None):
    return decide(store, d, tuple(service.thresholds), dict(service.thresholds), 200, now=now)


def test_every_kind_of_write_keeps_the_totals_and_the_gauges_exact(store, service):
    watch = Watch(store)
    version = service.info.version
    assert watch.check().statuses == dict.fromkeys(STATUSES, 0)  # a new store: every status, zero

    enqueue(store, service, [message(k, v) for k, v in TEXTS.items()])
    assert watch.check().statuses["open"] == len(TEXTS)
    assert enqueue(store, service, [message("t1", SEXTORTION), message("t7", "hoi")], now=later(10)) == [False, True]
    watch.check()
    flagged = sorted(k for k in TEXTS if "sextortion" in store.get(k).labels)
    assert len(flagged) >= 3

    # a decision on a scored message that was never enqueued: in live precision, not in the queue counts
    scored = Scored(("sextortion",), service.info.ref, {"recruitment": 0.1, "sextortion": 0.9, "disclosure": 0.0})
    _decide(store, service, DecisionIn("plain-1", "confirmed", "rev-a", scored=scored))
    assert watch.check().statuses["confirmed"] == 0
    # another model version, flagged for a category
    other = ModelRef(name=service.info.name, version="0.0.1-old", sha256="0" * 64)
    _decide(store, service, DecisionIn("plain-2", "dismissed", "rev-a", scored=Scored(("recruitment",), other)))
    watch.check()
    # ... and its enqueue: now counted with its status
    assert enqueue(store, service, [message("plain-1", SEXTORTION)]) == [False]
    assert watch.check().statuses["confirmed"] == 1

    a, b, c = flagged[:3]
    for d in (DecisionIn(a, "confirmed", "r1"), DecisionIn(b, "dismissed", "r1"), DecisionIn(c, "escalated", "r1"),
              DecisionIn(b, "confirmed", "r2"),                          # a changed decision: the latest counts
              DecisionIn(a, "confirmed", "r3", ("recruitment",)),        # confirmed for a category not flagged
              DecisionIn(a, "escalated", "r3"),                          # final -> pending
              DecisionIn(c, "dismissed", "r2", note="toch niet")):       # pending -> final
        assert _decide(store, service, d).recorded
        watch.check()
    assert not _decide(store, service, DecisionIn(c, "dismissed", "r2", note="toch niet")).recorded  # a repeat
    watch.check()
    with pytest.raises(ReviewError):  # refused: nothing stored, nothing counted
        _decide(store, service, DecisionIn("t5", "confirmed", "r1", ("geen-categorie",)))
    watch.check()
    assert watch.check().precision  # not vacuous: there is live precision to compare
    assert (version, "sextortion") in {(v, k) for v, k, _, _ in watch.check().precision}

    assert store.delete("t7") == "deleted"          # undecided: the item goes
    watch.check()
    assert store.delete(b) == "text_deleted"         # decided: its decisions (and the counts) stay
    watch.check()

    counts = store.purge(30, now=later(31))          # open items past the retention period expire
    assert counts["expired"] >= 1
    assert watch.check().statuses["expired"] == counts["expired"]
    _decide(store, service, DecisionIn("t5", "dismissed", "r1"), now=later(32))  # expired -> dismissed
    watch.check()
    assert store.recount() is False  # nothing had drifted
    assert watch.checks >= 20


def test_the_gauges_in_metrics_match_the_api_after_every_write(review_client):
    def check(client) -> None:
        families = {f.name: f for f in text_string_to_metric_families(client.get("/metrics").text)}
        statuses = {s.labels["status"]: s.value for s in families["signals_review_items"].samples}
        queue_counts = client.get("/v1/review/items", headers=REVIEWER).json()["counts"]
        assert statuses == {status: float(n) for status, n in queue_counts.items()}
        shown = {(s.labels["model_version"], s.labels["category"]): s.value
                 for s in families["signals_review_precision"].samples}
        reviewed = {(s.labels["model_version"], s.labels["category"]): s.value
                    for s in families["signals_review_reviewed_items"].samples}
        rows = client.get("/v1/review/precision", headers=REVIEWER).json()
        assert shown == {(r["model_version"], r["category"]): r["precision"] for r in rows}
        assert reviewed == {(r["model_version"], r["category"]): float(r["reviewed"]) for r in rows}

    with review_client() as client:
        check(client)
        items = [{"id": k, "text": v} for k, v in TEXTS.items()]
        assert client.post("/v1/review/items", json={"items": items}, headers=SCORING).status_code == 200
        check(client)
        for body in ({"id": "t1", "decision": "confirmed", "reviewer": "r1"},
                     {"id": "t2", "decision": "dismissed", "reviewer": "r1"},
                     {"id": "t3", "decision": "escalated", "reviewer": "r1"},
                     {"id": "t2", "decision": "confirmed", "reviewer": "r2", "categories": ["recruitment"]},
                     {"id": "s1", "decision": "confirmed", "reviewer": "r1",
                      "scored": {"labels": ["sextortion"], "model": None}}):
            assert client.post("/v1/feedback", json=body, headers=REVIEWER).status_code == 200
            check(client)
        assert client.delete("/v1/review/items/t5", headers=SCORING).json() == {"status": "deleted"}
        check(client)
        assert client.delete("/v1/review/items/t1", headers=SCORING).json() == {"status": "text_deleted"}
        check(client)


def test_recount_corrects_totals_a_write_did_not_keep(store, service):
    enqueue(store, service, [message(k, v) for k, v in TEXTS.items()])
    target = next(k for k in TEXTS if store.get(k).labels)
    _decide(store, service, DecisionIn(target, "confirmed", "r1"))
    right = counted(store)
    with store.sessions.begin() as session:  # e.g. a replica of the previous version wrote without them
        session.execute(text("UPDATE review_status_counts SET items = items + 5 WHERE status = 'open'"))
        session.execute(text("DELETE FROM review_precision_counts"))
    assert store.totals() != right
    assert store.recount() is True
    assert store.totals() == right == counted(store)
    assert store.recount() is False


def test_the_migration_fills_the_totals_of_an_existing_store(store, service, review_db):
    enqueue(store, service, [message(k, v) for k, v in TEXTS.items()])
    target = next(k for k in TEXTS if store.get(k).labels)
    _decide(store, service, DecisionIn(target, "dismissed", "r1"))
    _decide(store, service, DecisionIn("plain-1", "confirmed", "r1", scored=Scored(("sextortion",), service.info.ref)))
    right = counted(store)
    config = alembic_config()
    with store.engine.connect() as connection:  # back to the store as 0001 made it: no totals
        config.attributes["connection"] = connection
        command.downgrade(config, "0001")
        connection.commit()
    assert current_revision(store.engine) == "0001"
    migrate(store.engine)
    assert current_revision(store.engine) == "0002"
    assert store.totals() == right and right.precision and right.statuses["dismissed"] == 1


def test_concurrent_writers_keep_the_totals_exact(store, service):
    """Enqueues and decisions on shared items from several threads at once (row locks on PostgreSQL,
    the database lock on SQLite): no change to the totals is lost or counted twice."""
    ids = [f"c{i}" for i in range(6)]
    enqueue(store, service, [message(i, SEXTORTION) for i in ids])
    results = service.score_messages([message(f"n{i}", SEXTORTION) for i in range(12)], explain=True)
    decisions_ = ("confirmed", "dismissed", "escalated")

    def work(worker: int) -> None:
        for step in range(6):
            item = ids[(worker + step) % len(ids)]
            _decide(store, service, DecisionIn(item, decisions_[(worker + step) % 3], f"rev-{worker}"))
            new = (worker * 6 + step) % 12  # the same new ids from several threads: each enqueued once
            store.enqueue([NewItem(message(f"n{new}", SEXTORTION))], [results[new]], service.info.ref,
                          dict(service.thresholds))

    with ThreadPoolExecutor(4) as pool:
        list(pool.map(work, range(4)))
    totals = store.totals()
    assert totals == counted(store)
    assert sum(totals.statuses.values()) == len(ids) + 12
