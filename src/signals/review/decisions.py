"""Reviewer decisions: validate, record with their history, and live precision.

A decision is appended to the item's history (``review_decisions``) inside one transaction that
first locks the item's row (``SELECT ... FOR UPDATE`` on PostgreSQL; SQLite's ``BEGIN IMMEDIATE``
holds the database write lock), so two replicas deciding on one item at the same moment queue up
on that lock: the second sees the first's entry and appends after it. ``(item_id, seq)`` is unique
as a backstop, and a transaction that still fails on a lock, a deadlock or a serialization error is
retried. No decision is lost.

Idempotency: a reviewer posting the same decision (decision, categories, note) as their own latest
one on the item records nothing new (a retry after a timeout, a double click); a changed decision
is appended, and the item's status is always its latest decision.
"""

from __future__ import annotations

import random
import re
import time
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, insert, select, update
from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from signals.results import ModelRef
from signals.review.errors import OverLimit, ReviewError, UnknownItem
from signals.review.models import Decision, Item, ItemCategory
from signals.review.store import ReviewStore, category_rows, insert_ignoring_conflicts, item_row, storable, utcnow
from signals.review.tallies import Tally, flagged_categories, precision_query
from signals.taxonomy import CATEGORY_ROUTE, route_for

DECISIONS = ("confirmed", "dismissed", "escalated")
FINAL = ("confirmed", "dismissed")
REVIEWER = re.compile(r"[A-Za-z0-9._:@-]{1,64}")
ATTEMPTS = 5


@dataclass(frozen=True)
class Scored:
    """What ``/v1/score`` answered for a message that was never enqueued: the decision is stored
    with these scores (never the text)."""

    labels: tuple[str, ...]
    model: ModelRef
    category_scores: dict[str, float] | None = None


@dataclass(frozen=True)
class DecisionIn:
    item_id: str
    decision: str
    reviewer: str
    categories: tuple[str, ...] | None = None  # None: the model's labels for a confirmation, else none
    note: str | None = None
    scored: Scored | None = None


@dataclass(frozen=True)
class Outcome:
    item_id: str
    status: str
    recorded: bool  # False: the same decision by the same reviewer was already the latest
    entry: Decision
    history_length: int


@dataclass(frozen=True)
class PrecisionRow:
    model_version: str
    category: str
    reviewed: int   # flagged items with a final decision (confirmed or dismissed)
    confirmed: int  # of those, how many the reviewers confirmed for this category

    @property
    def precision(self) -> float:
        return self.confirmed / self.reviewed if self.reviewed else 0.0


def check(d: DecisionIn, categories: Collection[str], max_note: int) -> DecisionIn:
    """Reject bad input before anything is stored (``ReviewError`` names the field)."""
    if d.decision not in DECISIONS:
        raise ReviewError(f"decision must be one of {', '.join(DECISIONS)}", field="decision")
    if not REVIEWER.fullmatch(d.reviewer):
        raise ReviewError("reviewer must be a pseudonym of 1 to 64 letters, digits or . _ : @ -", field="reviewer")
    for i, name in enumerate(d.categories or ()):
        if name not in categories:
            raise ReviewError(f"unknown category; the model has {', '.join(sorted(categories))}",
                              field=f"categories[{i}]")
    if d.decision == "dismissed" and d.categories:
        raise ReviewError("a dismissal names no categories (confirm the categories that apply instead)",
                          field="categories")
    if d.decision == "confirmed" and d.categories is not None and not d.categories:
        # it would be stored as confirmed with nothing confirmed: a false positive in live precision
        # and a hard negative in the export
        raise ReviewError("a confirmation names at least one category (leave 'categories' out to confirm "
                          "the model's)", field="categories")
    storable(d.item_id, "id")
    storable(d.note, "note")
    if d.note is not None and len(d.note) > max_note:
        raise OverLimit(f"characters in the note: {len(d.note)} is over the limit of {max_note}", field="note")
    if d.scored is not None:
        for i, name in enumerate(d.scored.labels):
            if name not in categories:
                raise ReviewError("unknown category", field=f"scored.labels[{i}]")
            if name in d.scored.labels[:i]:
                raise ReviewError("each category once", field=f"scored.labels[{i}]")
        for name in d.scored.category_scores or {}:
            if name not in categories:
                raise ReviewError("unknown category", field=f"scored.category_scores.{name[:64]}")
    return d


def _route(labels: tuple[str, ...]) -> str:
    return route_for(labels) if all(label in CATEGORY_ROUTE for label in labels) else "review"


