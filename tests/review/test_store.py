"""The review store on SQLite and PostgreSQL: migrations, enqueue, queue order and paging,
delete, purge."""

from __future__ import annotations

import pytest
from sqlalchemy import inspect

from signals.review.db import current_revision, migrate
from signals.review.decisions import DecisionIn, decide
from signals.review.errors import ReviewError, UnknownItem
from signals.review.priority import risk_and_uncertainty

from .helpers import T0, enqueue, later, message, snapshot


def test_migrations_run_to_head_and_again(store, review_db):
    assert current_revision(store.engine) == "0002"
    migrate(store.engine)  # a second start-up is a no-op
    assert current_revision(store.engine) == "0002"
    assert {"review_items", "review_item_categories", "review_decisions"} <= set(inspect(store.engine).get_table_names())


def test_sqlite_file_is_created_in_wal_mode(tmp_path):
    from signals.review.store import ReviewStore

    path = tmp_path / "new" / "folder" / "review.sqlite3"
    opened = ReviewStore.open(str(path))
    try:
        assert path.is_file()
        assert path.stat().st_mode & 0o077 == 0 and path.parent.stat().st_mode & 0o077 == 0  # owner only
        with opened.engine.connect() as connection:
            assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
            assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
            connection.exec_driver_sql("CREATE TABLE t (x)")
            connection.commit()
        wal = path.with_name(path.name + "-wal")
        assert wal.is_file() and wal.stat().st_mode & 0o077 == 0
    finally:
        opened.close()


def test_enqueue_is_idempotent_by_id(store, service):
    items = [message("a", "stuur €200 of ik zet je f0t0s online"), message("b", "hoe laat ben je thuis?")]
    assert enqueue(store, service, items) == [True, True]
    before = snapshot(store)
    changed = [message("a", "een andere tekst met hetzelfde id"), message("b", "hoe laat ben je thuis?")]
    assert enqueue(store, service, changed, now=later(1)) == [False, False]
    assert snapshot(store) == before  # the first version stays, nothing is rescored
    assert store.get("a").text == "stuur €200 of ik zet je f0t0s online"


def test_items_keep_text_context_scores_tactics_and_model(store, service):
    enqueue(store, service, [message("c1", "kom op snap", ("u-42", "jij bent anders dan de rest"))],
            conversation_id="conv-1")
    item = store.get("c1")
    assert item.text == "kom op snap" and item.context == [{"speaker": "u-42", "text": "jij bent anders dan de rest"}]
    assert item.conversation_id == "conv-1" and item.status == "open" and item.enqueued
    assert set(item.category_scores) == set(service.thresholds)
    assert item.model_version == service.info.version and item.model_sha256 == service.info.sha256
    assert item.enqueued_at == T0
    assert all({"tactic", "start", "end", "score"} <= set(span) for span in item.tactics)


@pytest.mark.parametrize(("scores", "thresholds", "risk", "uncertainty"), [
    ({"a": 0.9, "b": 0.1}, {"a": 0.5, "b": 0.5}, 0.9, 0.2),     # both 0.4 from 0.5: 1 - 0.4 / 0.5
    ({"a": 0.9, "b": 0.3}, {"a": 0.5, "b": 0.4}, 0.9, 0.75),    # b: 1 - 0.1 / 0.4
    ({"a": 0.5}, {"a": 0.5}, 0.5, 1.0),                          # on the threshold: most uncertain
    ({"a": 1.0}, {"a": 0.5}, 1.0, 0.0),
    ({"a": 0.0}, {"a": 0.2}, 0.0, 0.0),
    ({}, {}, 0.0, 0.0),
])
def test_risk_and_uncertainty(scores, thresholds, risk, uncertainty):
    assert risk_and_uncertainty(scores, thresholds) == pytest.approx((risk, uncertainty))


