"""Running totals behind the review gauges: enqueued items per status and, per model version and
category, the flagged items with a final decision and how many of them were confirmed.

Every write keeps them in its own transaction (``Tally``: the changes that write made, applied last,
keys in a fixed order, so two writers never wait for each other's totals in a cycle). The gauges
then read a few rows instead of counting the store: a refresh costs the same with 200 items as with
200,000 (counting them after every write made write latency grow with the store). Being in the
database, the totals are the same on every replica.

``recount`` sets them from the store itself (the migration fills them the same way); the app runs
it at start-up and after each purge, which corrects totals that writes outside this code changed
(a replica still on the previous version during an upgrade, a hand-made change in the database).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import case, delete, func, insert, select, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from signals.review.models import STATUSES, Item, ItemCategory, PrecisionCount, StatusCount


def _upsert(session: Session, table: Any) -> Any:
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    return dialect.insert(table)


@dataclass
class Tally:
    """What one transaction changed in the totals; ``apply`` writes it in that transaction."""

    statuses: dict[str, int] = field(default_factory=dict)
    precision: dict[tuple[str, str], tuple[int, int]] = field(default_factory=dict)  # (reviewed, confirmed)

    def add(self, status: str, n: int = 1) -> None:
        """``n`` enqueued items more (or fewer) with this status."""
        self.statuses[status] = self.statuses.get(status, 0) + n

    def move(self, old: str | None, new: str | None) -> None:
        """An enqueued item's status went from ``old`` to ``new`` (``None``: it was not, or is no
        longer, counted)."""
        if old == new:
            return
        if old is not None:
            self.add(old, -1)
        if new is not None:
            self.add(new, 1)

    def confirm(self, model_version: str, category: str, old: bool | None, new: bool | None) -> None:
        """A flagged category's ``confirmed`` went from ``old`` to ``new`` (``None``: no final decision)."""
        reviewed = (new is not None) - (old is not None)
        confirmed = (new is True) - (old is True)
        if reviewed or confirmed:
            was = self.precision.get((model_version, category), (0, 0))
            self.precision[(model_version, category)] = (was[0] + reviewed, was[1] + confirmed)

    def apply(self, session: Session) -> None:
        """Add the changes to the totals: statuses, then categories, each in key order (row locks
        on PostgreSQL are taken in one order by every writer). Call it last in the transaction: the
        rows stay locked until it commits."""
        for status in sorted(self.statuses):
            n = self.statuses[status]
            if n:
                statement = _upsert(session, StatusCount).values(status=status, items=n)
                session.execute(statement.on_conflict_do_update(
                    index_elements=[StatusCount.status], set_={"items": StatusCount.items + statement.excluded["items"]}))
        for (version, category) in sorted(self.precision):
            reviewed, confirmed = self.precision[(version, category)]
            if reviewed or confirmed:
                statement = _upsert(session, PrecisionCount).values(model_version=version, category=category,
                                                                    reviewed=reviewed, confirmed=confirmed)
                session.execute(statement.on_conflict_do_update(
                    index_elements=[PrecisionCount.model_version, PrecisionCount.category],
                    set_={"reviewed": PrecisionCount.reviewed + statement.excluded["reviewed"],
                          "confirmed": PrecisionCount.confirmed + statement.excluded["confirmed"]}))
        self.statuses.clear()
        self.precision.clear()


def flagged_categories(session: Session, item_id: str) -> list[tuple[str, bool | None]]:
    """The item's flagged categories with their ``confirmed`` (read before a change to them)."""
    query = select(ItemCategory.category, ItemCategory.confirmed).where(ItemCategory.item_id == item_id,
                                                                       ItemCategory.flagged.is_(True))
    return [(category, confirmed) for category, confirmed in session.execute(query)]


def count_statuses(session: Session) -> dict[str, int]:
    """Enqueued items per status (every status, 0 where none), counted in the store."""
    query = select(Item.status, func.count()).where(Item.enqueued.is_(True)).group_by(Item.status)
    found = {status: int(n) for status, n in session.execute(query)}
    return {status: found.get(status, 0) for status in STATUSES}


def precision_query() -> Any:
    """Per model version and category: flagged items with a final decision, and confirmed ones,
    counted in the store."""
    confirmed = func.sum(case((ItemCategory.confirmed.is_(True), 1), else_=0))
    return (select(Item.model_version, ItemCategory.category, func.count(), confirmed)
            .join(Item, Item.id == ItemCategory.item_id)
            .where(ItemCategory.flagged.is_(True), ItemCategory.confirmed.is_not(None))
            .group_by(Item.model_version, ItemCategory.category)
            .order_by(Item.model_version, ItemCategory.category))


@dataclass(frozen=True)
class Totals:
    statuses: dict[str, int]
    precision: list[tuple[str, str, int, int]]  # model_version, category, reviewed, confirmed (reviewed > 0)


def read(session: Session) -> Totals:
    """The totals as stored (a few rows, whatever the size of the store)."""
    found = {status: int(n) for status, n in session.execute(select(StatusCount.status, StatusCount.items))}
    rows = session.execute(select(PrecisionCount.model_version, PrecisionCount.category, PrecisionCount.reviewed,
                                  PrecisionCount.confirmed).where(PrecisionCount.reviewed > 0)
                           .order_by(PrecisionCount.model_version, PrecisionCount.category))
    return Totals({status: found.get(status, 0) for status in STATUSES},
                  [(version, category, int(reviewed), int(confirmed)) for version, category, reviewed, confirmed in rows])


def count(session: Session) -> Totals:
    """The totals counted in the store (a scan of it)."""
    rows = session.execute(precision_query())
    return Totals(count_statuses(session),
                  [(version, category, int(n), int(ok or 0)) for version, category, n, ok in rows])


def recount(session: Session) -> bool:
    """Set the totals to what the store holds; returns whether they had drifted. On PostgreSQL the
    totals are locked first (writers update them last, so a write that has updated them has
    committed and is counted, and one that has not waits and adds itself after); SQLite's
    ``BEGIN IMMEDIATE`` already holds the whole database. Writers wait for the scan."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text(f"LOCK TABLE {StatusCount.__tablename__}, {PrecisionCount.__tablename__} "
                             "IN EXCLUSIVE MODE"))
    before, now = read(session), count(session)
    session.execute(delete(StatusCount))
    session.execute(insert(StatusCount), [{"status": s, "items": n} for s, n in now.statuses.items()])
    session.execute(delete(PrecisionCount))
    if now.precision:
        session.execute(insert(PrecisionCount), [{"model_version": v, "category": c, "reviewed": r, "confirmed": k}
                                                 for v, c, r, k in now.precision])
    return before != now
