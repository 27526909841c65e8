"""The review store when threads share it: the in-memory store (tests, demos) lends its one
connection to one thread at a time, and a delete that a long reader holds up neither stalls nor
leaves the text behind unnoticed (SQLite)."""

from __future__ import annotations

import threading
import time

from sqlalchemy import select, text

from signals.review.decisions import precision
from signals.review.models import Item
from signals.review.store import ReviewStore

from .helpers import enqueue, message

SECRET = "geheimwoordzq hoe oud ben je, stuur een foto"


def test_the_in_memory_store_is_safe_for_a_reader_thread_beside_writes(service):
    """What the app's timer does (precision and counts) beside enqueue and delete requests: with one
    connection lent to every thread at once, this raised 'cannot start a transaction within a
    transaction' and lost enqueued items (tests/security/test_fuzz_api.py saw it as a rare 500)."""
    store = ReviewStore.open("sqlite://")
    stop, errors = threading.Event(), []

    def timer_like():
        while not stop.is_set():
            try:
                precision(store)
                store.counts()
            except Exception as exc:  # noqa: BLE001 -- collected and asserted below
                errors.append(exc)
            time.sleep(0.001)

    reader = threading.Thread(target=timer_like)
    reader.start()
    try:
        for i in range(60):
            assert enqueue(store, service, [message(f"m{i}", SECRET)]) == [True]
            assert store.get(f"m{i}") is not None                      # what was enqueued is there
            if i % 2:
                assert store.delete(f"m{i}") == "deleted"
    finally:
        stop.set()
        reader.join()
        store.close()
    assert errors == []


def test_a_delete_held_up_by_a_reader_returns_at_once_and_is_finished_later(service, tmp_path):
    store = ReviewStore.open(str(tmp_path / "review.sqlite3"))
    try:
        enqueue(store, service, [message("a", SECRET)])
        log = tmp_path / "review.sqlite3-wal"
        with store.readers() as reading:                               # a long export holds a read transaction
            reading.execute(select(Item.id)).all()
            started = time.monotonic()
            assert store.delete("a") == "deleted"
            assert time.monotonic() - started < 5                     # was the 30 s busy timeout, for every writer too
            assert store.scrub_pending                                 # and the log could not be emptied: said so
        assert store.scrub() and not store.scrub_pending               # the timer's retry, once the reader is gone
        assert SECRET.encode() not in log.read_bytes() if log.exists() else True
        assert SECRET.encode() not in (tmp_path / "review.sqlite3").read_bytes()
    finally:
        store.close()


def test_an_in_memory_store_has_no_files_to_scrub(service):
    store = ReviewStore.open("sqlite://")
    try:
        enqueue(store, service, [message("a", SECRET)])
        assert store.delete("a") == "deleted" and store.scrub() and not store.scrub_pending
        with store.engine.connect() as connection:
            assert connection.execute(text("select count(*) from review_items")).scalar() == 0
    finally:
        store.close()
