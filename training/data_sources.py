"""Read and validate the project's labelled data: hand-written sets, the generator, conversations."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from signals.errors import CorpusError
from signals.taxonomy import CATEGORIES, CONVERSATION_LABELS, REGISTERS, TACTICS


@dataclass
class MessageSet:
    """Labelled messages with the metadata evaluation slices by."""

    name: str
    records: list[dict] = field(default_factory=list)

    @property
    def texts(self) -> list[str]:
        return [r["text"] for r in self.records]

    @property
    def labels(self) -> np.ndarray:
        return np.array([[int(c in r.get("labels", [])) for c in CATEGORIES] for r in self.records], dtype=int).reshape(-1, len(CATEGORIES))

    def column(self, key: str, default: str = "") -> list[str]:
        return [r.get(key, default) for r in self.records]

    def __len__(self) -> int:
        return len(self.records)


SEALED = "sealed"


def utf8_line(raw: bytes, where: str) -> str:
    """One line of a data file as text; a line that is not UTF-8 is a ``CorpusError`` naming it."""
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None


BOM = "\ufeff"


def numbered_jsonl(path: Path) -> list[tuple[int, Any]]:
    """Every record of a JSONL file with its line number (blank lines are skipped, so a record's index
    is not its line: errors named the line before). A byte order mark before the first record is
    dropped, as ``signals score`` and ``signals evaluate`` drop it."""
    if SEALED in Path(path).resolve().parts and not _sealed_allowed():
        raise CorpusError(f"{path}: the sealed test set is read only by `make bench` (benchmarks.sealed), "
                          "never for training or development")
    rows = []
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            line = utf8_line(raw, f"{path}:{number}")
            if number == 1:
                line = line.removeprefix(BOM)
            if not line.strip():
                continue
            try:
                rows.append((number, json.loads(line)))
            except ValueError as exc:
                raise CorpusError(f"{path}:{number}: not valid JSON ({exc})") from exc
    return rows


def _sealed_allowed() -> bool:
    import os

    return os.environ.get("SIGNALS_READ_SEALED") == "1"


KINDS = ("positive", "hard_negative", "benign")  # a message record's kind (training/data/README.md)


def validate_message(record: dict, where: str) -> dict:
    if not isinstance(record, dict):
        raise CorpusError(f"{where}: not a JSON object")
    if not isinstance(record.get("text"), str) or not record["text"].strip():
        raise CorpusError(f"{where}: missing or empty text")
    for key, allowed in (("labels", CATEGORIES), ("tactics", TACTICS)):
        values = record.get(key, [])
        if not isinstance(values, list):
            raise CorpusError(f"{where}: {key!r} must be a list")
        bad = [v for v in values if v not in allowed]
        if bad:
            raise CorpusError(f"{where}: unknown {key} {bad}")
    if record.get("register", "standard") not in REGISTERS:
        raise CorpusError(f"{where}: unknown register {record.get('register')!r}")
    kind = record.get("kind")
    if kind is not None:   # a misspelt kind trained at the wrong weight; a positive without labels as harmless
        if kind not in KINDS:
            raise CorpusError(f"{where}: unknown kind {kind!r} (positive, hard_negative or benign)")
        if (kind == "positive") != bool(record.get("labels")):
            raise CorpusError(f"{where}: kind 'positive' goes with labels, and labels with kind 'positive'")
    return record


def read_messages(path: Path | str, name: str | None = None) -> MessageSet:
    path = Path(path)
    return MessageSet(name or path.stem, [validate_message(r, f"{path}:{number}") for number, r in numbered_jsonl(path)])


def read_conversations(path: Path | str) -> list[dict]:
    """The conversations of a file, each checked as training and evaluation read it (a line without
    turns, a null text, a label other than "grooming" or "benign", a first grooming turn that is no
    turn of the suspect's were tracebacks minutes into training, or silently trained)."""
    path = Path(path)
    conversations = []
    for number, conv in numbered_jsonl(path):
        problem = _conversation_problem(conv)
        if problem:
            raise CorpusError(f"{path}:{number}: {problem}")
        conversations.append(conv)
    return conversations


def _conversation_problem(conv: object) -> str | None:
    if not isinstance(conv, dict):
        return "not a JSON object"
    turns = conv.get("turns")
    if not isinstance(turns, list) or not turns:
        return "'turns' must be a non-empty list"
    for k, turn in enumerate(turns):
        if not isinstance(turn, dict) or not isinstance(turn.get("speaker"), str) or not isinstance(turn.get("text"), str):
            return f"turn {k}: needs 'speaker' and 'text' strings"
    label = conv.get("label")
    if label not in CONVERSATION_LABELS:
        return f"'label' must be 'grooming' or 'benign', not {label!r}"
    if label == "grooming":
        speakers = {t["speaker"] for t in turns}
        if conv.get("suspect") not in speakers:
            return f"suspect {conv.get('suspect')!r} is not a speaker"
        first = conv.get("first_grooming_turn")
        if first is not None and (isinstance(first, bool) or not isinstance(first, int) or not 0 <= first < len(turns)):
            return f"'first_grooming_turn' must be a turn index, not {first!r}"
    return None


def handwritten(directory: Path, conversation_files: list[str] | None = None) -> tuple[MessageSet, list[dict]]:
    """Every writer's messages (``*.jsonl`` except conversations) and the hand-written conversations
    (``conversation_files`` in the folder, or every ``conversations*.jsonl``)."""
    messages = MessageSet("handwritten")
    conversations: list[dict] = []
    missing = [name for name in conversation_files or () if not (Path(directory) / name).is_file()]
    if missing:
        raise CorpusError(f"conversation files named in the config are missing from {directory}: {missing}")
    for path in sorted(Path(directory).glob("*.jsonl")):
        if path.stem.startswith("conversations"):
            if conversation_files is None or path.name in conversation_files:
                conversations.extend(read_conversations(path))
        else:
            messages.records.extend(read_messages(path).records)
    return messages, conversations


def held_out(template: str, fraction: float, seed: int) -> bool:
    """Deterministic template-level split: the same template always lands on the same side."""
    import hashlib

    digest = hashlib.sha256(f"{seed}:{template}".encode()).digest()
    return int.from_bytes(digest[:4], "big") / 2**32 < fraction


def synthetic(n_messages: int, n_conversations: int, seed: int, test_fraction: float
              ) -> tuple[MessageSet, MessageSet, list[dict], list[dict]]:
    """Generator output split by template: (train messages, test messages, train convs, test convs)."""
    if n_messages <= 0 and n_conversations <= 0:
        return MessageSet("synth_train"), MessageSet("synth_test"), [], []
    from training.synth import generate_conversations, generate_messages

    messages = generate_messages(n_messages, seed) if n_messages > 0 else []
    conversations = generate_conversations(n_conversations, seed) if n_conversations > 0 else []
    train = MessageSet("synth_train", [m for m in messages if not held_out(m["template"], test_fraction, seed)])
    test = MessageSet("synth_test", [m for m in messages if held_out(m["template"], test_fraction, seed)])
    conv_train = [c for c in conversations if not held_out(c["template"], test_fraction, seed)]
    conv_test = [c for c in conversations if held_out(c["template"], test_fraction, seed)]
    return train, test, conv_train, conv_test
