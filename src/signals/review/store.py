"""The review store: enqueue, the queue, one item, delete, purge.

Decisions live in ``decisions.py``; both work on a ``ReviewStore`` (an engine and its sessions).
Every write also keeps the running totals of the review gauges in its transaction (``tallies.py``).
Nothing here logs: callers log counts only, never ids or text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any, cast

from sqlalchemy import CursorResult, Engine, delete, exists, insert, select, text, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from signals.results import MessageResult, ModelRef
from signals.review import tallies
from signals.review.db import SQLITE_BUSY_TIMEOUT_MS, is_memory, make_engine, migrate, readers, session_factory
from signals.review.errors import ReviewError, UnknownItem
from signals.review.models import STATUSES, Decision, Item, ItemCategory
from signals.review.priority import decode_cursor, encode_cursor, queue_key, risk_and_uncertainty
from signals.review.tallies import Tally, Totals
from signals.service import Message

SCRUB_BUSY_TIMEOUT_MS = 200  # how long a scrub waits for a reader before leaving it to the timer


NUL = "\x00"


def storable(value: str | None, field: str) -> None:
    """PostgreSQL text cannot hold a NUL character (it was a 500 there); SQLite could, but one store
    refuses what another cannot keep. A lone surrogate ("\\ud800", valid as a JSON escape) is no text
    either: SQLite cannot store it, and stored as a context turn's JSON it broke the review page for
    every reviewer (a 500 on rendering)."""
    if value is None:
        return
    if NUL in value:
        raise ReviewError("a NUL character cannot be stored", field=field)
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ReviewError("must be valid Unicode (no lone surrogates)", field=field) from None


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class NewItem:
    """A message the platform wants reviewed, with its context turns and conversation."""

    message: Message
    conversation_id: str | None = None


@dataclass
class QueuePage:
    items: list[Item] = field(default_factory=list)
    next_cursor: str | None = None


def _rowcount(session: Session, statement: Any) -> int:
    result = cast("CursorResult[Any]", session.execute(statement))
    return int(result.rowcount)


def insert_ignoring_conflicts(session: Session, table: Any) -> Any:
    """``INSERT ... ON CONFLICT DO NOTHING`` for the session's database (idempotent by primary key)."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing()


def item_row(item_id: str, *, scores: dict[str, float] | None, labels: Sequence[str], thresholds: dict[str, float],
             model: ModelRef, now: datetime, route: str, **fields: Any) -> dict[str, Any]:
    """The columns of a new ``review_items`` row (status open, no decision yet)."""
    risk, uncertainty = risk_and_uncertainty(scores or {}, thresholds)
    return {"id": item_id, "category_scores": scores, "labels": list(labels), "route": route,
            "flagged": bool(labels), "risk": risk, "uncertainty": uncertainty,
            "queue_key": queue_key(risk, uncertainty, now, item_id), "model_name": model.name,
            "model_version": model.version, "model_sha256": model.sha256, "status": "open", "enqueued_at": now,
            "decided_at": None, "text_deleted_at": None, "decision_count": 0,
            "enqueued": False, "conversation_id": None, "text": None, "context": None, "tactics": [], **fields}


def category_rows(item_id: str, scores: dict[str, float] | None, labels: Sequence[str]) -> list[dict[str, Any]]:
    names = list(scores or {}) + [label for label in labels if label not in (scores or {})]
    return [{"item_id": item_id, "category": name, "score": (scores or {}).get(name), "flagged": name in labels,
             "confirmed": None} for name in names]


