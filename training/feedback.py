"""Reviewer decisions as training data: the file ``signals feedback export`` writes.

    load_feedback(path)       -> the records with split == "train", validated, each with source "feedback"
    held_out_feedback(path)   -> the records with split == "test" (never trained on; ``make bench`` reports them)

Training reads the first through ``data.feedback`` in ``training/config.yaml``; the second is the
"held-out reviewed items" set of ``benchmarks/feedback.py``. Records follow the message format of
``training/data/README.md`` plus ``reviewer_categories``, ``weight``, ``decided_at`` and ``split``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from signals.errors import CorpusError
from signals.taxonomy import CATEGORIES
from training.data_sources import read_jsonl, validate_message

SPLITS = ("train", "test")
SOURCE = "feedback"


def validate_feedback(record: Any, where: str) -> dict[str, Any]:
    """One exported record, checked: text, labels and tactics (as for any message), reviewer
    categories equal to the labels, a positive weight, an ISO decision date and a split."""
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: not a JSON object")
    if not isinstance(record.get("id"), str) or not record["id"]:
        raise CorpusError(f"{where}: missing id")
    validate_message(record, where)
    reviewer = record.get("reviewer_categories")
    if not isinstance(reviewer, list) or any(c not in CATEGORIES for c in reviewer):
        raise CorpusError(f"{where}: 'reviewer_categories' must be a list of {list(CATEGORIES)}")
    if sorted(reviewer) != sorted(record.get("labels", [])):
        raise CorpusError(f"{where}: 'labels' and 'reviewer_categories' differ")
    weight = record.get("weight")
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not weight > 0:
        raise CorpusError(f"{where}: 'weight' must be a positive number")
    try:
        datetime.fromisoformat(str(record.get("decided_at")))
    except ValueError:
        raise CorpusError(f"{where}: 'decided_at' must be an ISO date and time") from None
    if record.get("split") not in SPLITS:
        raise CorpusError(f"{where}: 'split' must be one of {list(SPLITS)}")
    return {**record, "source": SOURCE}


def read_feedback(path: Path | str) -> list[dict[str, Any]]:
    """Every record of an exported file, validated (``CorpusError`` names the file and line)."""
    path = Path(path)
    if not path.is_file():
        raise CorpusError(f"feedback file not found: {path} (write it with `signals feedback export`)")
    return [validate_feedback(row, f"{path}:{i + 1}") for i, row in enumerate(read_jsonl(path))]


def load_feedback(path: Path | str) -> list[dict[str, Any]]:
    """The reviewed records to train on (``split == "train"``), each with ``source: "feedback"``."""
    return [r for r in read_feedback(path) if r["split"] == "train"]


def held_out_feedback(path: Path | str) -> list[dict[str, Any]]:
    """The reviewed records held out for evaluation (``split == "test"``)."""
    return [r for r in read_feedback(path) if r["split"] == "test"]
