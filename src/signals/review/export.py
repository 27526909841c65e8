"""Reviewer decisions as training data (``signals feedback export OUT.jsonl``).

One JSON line per enqueued item that still has its text and whose latest decision is final
(confirmed or dismissed; escalations wait), in the message format of ``training/data/README.md``:

- ``labels``: the categories the reviewer confirmed (empty for a dismissal), also given as
  ``reviewer_categories``; ``model_labels``: what the model had flagged;
- ``kind``: ``positive`` with labels, ``hard_negative`` when the model flagged it and the reviewer
  dismissed it, ``benign`` otherwise; ``tactics``: the tactics the detectors found in the text;
- ``source``: ``feedback``; ``weight``: the training weight (``--weight``, above 0 and at most
  ``MAX_WEIGHT``); ``decided_at``, ``decision``, ``reviewer_count`` and ``model_version`` for audits;
- ``split``: ``test`` for a stable 20 % of ids (by a hash of the id), else ``train``: the held-out
  reviewed items that ``make bench`` reports on are never trained on.
``register`` is left out: nobody assessed it. Items whose text was deleted (retention, DELETE) or
that were never enqueued cannot be exported: export before the retention period ends.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any

from sqlalchemy import func, select

from signals.jsonl import atomic_output, dumps_line
from signals.review.models import Decision, Item
from signals.review.store import ReviewStore

TEST_SHARE = 20  # percent of ids in the held-out split
SOURCE = "feedback"
# the largest training weight of a record (--weight; training/feedback.py refuses more): a hundred
# hand-written messages' worth. Far larger weights overflow the solver (1e308: every coefficient NaN)
MAX_WEIGHT = 100.0


def split_for(item_id: str) -> str:
    """``test`` for 20 % of ids, ``train`` for the rest; the same id always lands in the same split."""
    bucket = int(hashlib.sha256(item_id.encode("utf-8")).hexdigest()[:8], 16) % 100
    return "test" if bucket < TEST_SHARE else "train"


def record(item: Item, latest: Decision, reviewers: int, weight: float) -> dict[str, Any]:
    labels = sorted(latest.categories) if latest.decision == "confirmed" else []
    kind = "positive" if labels else "hard_negative" if item.labels else "benign"
    return {
        "id": item.id, "text": item.text, "labels": labels,
        "tactics": sorted({span["tactic"] for span in item.tactics}), "kind": kind, "source": SOURCE,
        "reviewer_categories": labels, "model_labels": sorted(item.labels), "decision": latest.decision,
        "decided_at": latest.decided_at.isoformat(), "reviewer_count": reviewers, "weight": weight,
        "model_version": item.model_version, "split": split_for(item.id),
        "context": item.context or [], "conversation_id": item.conversation_id,
    }


def export_records(store: ReviewStore, weight: float = 1.0) -> Iterator[dict[str, Any]]:
    latest_seq = (select(Decision.item_id, func.max(Decision.seq).label("seq"), 
                         func.count(func.distinct(Decision.reviewer)).label("reviewers"))
                  .group_by(Decision.item_id).subquery())
    query = (select(Item, Decision, latest_seq.c.reviewers)
             .join(latest_seq, latest_seq.c.item_id == Item.id)
             .join(Decision, (Decision.item_id == Item.id) & (Decision.seq == latest_seq.c.seq))
             .where(Item.enqueued.is_(True), Item.text.is_not(None), Decision.decision.in_(("confirmed", "dismissed")))
             .order_by(Item.id))
    with store.readers() as session:
        for item, latest, reviewers in session.execute(query).tuples():
            yield record(item, latest, int(reviewers), weight)


def export(store: ReviewStore, path: str, weight: float = 1.0) -> dict[str, int]:
    """Write the records to ``path`` (atomically; ``-`` is stdout). Returns counts per split."""
    counts = {"train": 0, "test": 0}
    with atomic_output(path, private=True) as out:  # it holds message text
        for row in export_records(store, weight):
            counts[row["split"]] += 1
            out.write(dumps_line(row) + "\n")
    return counts
