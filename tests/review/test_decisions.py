"""Decisions on SQLite and PostgreSQL: idempotency, history, decisions on messages never enqueued,
bad input that changes nothing, live precision."""

from __future__ import annotations

import pytest

from signals.results import ModelRef
from signals.review.decisions import DecisionIn, Scored, decide, history, precision
from signals.review.errors import OverLimit, ReviewError, UnknownItem

from .helpers import enqueue, later, message, snapshot

SEXTORTION = "stuur €200 of ik zet je f0t0s op insta voor al je volgers. je hebt 1 uur"


def _decide(store, service, d, now=None, max_note=200):
    return decide(store, d, tuple(service.thresholds), dict(service.thresholds), max_note, now=now)


@pytest.fixture
def item(store, service):
    enqueue(store, service, [message("x1", SEXTORTION)])
    assert store.get("x1").labels == ["sextortion"]
    return "x1"


def test_the_same_decision_twice_is_one_history_entry(store, service, item):
    first = _decide(store, service, DecisionIn(item, "confirmed", "rev-a", note="dreigt"), now=later(1))
    again = _decide(store, service, DecisionIn(item, "confirmed", "rev-a", note="dreigt"), now=later(2))
    assert first.recorded and not again.recorded
    assert again.entry.seq == 1 and again.history_length == 1
    assert [(e.seq, e.decision, e.categories) for e in history(store, item)] == [(1, "confirmed", ["sextortion"])]


def test_a_changed_decision_appends_history_and_sets_the_status(store, service, item):
    _decide(store, service, DecisionIn(item, "confirmed", "rev-a"), now=later(1))
    _decide(store, service, DecisionIn(item, "escalated", "rev-a", note="twijfel"), now=later(2))
    _decide(store, service, DecisionIn(item, "dismissed", "rev-b"), now=later(3))
    out = _decide(store, service, DecisionIn(item, "confirmed", "rev-b", ("recruitment", "sextortion")), now=later(4))
    entries = history(store, item)
    assert [(e.seq, e.reviewer, e.decision) for e in entries] == [
        (1, "rev-a", "confirmed"), (2, "rev-a", "escalated"), (3, "rev-b", "dismissed"), (4, "rev-b", "confirmed")]
    assert entries[3].categories == ["recruitment", "sextortion"]
    assert [e.decided_at for e in entries] == [later(d) for d in (1, 2, 3, 4)]
    assert all(e.model_version == service.info.version and e.model_sha256 == service.info.sha256 for e in entries)
    assert out.status == "confirmed" == store.get(item).status and out.history_length == 4


def test_a_retried_decision_after_someone_elses_is_still_a_repeat(store, service, item):
    _decide(store, service, DecisionIn(item, "confirmed", "rev-a"))
    _decide(store, service, DecisionIn(item, "dismissed", "rev-b"))
    retry = _decide(store, service, DecisionIn(item, "confirmed", "rev-a"))
    assert not retry.recorded and len(history(store, item)) == 2


def test_a_decision_on_a_scored_message_that_was_never_enqueued_is_stored_without_text(store, service):
    scored = Scored(("recruitment",), service.info.ref, {"recruitment": 0.93, "sextortion": 0.02, "disclosure": 0.01})
    out = _decide(store, service, DecisionIn("plain-1", "confirmed", "rev-a", scored=scored))
    item = store.get("plain-1")
    assert out.recorded and item.text is None and item.context is None and not item.enqueued
    assert item.labels == ["recruitment"] and item.category_scores["recruitment"] == 0.93
    assert item.status == "confirmed" and store.queue("confirmed").items == []  # not in the review queue
    other = Scored(("recruitment",), ModelRef(name="signals-nl", version="0.0.9", sha256="0" * 64))
    _decide(store, service, DecisionIn("plain-2", "dismissed", "rev-a", scored=other))
    assert store.get("plain-2").model_version == "0.0.9"


@pytest.mark.parametrize(("d", "error", "field"), [
    (DecisionIn("nope", "confirmed", "rev-a"), UnknownItem, "id"),
    (DecisionIn("x1", "approved", "rev-a"), ReviewError, "decision"),
    (DecisionIn("x1", "confirmed", "rev-a", ("sextortion", "spam")), ReviewError, "categories[1]"),
    (DecisionIn("x1", "dismissed", "rev-a", ("sextortion",)), ReviewError, "categories"),
    (DecisionIn("x1", "confirmed", "Jan Jansen <jan@example.org>"), ReviewError, "reviewer"),
    (DecisionIn("x1", "confirmed", ""), ReviewError, "reviewer"),
    (DecisionIn("x1", "confirmed", "rev-a", note="x" * 201), OverLimit, "note"),
    (DecisionIn("y1", "confirmed", "rev-a", scored=Scored(("grooming",), ModelRef(name="m", version="1", sha256="0" * 64))),
     ReviewError, "scored.labels[0]"),
    # a confirmation that confirms nothing would count as a false positive and export as a hard negative
    (DecisionIn("x1", "confirmed", "rev-a", ()), ReviewError, "categories"),
    # a category twice was an IntegrityError, retried five times, then a 500
    (DecisionIn("y1", "confirmed", "rev-a", scored=Scored(("recruitment", "recruitment"), ModelRef(name="m", version="1",
                                                                                                   sha256="0" * 64))),
     ReviewError, "scored.labels[1]"),
])
def test_bad_input_is_refused_and_changes_nothing(store, service, item, d, error, field):
    _decide(store, service, DecisionIn(item, "escalated", "rev-z"))
    before = snapshot(store)
    with pytest.raises(error) as raised:
        _decide(store, service, d)
    assert raised.value.field == field
    assert snapshot(store) == before


