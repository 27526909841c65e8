"""Check hand-written data files against the schema and the content rules before they are used.

    python -m training.validate_data FILE.jsonl [FILE.jsonl ...]

A file whose name starts with ``conversations`` holds conversations, any other file messages (see
``training/data/README.md``); a record with ``source: "feedback"`` (``signals feedback export``) is
checked as training reads it (``training/feedback.py``: no ``register``, since nobody assessed it, and
real messages, not written to the content rules). Exit code 0 when every file is valid, 2 with one
line per problem.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

from signals.errors import CorpusError
from signals.taxonomy import CATEGORIES, CONVERSATION_LABELS, REGISTERS, TACTICS
from training.data_sources import BOM, KINDS, utf8_line
from training.synth.guard import is_clean

NEGATIVE_TYPES = ("awareness", "everyday", "commerce", "banter", "dating", "peers", "gaming", "other")

# Everyday idioms that contain a guard word in a non-sexual sense ("ik pik je op" = I pick you up,
# "centrum seksueel geweld" = a help centre's name, swearing); removed before the guard runs.
_IDIOMS = re.compile(
    r"\bpik(?:t|ken)? (?:ik )?(?:je|jou|u|haar|hem|jullie|ons|me|mij|de uwe)\b|\bik pik\b|\bkut\b|\bseksueel geweld\b"
    r"|\bniet seksueel\b|\bvoor (?:de )?lul\b|\bde lul\b|\bis ass\b")


def clean_text(text: str) -> bool:
    """The content guard, after everyday idioms are taken out."""
    return is_clean(_IDIOMS.sub(" ", text.lower()))


def message_problems(record: object) -> list[str]:
    if not isinstance(record, dict):
        return ["not a JSON object"]
    problems = []
    for key in ("id", "text", "source"):
        if not isinstance(record.get(key), str) or not record[key].strip():
            problems.append(f"'{key}' must be a non-empty string")
    labels, tactics = record.get("labels", []), record.get("tactics", [])
    if not isinstance(labels, list) or any(label not in CATEGORIES for label in labels):
        problems.append(f"'labels' must be a list of {list(CATEGORIES)}")
    if not isinstance(tactics, list) or any(t not in TACTICS for t in tactics):
        problems.append(f"'tactics' must be a list of {list(TACTICS)}")
    if record.get("register") not in REGISTERS:
        problems.append(f"'register' must be one of {list(REGISTERS)}")
    kind = record.get("kind")
    if kind not in KINDS:
        problems.append(f"'kind' must be one of {list(KINDS)}")
    elif (kind == "positive") != bool(labels):
        problems.append("'kind' is 'positive' exactly when 'labels' is not empty")
    if record.get("negative_type") is not None and record["negative_type"] not in NEGATIVE_TYPES:
        problems.append(f"'negative_type' must be one of {list(NEGATIVE_TYPES)}")
    if "fragment" in record and (record["fragment"] is not True or kind != "positive"):
        problems.append("'fragment' is only ever true, and only on a positive")
    if isinstance(record.get("text"), str) and not clean_text(record["text"]):
        problems.append("text breaks the content rules (explicit word)")
    return problems


def feedback_problems(record: dict) -> list[str]:
    """An exported reviewer decision: the checks training applies to it."""
    from training.feedback import validate_feedback

    try:
        validate_feedback(record, "")
    except CorpusError as exc:
        return [exc.message.removeprefix(": ")]
    return []


def conversation_problems(record: object) -> list[str]:
    if not isinstance(record, dict):
        return ["not a JSON object"]
    problems = []
    turns = record.get("turns")
    if not isinstance(turns, list) or len(turns) < 2:
        return ["'turns' must be a list of at least two turns"]
    speakers = []
    for k, turn in enumerate(turns):
        if not isinstance(turn, dict) or not isinstance(turn.get("speaker"), str) or not isinstance(turn.get("text"), str):
            problems.append(f"turn {k}: needs 'speaker' and 'text' strings")
            continue
        if not turn["text"].strip():
            problems.append(f"turn {k}: empty text")
        if not clean_text(turn["text"]):
            problems.append(f"turn {k}: text breaks the content rules (explicit word)")
        speakers.append(turn["speaker"])
    label = record.get("label")
    if label not in CONVERSATION_LABELS:
        problems.append(f"'label' must be one of {list(CONVERSATION_LABELS)}")
    if record.get("register") not in REGISTERS:
        problems.append(f"'register' must be one of {list(REGISTERS)}")
    if not isinstance(record.get("id"), str) or not isinstance(record.get("source"), str):
        problems.append("'id' and 'source' must be strings")
    if label == "grooming":
        if record.get("suspect") not in speakers:
            problems.append("'suspect' must be one of the speakers")
        first = record.get("first_grooming_turn")
        if not isinstance(first, int) or not 0 <= first < len(turns):
            problems.append("'first_grooming_turn' must be a turn index")
        elif turns[first].get("speaker") != record.get("suspect"):
            problems.append("'first_grooming_turn' must be a turn of the suspect")
    elif label == "benign" and (record.get("suspect") is not None or record.get("first_grooming_turn") is not None):
        problems.append("a benign conversation has 'suspect' and 'first_grooming_turn' null")
    return problems


def validate_file(path: Path, seen: dict[str, str] | None = None) -> tuple[list[str], Counter]:
    """The file's problems and its records counted by kind (or label) and register. ``seen``: ids
    already read in other files (id → where), so an id is unique across every file checked at once:
    reports and caches key results by id, and a dev or sealed record that shares a training id is
    one a reader cannot tell apart."""
    conversations = path.name.startswith("conversations")
    check = conversation_problems if conversations else message_problems
    problems, summary = [], Counter()
    seen = {} if seen is None else seen
    with open(path, "rb") as handle:
        for number, raw in enumerate(handle, 1):
            try:
                line = utf8_line(raw, f"{path}:{number}")
            except CorpusError as exc:
                problems.append(exc.message)
                continue
            if number == 1:
                line = line.removeprefix(BOM)   # as training reads it (training.data_sources.numbered_jsonl)
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                problems.append(f"{path}:{number}: not valid JSON ({exc})")
                continue
            feedback = not conversations and isinstance(record, dict) and record.get("source") == "feedback"
            for problem in (feedback_problems if feedback else check)(record):
                problems.append(f"{path}:{number}: {problem}")
            if isinstance(record, dict):
                # exports are cumulative: an id in two of them (or twice in joined ones) is one item, whose
                # latest decision training keeps (training.feedback); their ids are the platform's, not ours
                record_id = record.get("id") if not feedback else None
                if isinstance(record_id, str) and record_id in seen:
                    problems.append(f"{path}:{number}: duplicate id {record_id!r} (first at {seen[record_id]})")
                elif isinstance(record_id, str):
                    seen[record_id] = f"{path}:{number}"
                key = record.get("label") if conversations else record.get("kind")
                summary[(key, record.get("register"))] += 1
    return problems, summary


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("files", type=Path, nargs="+")
    args = parser.parse_args(argv)
    failed, seen = False, {}
    for path in args.files:
        if not path.is_file():
            print(f"{path}: {'not a file' if path.exists() else 'no such file'}", file=sys.stderr)
            failed = True
            continue
        problems, summary = validate_file(path, seen)
        for problem in problems:
            print(problem, file=sys.stderr)
        failed |= bool(problems)
        counts = ", ".join(f"{k}/{r}: {n}" for (k, r), n in sorted(summary.items(), key=str))
        print(f"{path}: {sum(summary.values())} records, {len(problems)} problem(s); {counts}")
    return 2 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
