"""Small helpers for the review tests: example items, a snapshot of everything stored."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import text

from signals.review.store import NewItem, ReviewStore
from signals.service import Message, ScoringService, Turn

ROOT = Path(__file__).resolve().parents[2]
T0 = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)


def example_messages() -> list[dict]:
    """``examples/messages.jsonl``: what the README's curl enqueues."""
    lines = (ROOT / "examples" / "messages.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def enqueue(store: ReviewStore, service: ScoringService, messages: list[Message],
            now: datetime = T0, conversation_id: str | None = None) -> list[bool]:
    results = service.score_messages(messages, explain=True)
    return store.enqueue([NewItem(m, conversation_id) for m in messages], results, service.info.ref,
                         dict(service.thresholds), now=now)


def message(item_id: str, text_: str, *context: tuple[str, str]) -> Message:
    return Message(item_id, text_, tuple(Turn(s, t) for s, t in context))


def later(days: float) -> datetime:
    return T0 + timedelta(days=days)


def snapshot(store: ReviewStore) -> dict[str, list]:
    """Every row of every review table, in a stable order (to show that nothing changed)."""
    out = {}
    with store.engine.connect() as connection:
        for table in ("review_items", "review_item_categories", "review_decisions"):
            rows = connection.execute(text(f"SELECT * FROM {table}")).all()
            out[table] = sorted(tuple(str(v) for v in row) for row in rows)
        connection.rollback()
    return out
