"""Reviewer decisions as training data: the file ``signals feedback export`` writes.

    load_feedback(path)       -> the records with split == "train", validated, each with source "feedback"
    held_out_feedback(paths)  -> the records with split == "test" of every file, each id once (never trained on;
                                 ``make bench`` reports them)
    training_feedback(paths, held_out_texts) -> what training reads from ``data.feedback``: the train
                                 records of every file, each id once, none whose text is held out

Training reads ``data.feedback`` in ``training/config.yaml`` through ``training_feedback``; the
held-out records are the "held-out reviewed items" set of ``benchmarks/feedback.py``. Records follow
the message format of ``training/data/README.md`` plus ``reviewer_categories``, ``weight``,
``decided_at`` and ``split``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from signals.errors import CorpusError
from signals.review.export import MAX_WEIGHT
from signals.taxonomy import CATEGORIES
from training.data_sources import numbered_jsonl, validate_message

SPLITS = ("train", "test")
SOURCE = "feedback"


def validate_feedback(record: Any, where: str) -> dict[str, Any]:
    """One exported record, checked: text, labels and tactics (as for any message), reviewer
    categories equal to the labels, a weight above 0 and at most ``MAX_WEIGHT``, an ISO decision date
    and a split."""
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
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or not 0 < weight <= MAX_WEIGHT:
        # NaN, inf and 1e308 too: the solver turns those into an error or NaN coefficients
        raise CorpusError(f"{where}: 'weight' must be a positive number of at most {MAX_WEIGHT:g}")
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
    return [validate_feedback(row, f"{path}:{number}") for number, row in numbered_jsonl(path)]


def load_feedback(path: Path | str) -> list[dict[str, Any]]:
    """The reviewed records to train on (``split == "train"``), each with ``source: "feedback"``."""
    return [r for r in read_feedback(path) if r["split"] == "train"]


def held_out_feedback(paths: Path | str | Iterable[Path | str]) -> list[dict[str, Any]]:
    """The reviewed records held out for evaluation (``split == "test"``) of every file, each id once
    with its latest decision: exports are cumulative, so the newest file holds most of them, and an
    id is in the same split in every export."""
    latest: dict[str, dict[str, Any]] = {}
    for path in [paths] if isinstance(paths, (str, Path)) else paths:
        for record in read_feedback(path):
            if record["split"] == "test" and _replaces(record, latest.get(record["id"])):
                latest[record["id"]] = record
    return list(latest.values())


def text_key(text: str) -> str:
    """What makes two texts the same text here: case and spacing aside."""
    return " ".join(text.casefold().split())


def _decided(record: dict[str, Any]) -> datetime:
    moment = datetime.fromisoformat(str(record["decided_at"]))
    return moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def _replaces(record: dict[str, Any], seen: dict[str, Any] | None) -> bool:
    """Whether ``record`` is the one to keep for its id over ``seen``: the latest decision (on a tie,
    the one read last)."""
    return seen is None or _decided(record) >= _decided(seen)


@dataclass
class TrainingFeedback:
    """The reviewed records training learns from, with the file each came from, and what was left out."""

    records: list[tuple[Path, dict[str, Any]]] = field(default_factory=list)
    held_out: int = 0          # split == "test" records: never trained on
    duplicates: int = 0        # an id in more than one record (exports are cumulative): the latest decision kept
    leaked: int = 0            # train records whose text is also in the dev set or held out: left out

    def left_out(self) -> dict[str, int]:
        return {"held_out_split_test": self.held_out, "duplicate_ids": self.duplicates,
                "text_in_dev_or_held_out": self.leaked}


def training_feedback(paths: Iterable[Path | str], held_out_texts: Iterable[str] = ()) -> TrainingFeedback:
    """The ``split == "train"`` records of every file, each id once (its latest decision: every export
    holds all final decisions, so two exports repeat most ids, which would otherwise count twice and sit
    in two fold groups), leaving out any whose text is also in ``held_out_texts`` (the dev set) or in a
    ``split == "test"`` record (the held-out reviewed items ``make bench`` scores): a text trained on
    would flatter both."""
    out = TrainingFeedback()
    latest: dict[str, tuple[Path, dict[str, Any]]] = {}
    held = {text_key(t) for t in held_out_texts}
    for path in map(Path, paths):
        for record in read_feedback(path):
            if record["split"] == "test":
                out.held_out += 1
                held.add(text_key(record["text"]))
                continue
            seen = latest.get(record["id"])
            if seen is not None:
                out.duplicates += 1
            if _replaces(record, seen[1] if seen else None):
                latest[record["id"]] = (path, record)
    for path, record in latest.values():
        if text_key(record["text"]) in held:
            out.leaked += 1
        else:
            out.records.append((path, record))
    return out
