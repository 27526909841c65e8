"""``signals evaluate``: check a model on your own labelled data before you trust it.

    signals evaluate messages FILE [--model DIR] [--report OUT.json] [--operating-point high_recall]
    signals evaluate conversations FILE [--model DIR] [--report OUT.json]

Messages: one ``{"id", "text", "labels": [...]}`` per line (``labels`` empty = harmless), optional
``register``, ``kind`` and ``negative_type``. Conversations: one ``{"id", "turns": [{"speaker", "text"}],
"label": "grooming"|"benign"}`` per line, optional ``suspect``, ``first_grooming_turn``, ``register``.
Prints precision, recall, F1, ROC-AUC, PR-AUC and flag rates per length bucket (and per register
when the file has one) and writes the full report as JSON. Exit code 2 for a file that does not
match, with the line number.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

from signals.errors import InputError
from signals.service import Conversation, ScoringService, Turn


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["messages", "conversations"], help="what the file holds")
    parser.add_argument("file", type=Path, help="labelled JSONL file")
    parser.add_argument("--report", type=Path, default=None, help="write the full report as JSON here")
    parser.add_argument("--operating-point", choices=["high_precision", "high_recall"], default="high_precision",
                        help="which of the model's thresholds to measure (default: high_precision, the one served)")


def _records(path: Path) -> list[tuple[int, dict]]:
    if not path.is_file():
        raise InputError(f"file not found: {path}")
    out = []
    with open(path, encoding="utf-8", errors="strict") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as exc:
                raise InputError(f"{path}:{number}: not valid JSON ({exc})") from exc
            if not isinstance(record, dict):
                raise InputError(f"{path}:{number}: expected a JSON object")
            out.append((number, record))
    if not out:
        raise InputError(f"{path}: no records")
    return out


def _message_rows(path: Path, categories: tuple[str, ...]) -> tuple[list[str], np.ndarray, list[dict]]:
    texts, labels, records = [], [], []
    for number, record in _records(path):
        text, given = record.get("text"), record.get("labels")
        if not isinstance(text, str) or not text.strip():
            raise InputError(f"{path}:{number}: 'text' must be a non-empty string", field="text")
        if not isinstance(given, list) or any(label not in categories for label in given):
            raise InputError(f"{path}:{number}: 'labels' must be a list of the model's categories {list(categories)}",
                             field="labels")
        texts.append(text)
        labels.append([int(c in given) for c in categories])
        records.append(record)
    return texts, np.array(labels, dtype=int), records


def _conversations(path: Path) -> tuple[list[Conversation], list[dict]]:
    conversations, records = [], []
    for number, record in _records(path):
        turns = record.get("turns")
        if not isinstance(turns, list) or not turns or not all(
                isinstance(t, dict) and isinstance(t.get("text"), str) and isinstance(t.get("speaker"), (str, int))
                for t in turns):
            raise InputError(f"{path}:{number}: 'turns' must be a non-empty list of {{'speaker', 'text'}}", field="turns")
        if record.get("label") not in ("grooming", "benign"):
            raise InputError(f"{path}:{number}: 'label' must be 'grooming' or 'benign'", field="label")
        conversations.append(Conversation(str(record.get("id", number)),
                                          tuple(Turn(str(t["speaker"]), t["text"]) for t in turns)))
        records.append({**record, "turns": [{"speaker": str(t["speaker"]), "text": t["text"]} for t in turns],
                        "suspect": None if record.get("suspect") is None else str(record["suspect"])})
    return conversations, records


def _f(value) -> str:
    return "  –  " if value is None else f"{value:5.3f}"


def evaluate_messages(service: ScoringService, path: Path, point: str) -> tuple[dict, list[str]]:
    from signals.evaluation import message_metrics  # scikit-learn: imported only when evaluating

    texts, Y, records = _message_rows(path, service.categories)
    thresholds = service.model.thresholds["messages"][point]
    registers = [r.get("register") or "" for r in records]
    report = message_metrics(Y, service.score_texts(texts), thresholds, service.categories,
                             [r.get("kind", "") for r in records], registers if any(registers) else None,
                             [r.get("negative_type") for r in records], texts)
    lines = [f"{len(texts)} messages, operating point {point}", "",
             "category       n+   precision recall  F1     ROC-AUC PR-AUC"]
    for category, m in report["categories"].items():
        lines.append(f"{category:14s} {m['support']:4d} {_f(m.get('precision'))}     {_f(m.get('recall'))}  "
                     f"{_f(m.get('f1'))}  {_f(m.get('roc_auc'))}   {_f(m.get('pr_auc'))}")
    lines.append(f"\nflag rate of harmless messages: {_f(report['flag_rate_negatives'])}")
    for title, key in (("length", "length_buckets"), ("register", "registers")):
        if report.get(key):
            lines.append(f"\n{title:14s} n      recall  flag rate (harmless)")
            for name, m in report[key].items():
                lines.append(f"{name:14s} {m['n']:5d}  {_f(m.get('recall_any'))}   {_f(m.get('flag_rate_negatives'))}")
    return report, lines


def _at_point(service: ScoringService, point: str) -> ScoringService:
    """The service flagging conversations at ``point`` (the served one is high_precision)."""
    if point == "high_precision" or service.model.conversation is None:
        return service
    at = copy.copy(service)
    at.model = dataclasses.replace(service.model, conversation=service.model.conversation.at_high_recall())
    return at


def evaluate_conversations(service: ScoringService, path: Path, point: str = "high_precision") -> tuple[dict, list[str]]:
    from signals.evaluation import conversation_metrics

    conversations, records = _conversations(path)
    report = conversation_metrics(records, _at_point(service, point).score_conversations(conversations))
    lines = [f"{report['n']} conversations ({report['grooming']} grooming), operating point {point}", "",
             (f"precision {_f(report['precision'])}  recall {_f(report['recall'])}  F1 {_f(report['f1'])}  "
              f"ROC-AUC {_f(report.get('roc_auc'))}  PR-AUC {_f(report.get('pr_auc'))}"),
             (f"harmless flagged {_f(report['flag_rate_benign'])}  right suspect {_f(report['suspect_accuracy'])}  "
              f"first alert at {_f(report['first_alert_relative_mean'])} of the length")]
    for title, key in (("turns", "length_buckets"), ("register", "registers")):
        if report.get(key):
            lines.append(f"\n{title:10s} n     harmless flagged  recall  ROC-AUC")
            for name, m in report[key].items():
                lines.append(f"{name:10s} {m['n']:5d} {_f(m['flag_rate_benign'])}             {_f(m['recall'])}   "
                             f"{_f(m.get('roc_auc'))}")
    return report, lines


def run(args: argparse.Namespace, service: ScoringService) -> int:
    if args.kind == "messages":
        report, lines = evaluate_messages(service, args.file, args.operating_point)
    else:
        report, lines = evaluate_conversations(service, args.file, args.operating_point)
    report["model"] = service.info.as_dict()
    print("\n".join(lines))
    if args.report:
        args.report.write_text(json.dumps(report, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\nreport: {args.report}", file=sys.stderr)
    return 0