class ReviewStore:
    """An engine and its sessions; ``open`` creates the database if needed and migrates it to head."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.scrub_pending = False  # deleted text the last scrub could not yet clear from the files
        self.sessions = session_factory(engine)
        self.readers = readers(engine)

    @classmethod
    def open(cls, review_db: str, run_migrations: bool = True) -> ReviewStore:
        engine = make_engine(review_db)
        if run_migrations:
            migrate(engine)
        return cls(engine)

    def close(self) -> None:
        self.engine.dispose()

    # -- enqueue ------------------------------------------------------------------------------
    def enqueue(self, items: Sequence[NewItem], results: Sequence[MessageResult], model: ModelRef,
                thresholds: dict[str, float], now: datetime | None = None) -> list[bool]:
        """Store new items with their scores; an id that is already stored is left as it is, except
        that a message decided on before it was enqueued gets its text. Returns, per item, whether it
        was created (False: the id was there already)."""
        if len(items) != len(results):
            raise ValueError("one result per item")
        for i, new in enumerate(items):
            storable(new.message.id, f"items[{i}].id")
            storable(new.message.text, f"items[{i}].text")
            storable(new.conversation_id, f"items[{i}].conversation_id")
            for k, turn in enumerate(new.message.context):
                storable(turn.speaker, f"items[{i}].context[{k}].speaker")
                storable(turn.text, f"items[{i}].context[{k}].text")
        now = now or utcnow()
        created: dict[int, bool] = {}
        # rows are written in id order, so two batches sharing ids lock them in the same order (in body
        # order, two replicas enqueueing [a, b] and [b, a] deadlocked on PostgreSQL)
        order = sorted(range(len(items)), key=lambda i: items[i].message.id)
        tally = Tally()
        with self.sessions.begin() as session:
            for index in order:
                new, result = items[index], results[index]
                message = new.message
                row = item_row(message.id, scores=dict(result.category_scores), labels=result.labels,
                               thresholds=thresholds, model=model, now=now, route=result.route, enqueued=True,
                               conversation_id=new.conversation_id, text=message.text,
                               context=[{"speaker": t.speaker, "text": t.text} for t in message.context],
                               tactics=[span.model_dump() for span in result.tactics])
                statement = insert_ignoring_conflicts(session, Item).values(**row).returning(Item.id)
                inserted = session.execute(statement).first() is not None
                rows = category_rows(message.id, row["category_scores"], result.labels) if inserted else []
                if rows:  # an empty insert would be one row of NULLs
                    session.execute(insert(ItemCategory), rows)
                if inserted:
                    tally.add("open")
                else:
                    # a reviewer decided on this message before it was enqueued (feedback with 'scored'):
                    # its text joins that decision now; the row, its scores and decisions stay as they are
                    joined = session.execute(update(Item).where(Item.id == message.id, Item.enqueued.is_(False),
                                                                Item.text_deleted_at.is_(None))
                                             .values(enqueued=True, text=row["text"], context=row["context"],
                                                     tactics=row["tactics"], conversation_id=row["conversation_id"])
                                             .returning(Item.status)).first()
                    if joined is not None:  # now an enqueued item, counted with its status
                        tally.add(joined.status)
                created[index] = inserted
            tally.apply(session)
        return [created[i] for i in range(len(items))]

    # -- read ---------------------------------------------------------------------------------
    def queue(self, status: str = "open", category: str | None = None, limit: int = 50,
              cursor: str | None = None) -> QueuePage:
        """Enqueued items with this status, highest risk first (``priority.py``), one page."""
        if status not in STATUSES:
            raise ReviewError(f"status must be one of {', '.join(STATUSES)}", field="status")
        query = select(Item).where(Item.enqueued.is_(True), Item.status == status)
        storable(category, "category")
        if category is not None:
            query = query.where(exists().where(ItemCategory.item_id == Item.id, ItemCategory.category == category,
                                               ItemCategory.flagged.is_(True)))
        if cursor:
            query = query.where(Item.queue_key > decode_cursor(cursor))
        query = query.order_by(Item.queue_key).limit(limit + 1)
        with self.readers() as session:
            rows = list(session.scalars(query))
        more = len(rows) > limit
        rows = rows[:limit]
        return QueuePage(rows, encode_cursor(rows[-1].queue_key) if more and rows else None)

    def get(self, item_id: str) -> Item | None:
        if NUL in item_id:  # no id holds one (they are refused on the way in)
            return None
        with self.readers() as session:
            return session.get(Item, item_id)

    def counts(self) -> dict[str, int]:
        """Enqueued items per status, counted in the store."""
        with self.readers() as session:
            return tallies.count_statuses(session)

    def totals(self) -> Totals:
        """The running totals of the review gauges: a few rows, whatever the size of the store."""
        with self.readers() as session:
            return tallies.read(session)

    def recount(self) -> bool:
        """Set the running totals to what the store holds (``tallies.recount``: writers wait for
        the scan); returns whether they had drifted."""
        with self.sessions.begin() as session:
            return tallies.recount(session)

    # -- delete and purge ---------------------------------------------------------------------
    def delete(self, item_id: str, now: datetime | None = None) -> str:
        """Delete an item's text and context now. An item nobody decided on goes entirely
        (``"deleted"``); one with decisions keeps them, without text or notes (``"text_deleted"``)."""
        now = now or utcnow()
        if NUL in item_id:
            raise UnknownItem("no review item with this id", field="id")
        with self.sessions.begin() as session:
            item = session.scalars(select(Item).where(Item.id == item_id).with_for_update()).first()
            if item is None:
                raise UnknownItem("no review item with this id", field="id")
            if item.decision_count == 0:
                tally = Tally()
                if item.enqueued:
                    tally.move(item.status, None)
                for category, confirmed in tallies.flagged_categories(session, item_id):
                    tally.confirm(item.model_version, category, confirmed, None)
                session.execute(delete(ItemCategory).where(ItemCategory.item_id == item_id))
                session.delete(item)
                session.flush()
                tally.apply(session)
                outcome = "deleted"
            else:
                item.text, item.context, item.tactics = None, None, []
                item.text_deleted_at = item.text_deleted_at or now
                session.execute(update(Decision).where(Decision.item_id == item_id).values(note=None))
                outcome = "text_deleted"
        self.scrub()
        return outcome

    def purge(self, retention_days: int, now: datetime | None = None) -> dict[str, int]:
        """Delete the text, context and tactic spans of items enqueued more than ``retention_days``
        ago, and reviewer notes older than that or on an item whose text is gone; open items whose
        text is gone become ``expired``.
        Decisions, categories and scores stay. Returns the counts."""
        now = now or utcnow()
        cutoff = now - timedelta(days=retention_days)
        old = (Item.enqueued_at < cutoff) & Item.text_deleted_at.is_(None) & Item.enqueued.is_(True)
        with self.sessions.begin() as session:
            expired = _rowcount(session, update(Item).where(old, Item.status == "open").values(status="expired"))
            items = _rowcount(session, update(Item).where(old).values(
                text=None, context=None, tactics=[], text_deleted_at=now))
            textless = select(Item.id).where(Item.text_deleted_at.is_not(None))
            stale = (Decision.decided_at < cutoff) | Decision.item_id.in_(textless)
            notes = _rowcount(session, update(Decision).where(stale, Decision.note.is_not(None)).values(note=None))
            tally = Tally()
            tally.add("open", -expired)
            tally.add("expired", expired)
            tally.apply(session)
        self.scrub()
        return {"items": int(items), "expired": int(expired), "notes": int(notes)}

    def scrub(self) -> bool:
        """Make deleted text leave the files too: SQLite overwrites freed pages (``secure_delete``)
        and here empties its write-ahead log; PostgreSQL vacuums the tables (dead rows hold text).
        An in-memory database has no files. Returns whether the text is gone from them: while a
        reader holds the log (a long export), SQLite cannot empty it; rather than stall the request
        (and every writer behind it) for the busy timeout, it gives up after a moment, says so, and
        ``scrub_pending`` is retried by the app's timer."""
        if is_memory(self.engine):
            return True
        if self.engine.dialect.name == "sqlite":
            raw = self.engine.raw_connection()  # outside any transaction (isolation_level None)
            try:
                cursor = raw.cursor()
                cursor.execute(f"PRAGMA busy_timeout={SCRUB_BUSY_TIMEOUT_MS}")
                busy = cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()[0]
                cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
            finally:
                raw.close()
            self.scrub_pending = bool(busy)
            return not busy
        if self.engine.dialect.name == "postgresql":
            with self.engine.connect() as connection:
                auto = connection.execution_options(isolation_level="AUTOCOMMIT")
                for table in ("review_items", "review_decisions"):
                    auto.execute(text(f"VACUUM {table}"))
        return True