def _locked_item(session: Session, d: DecisionIn, thresholds: dict[str, float], now: datetime) -> Item:
    query = select(Item).where(Item.id == d.item_id).with_for_update()
    item = session.scalars(query).first()
    if item is not None:
        return item
    if d.scored is None:
        raise UnknownItem("no review item with this id; for a message scored by /v1/score and never enqueued, "
                          "send what it answered in 'scored' (labels, model)", field="id")
    scores = dict(d.scored.category_scores) if d.scored.category_scores is not None else None
    row = item_row(d.item_id, scores=scores, labels=d.scored.labels, thresholds=thresholds, model=d.scored.model,
                   now=now, route=_route(d.scored.labels))
    statement = insert_ignoring_conflicts(session, Item).values(**row).returning(Item.id)
    if session.execute(statement).first() is not None:
        rows = category_rows(d.item_id, scores, d.scored.labels)
        if rows:  # an empty insert would be one row of NULLs
            session.execute(insert(ItemCategory), rows)
    return session.scalars(query.execution_options(populate_existing=True)).one()


def _final_categories(d: DecisionIn, item: Item) -> list[str]:
    if d.categories is not None:
        return sorted(set(d.categories))
    if d.decision == "confirmed":
        if not item.labels:
            raise ReviewError("the model flagged no category here: name the categories you confirm", field="categories")
        return sorted(item.labels)
    return []


def _decide_once(session: Session, d: DecisionIn, thresholds: dict[str, float], now: datetime) -> Outcome:
    item = _locked_item(session, d, thresholds, now)
    categories = _final_categories(d, item)
    # once an item's text is deleted, no note is stored on it (a retried request must not bring one back)
    note = None if item.text_deleted_at is not None else d.note or None
    latest = session.scalars(select(Decision).where(Decision.item_id == item.id, Decision.reviewer == d.reviewer)
                             .order_by(Decision.seq.desc()).limit(1)).first()
    if latest is not None and (latest.decision, sorted(latest.categories), latest.note) == (d.decision, categories, note):
        return Outcome(item.id, item.status, False, latest, item.decision_count)
    entry = Decision(item_id=item.id, seq=item.decision_count + 1, reviewer=d.reviewer, decision=d.decision,
                     categories=categories, note=note, decided_at=now, model_version=item.model_version,
                     model_sha256=item.model_sha256)
    session.add(entry)
    tally = Tally()
    if item.enqueued:  # the gauges count enqueued items only
        tally.move(item.status, d.decision)
    for name, was in flagged_categories(session, item.id):  # live precision counts flagged categories only
        tally.confirm(item.model_version, name, was, (name in categories) if d.decision in FINAL else None)
    item.decision_count += 1
    item.status, item.decided_at = d.decision, now
    known = set(session.scalars(select(ItemCategory.category).where(ItemCategory.item_id == item.id)))
    for name in set(categories) - known:  # the reviewer names a category the model did not score
        session.add(ItemCategory(item_id=item.id, category=name, score=None, flagged=False, confirmed=None))
    session.flush()
    confirmed = (case((ItemCategory.category.in_(categories), True), else_=False) if d.decision in FINAL else None)
    session.execute(update(ItemCategory).where(ItemCategory.item_id == item.id).values(confirmed=confirmed))
    tally.apply(session)  # last: the totals' rows stay locked until the commit
    return Outcome(item.id, item.status, True, entry, item.decision_count)


def decide(store: ReviewStore, d: DecisionIn, categories: Collection[str], thresholds: dict[str, float],
           max_note: int, now: datetime | None = None) -> Outcome:
    """Validate and record one decision (see the module docstring); raises ``ReviewError``."""
    check(d, categories, max_note)
    for attempt in range(ATTEMPTS):
        try:
            with store.sessions.begin() as session:
                return _decide_once(session, d, thresholds, now or utcnow())
        except (IntegrityError, OperationalError):
            if attempt == ATTEMPTS - 1:
                raise
            time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
    raise AssertionError("unreachable")


def history(store: ReviewStore, item_id: str) -> list[Decision]:
    with store.readers() as session:
        return list(session.scalars(select(Decision).where(Decision.item_id == item_id).order_by(Decision.seq)))


def precision(store: ReviewStore) -> list[PrecisionRow]:
    """Per model version and category: of the items the model flagged for the category and a
    reviewer finally decided on (confirmed or dismissed; escalations are still pending), how many
    were confirmed for that category. Counted in the store (the gauges read the same numbers from
    the running totals, ``ReviewStore.totals``)."""
    query = precision_query()
    with store.readers() as session:
        return [PrecisionRow(version, category, int(n), int(ok or 0))
                for version, category, n, ok in session.execute(query).tuples()]
