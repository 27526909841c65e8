"""The review store's tables (SQLAlchemy 2, typed declarative mapping).

- ``review_items``: one row per message id: enqueued items carry text, context and the model's
  scores; a decision on a message that was never enqueued makes a row without text
  (``enqueued`` false). ``status`` is the latest decision (``open`` until there is one; ``expired``
  when the text was purged before anyone decided).
- ``review_item_categories``: per item and category, the model's score, whether it flagged it, and
  whether the latest final decision confirmed it (null while open or escalated): the queue's
  category filter and live precision are plain SQL over this table.
- ``review_decisions``: the audit trail, append only: who decided what, when, on which model
  version; ``(item_id, seq)`` is unique, so two replicas can never write the same history slot.
- ``review_status_counts`` and ``review_precision_counts``: running totals for the review gauges
  (enqueued items per status; per model version and category, flagged items with a final decision
  and confirmed ones), kept by every write in its transaction (``tallies.py``). No text, no ids.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

ID_LENGTH = 256
NAME_LENGTH = 64
STATUSES = ("open", "confirmed", "dismissed", "escalated", "expired")


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every database (SQLite keeps no time zone: stored as naive UTC)."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the review store; use UTC")
        return value.astimezone(timezone.utc).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        return value.replace(tzinfo=timezone.utc) if value is not None else None


class Base(DeclarativeBase):
    pass


class Item(Base):
    __tablename__ = "review_items"

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    enqueued: Mapped[bool] = mapped_column(Boolean)
    conversation_id: Mapped[str | None] = mapped_column(String(ID_LENGTH))
    text: Mapped[str | None] = mapped_column(Text)
    context: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    category_scores: Mapped[dict[str, float] | None] = mapped_column(JSON)
    labels: Mapped[list[str]] = mapped_column(JSON)
    tactics: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    route: Mapped[str] = mapped_column(String(16))
    flagged: Mapped[bool] = mapped_column(Boolean)
    risk: Mapped[float] = mapped_column(Float)
    uncertainty: Mapped[float] = mapped_column(Float)
    queue_key: Mapped[str] = mapped_column(String(ID_LENGTH + 40))
    model_name: Mapped[str] = mapped_column(String(NAME_LENGTH))
    model_version: Mapped[str] = mapped_column(String(NAME_LENGTH))
    model_sha256: Mapped[str] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(16))
    enqueued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    text_deleted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_count: Mapped[int] = mapped_column(Integer, default=0)

    __table_args__ = (
        Index("ix_review_items_status_queue_key", "status", "queue_key"),
        Index("ix_review_items_enqueued_at", "enqueued_at"),
    )


class ItemCategory(Base):
    __tablename__ = "review_item_categories"

    item_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("review_items.id", ondelete="CASCADE"),
                                         primary_key=True)
    category: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    score: Mapped[float | None] = mapped_column(Float)
    flagged: Mapped[bool] = mapped_column(Boolean)
    confirmed: Mapped[bool | None] = mapped_column(Boolean)

    __table_args__ = (Index("ix_review_item_categories_category", "category", "flagged"),)


class Decision(Base):
    __tablename__ = "review_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    item_id: Mapped[str] = mapped_column(String(ID_LENGTH), ForeignKey("review_items.id", ondelete="CASCADE"),
                                         index=True)
    seq: Mapped[int] = mapped_column(Integer)
    reviewer: Mapped[str] = mapped_column(String(NAME_LENGTH))
    decision: Mapped[str] = mapped_column(String(16))
    categories: Mapped[list[str]] = mapped_column(JSON)
    note: Mapped[str | None] = mapped_column(Text)
    decided_at: Mapped[datetime] = mapped_column(UTCDateTime)
    model_version: Mapped[str] = mapped_column(String(NAME_LENGTH))
    model_sha256: Mapped[str] = mapped_column(String(64))

    __table_args__ = (UniqueConstraint("item_id", "seq", name="uq_review_decisions_item_seq"),)


class StatusCount(Base):
    """Enqueued items with this status (one row per status in ``STATUSES``)."""

    __tablename__ = "review_status_counts"

    status: Mapped[str] = mapped_column(String(16), primary_key=True)
    items: Mapped[int] = mapped_column(Integer)


class PrecisionCount(Base):
    """Per model version and category: flagged items with a final decision, and how many of those
    the reviewers confirmed for the category (live precision is ``confirmed / reviewed``)."""

    __tablename__ = "review_precision_counts"

    model_version: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    category: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    reviewed: Mapped[int] = mapped_column(Integer)
    confirmed: Mapped[int] = mapped_column(Integer)