def test_queue_is_ordered_by_risk_then_uncertainty_and_pages_by_cursor(store, service):
    texts = ["stuur €200 of ik zet je f0t0s op insta. je hebt 1 uur", "hoe laat ben je thuis vanavond?",
             "ik durf het niemand te vertellen maar hij dreigt mn fotos te sturen", "kom op snap bro",
             "wil je makkelijk geld verdienen? zeg niks tegen je ouders", "gefeliciteerd met je verjaardag"]
    for i, text in enumerate(texts):
        enqueue(store, service, [message(f"q{i}", text)], now=later(i / 24))
    seen, cursor = [], None
    while True:
        page = store.queue(limit=2, cursor=cursor)
        seen += page.items
        cursor = page.next_cursor
        if cursor is None:
            break
    assert sorted(i.id for i in seen) == [f"q{i}" for i in range(len(texts))]  # every item once
    keys = [(-min(int(i.risk * 10), 10), -round(i.uncertainty, 6)) for i in seen]
    assert keys == sorted(keys)
    # items leaving the queue between pages do not make the next page skip any
    first = store.queue(limit=2)
    decide(store, DecisionIn(first.items[0].id, "dismissed", "r1", ()), service.thresholds, service.thresholds, 100)
    rest = store.queue(limit=10, cursor=first.next_cursor)
    assert [i.id for i in first.items[1:]] + [i.id for i in rest.items] == [i.id for i in seen[1:]]


def test_queue_filters_by_status_and_category(store, service):
    enqueue(store, service, [message("s1", "stuur €200 of ik zet je f0t0s op insta. je hebt 1 uur"),
                             message("s2", "hoe laat ben je thuis?")])
    flagged = store.get("s1").labels
    assert flagged, "the tiny model flags the sextortion example"
    assert [i.id for i in store.queue(category=flagged[0]).items] == ["s1"]
    assert store.queue(category="no-such-category").items == []
    decide(store, DecisionIn("s1", "confirmed", "r1"), service.thresholds, service.thresholds, 100)
    assert [i.id for i in store.queue("confirmed").items] == ["s1"]
    assert [i.id for i in store.queue("open").items] == ["s2"]
    with pytest.raises(ReviewError):
        store.queue("closed")
    with pytest.raises(ReviewError):
        store.queue(cursor="***")
    assert store.counts() == {"open": 1, "confirmed": 1, "dismissed": 0, "escalated": 0, "expired": 0}


def test_delete_removes_an_undecided_item_and_only_the_text_of_a_decided_one(store, service):
    enqueue(store, service, [message("d1", "kom op snap"), message("d2", "kom op snap, stuur foto", ("u", "hoi"))])
    decide(store, DecisionIn("d2", "escalated", "r1", note="zie notitie"), service.thresholds, service.thresholds, 100)
    assert store.delete("d1") == "deleted"
    assert store.get("d1") is None
    with pytest.raises(UnknownItem):
        store.delete("d1")
    assert store.delete("d2") == "text_deleted"
    item = store.get("d2")
    assert item.text is None and item.context is None and item.tactics == [] and item.status == "escalated"
    from signals.review.decisions import history

    [entry] = history(store, "d2")
    assert entry.decision == "escalated" and entry.note is None
    assert store.delete("d2") == "text_deleted"  # again: nothing left to delete, same answer


def test_purge_deletes_text_context_and_notes_after_the_retention_period(store, service):
    enqueue(store, service, [message("old-open", "kom op snap", ("u", "hoi")), message("old-done", "stuur foto")])
    enqueue(store, service, [message("new", "kom op snap")], now=later(20))
    decide(store, DecisionIn("old-done", "confirmed", "r1", ("recruitment",), note="notitie"), service.thresholds,
           service.thresholds, 100, now=later(1))
    assert store.purge(30, now=later(25)) == {"items": 0, "expired": 0, "notes": 0}
    assert store.purge(30, now=later(31.5)) == {"items": 2, "expired": 1, "notes": 1}
    old_open, old_done, new = store.get("old-open"), store.get("old-done"), store.get("new")
    assert old_open.text is None and old_open.context is None and old_open.status == "expired"
    assert old_done.text is None and old_done.status == "confirmed" and old_done.category_scores
    assert new.text == "kom op snap" and new.status == "open"
    assert store.purge(30, now=later(32)) == {"items": 0, "expired": 0, "notes": 0}