def test_confirming_an_unflagged_item_needs_categories(store, service):
    enqueue(store, service, [message("b1", "hoe laat ben je thuis? we eten om zes uur")])
    assert store.get("b1").labels == []
    before = snapshot(store)
    with pytest.raises(ReviewError) as raised:
        _decide(store, service, DecisionIn("b1", "confirmed", "rev-a"))
    assert raised.value.field == "categories" and snapshot(store) == before
    assert _decide(store, service, DecisionIn("b1", "confirmed", "rev-a", ("recruitment",))).recorded


def test_live_precision_per_category_and_model_version(store, service):
    texts = {"p1": SEXTORTION, "p2": "stuur €100 of ik stuur je fotos naar je ouders. vandaag nog",
             "p3": "betaal nu €50 in giftcards of iedereen ziet je foto's", "p4": SEXTORTION + "!"}
    enqueue(store, service, [message(k, v) for k, v in texts.items()])
    flagged = {k for k in texts if "sextortion" in store.get(k).labels}
    assert len(flagged) >= 3
    ids = sorted(flagged)
    _decide(store, service, DecisionIn(ids[0], "confirmed", "r"))
    _decide(store, service, DecisionIn(ids[1], "dismissed", "r"))
    _decide(store, service, DecisionIn(ids[2], "escalated", "r"))  # pending: not counted
    rows = {(r.model_version, r.category): r for r in precision(store)}
    row = rows[(service.info.version, "sextortion")]
    assert (row.reviewed, row.confirmed, row.precision) == (2, 1, 0.5)
    _decide(store, service, DecisionIn(ids[1], "confirmed", "r2"))  # the latest decision counts
    row = {(r.model_version, r.category): r for r in precision(store)}[(service.info.version, "sextortion")]
    assert (row.reviewed, row.confirmed) == (2, 2)
    # confirmed for another category only: the flagged category was wrong
    _decide(store, service, DecisionIn(ids[0], "confirmed", "r3", ("recruitment",)))
    row = {(r.model_version, r.category): r for r in precision(store)}[(service.info.version, "sextortion")]
    assert (row.reviewed, row.confirmed) == (2, 1)


def test_no_note_is_stored_on_an_item_whose_text_was_deleted(store, service, item):
    """A retried request after DELETE recorded the decision again and stored its note on a deleted item."""
    _decide(store, service, DecisionIn(item, "confirmed", "rev-a", note="dreigt met foto's"))
    assert store.delete(item) == "text_deleted"
    retry = _decide(store, service, DecisionIn(item, "confirmed", "rev-a", note="dreigt met foto's"))
    assert not retry.recorded and [e.note for e in history(store, item)] == [None]
    changed = _decide(store, service, DecisionIn(item, "escalated", "rev-a", note="toch twijfel"))
    assert changed.recorded and [e.note for e in history(store, item)] == [None, None]


def test_a_message_decided_on_before_it_was_enqueued_gets_its_text_when_it_is(store, service):
    """Feedback on a scored message, then its enqueue: the item never reached any queue, without text."""
    scored = Scored(("sextortion",), service.info.ref, {"recruitment": 0.1, "sextortion": 0.9, "disclosure": 0.0})
    _decide(store, service, DecisionIn("vroeg-1", "confirmed", "rev-a", scored=scored))
    assert enqueue(store, service, [message("vroeg-1", SEXTORTION)]) == [False]      # it was there already
    item = store.get("vroeg-1")
    assert item.enqueued and item.text == SEXTORTION and item.status == "confirmed" and item.decision_count == 1
    assert [i.id for i in store.queue("confirmed").items] == ["vroeg-1"]


def test_enqueue_answers_in_the_order_it_was_sent(store, service):
    """Rows are written in id order (two replicas sharing ids lock them in one order); answers are not."""
    assert enqueue(store, service, [message("zz", SEXTORTION), message("aa", SEXTORTION)]) == [True, True]
    assert enqueue(store, service, [message("mm", SEXTORTION), message("aa", SEXTORTION), message("bb", SEXTORTION)]
                   ) == [True, False, True]
