"""``signals evaluate``: check a model on your own labelled data before you trust it.

    signals evaluate messages FILE [--model DIR] [--report OUT.json] [--operating-point high_recall]
    signals evaluate conversations FILE [--model DIR] [--report OUT.json]

Messages: one ``{"id", "text", "labels": [...]}`` per line (``labels`` empty = harmless), optional
``context`` (the turns before it, read as ``signals score`` reads them), ``register``, ``kind`` and
``negative_type``; ``"fragment": true`` lines (positives that only mean something inside a
conversation) are left out, as training leaves them out, and counted. Conversations: one ``{"id", "turns": [{"speaker", "text"}],
"label": "grooming"|"benign"}`` per line, optional ``suspect``, ``first_grooming_turn``, ``register``.
Prints precision, recall, F1, ROC-AUC, PR-AUC and flag rates per length bucket (and per register
when the file has one) and writes the full report as JSON. Every line is measured; lines that repeat
an earlier line's id are counted in the first line of the table (``repeated_ids`` in the report).
Exit code 2 for a file that does not match, with the line number.
"""

from __future__ import annotations

import argparse
import copy
import dataclasses
import json
import sys
from pathlib import Path

import numpy as np

from signals.errors import ConfigError, InputError
from signals.jsonl import (
    LineError,
    atomic_output,
    open_input,
    parse_context,
    parse_identifier,
    parse_text,
    parse_turn,
    read_lines,
)
from signals.rawlines import LineLimits
from signals.service import Conversation, Message, ScoringService
from signals.taxonomy import CONVERSATION_LABELS

DEFAULT_LIMITS = LineLimits()


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("kind", choices=["messages", "conversations"], help="what the file holds")
    parser.add_argument("file", type=_named_file, help="labelled JSONL file")
    parser.add_argument("--report", type=_named_file, default=None, help="write the full report as JSON here")
    parser.add_argument("--operating-point", choices=["high_precision", "high_recall"], default="high_precision",
                        help="which of the model's thresholds to measure (default: high_precision, the one served)")


def _named_file(value: str) -> Path:
    """A file by name: ``-`` (standard input or output elsewhere in signals) has no place here, the
    table goes to standard output and the report beside it."""
    if value == "-":
        raise argparse.ArgumentTypeError("'-' is not a file here: name a file (the table is printed, the report written)")
    return Path(value)


def _records(path: Path, limits: LineLimits) -> list[tuple[int, dict]]:
    """Every record, read as `signals score` reads its input (byte order mark, line and nesting
    limits, UTF-8 per line); a bad line is an error naming it, since a metric needs every line."""
    def as_object(obj, where: str, _max_chars) -> dict:
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object")
        return obj

    out: list[tuple[int, dict]] = []
    with open_input(path) as handle:
        for number, record in read_lines(handle, as_object, str(path), limits):
            if isinstance(record, LineError):
                raise InputError(record.message)
            assert isinstance(record, dict)  # as_object let only objects through
            out.append((number, record))
    if not out:
        raise InputError(f"{path}: no records")
    return out


def _optional_label(record: dict, key: str, where: str) -> str | None:
    """``register``, ``kind``, ``negative_type``: absent, null or a printable string."""
    value = record.get(key)
    if value is None or value == "":
        return None
    # not printable: control characters, and lone surrogates (JSON allows them, no output can print them)
    if not isinstance(value, str) or not value.isprintable():
        raise InputError(f"{where}: '{key}' must be a string", field=key)
    return value


def _message_rows(path: Path, categories: tuple[str, ...], limits: LineLimits
                  ) -> tuple[list[Message], np.ndarray, list[dict], int]:
    """The messages (with their context turns), their labels, their records, and how many fragment
    lines were left out."""
    messages, labels, records = [], [], []
    fragments = 0
    for number, record in _records(path, limits):
        where = f"{path}:{number}"
        if record.get("fragment") is True:
            fragments += 1
            continue
        # optional here (a metric needs no id); when given, held to the rule of score
        ident = parse_identifier(record["id"], where, "id") if "id" in record else str(number)
        text = parse_text(record.get("text"), where, "text", limits.max_text_chars, blank=False)
        turns = parse_context(record.get("context"), where, limits.max_text_chars)
        given = record.get("labels")
        if not isinstance(given, list) or any(label not in categories for label in given):
            raise InputError(f"{where}: 'labels' must be a list of the model's categories {list(categories)}",
                             field="labels")
        messages.append(Message(ident, text, turns))
        labels.append([int(c in given) for c in categories])
        records.append({**record, **{key: _optional_label(record, key, where)
                                     for key in ("register", "kind", "negative_type")}})
    if not messages:
        raise InputError(f"{path}: no records but fragments (lines with \"fragment\": true are left out)")
    return messages, np.array(labels, dtype=int), records, fragments


def _conversations(path: Path, limits: LineLimits) -> tuple[list[Conversation], list[dict]]:
    conversations, records = [], []
    for number, record in _records(path, limits):
        where = f"{path}:{number}"
        # the id is optional here (the line number stands in for it); when given, held to the rule of score
        ident = parse_identifier(record["id"], where, "id") if "id" in record else str(number)
        turns = record.get("turns")
        if not isinstance(turns, list) or not turns:
            raise InputError(f"{where}: 'turns' must be a non-empty list of {{'speaker', 'text'}}", field="turns")
        parsed = tuple(parse_turn(t, f"{where} turns[{i}]", limits.max_text_chars) for i, t in enumerate(turns))
        label = record.get("label")
        if label not in CONVERSATION_LABELS:
            raise InputError(f"{where}: 'label' must be 'grooming' or 'benign'", field="label")
        suspect = record.get("suspect")
        if suspect is not None and (isinstance(suspect, bool) or not isinstance(suspect, (str, int))
                                    or str(suspect) not in {t.speaker for t in parsed}):
            raise InputError(f"{where}: 'suspect' must be one of the conversation's speakers", field="suspect")
        first = record.get("first_grooming_turn")
        if first is not None and (isinstance(first, bool) or not isinstance(first, int) or not 0 <= first < len(parsed)):
            raise InputError(f"{where}: 'first_grooming_turn' must be a turn index from 0 to {len(parsed) - 1}",
                             field="first_grooming_turn")
        conversations.append(Conversation(ident, parsed))
        records.append({**record, "turns": [{"speaker": t.speaker, "text": t.text} for t in parsed],
                        "suspect": None if suspect is None else str(suspect),
                        "register": _optional_label(record, "register", where)})
    return conversations, records


def _repeated_ids(idents: list[str]) -> tuple[int, str | None]:
    """How many lines repeat an earlier line's id (ids compared as text, as the API returns them), and
    the first such id. Every line is still measured: a file appended to itself, or two exports
    joined, weighs those lines twice, which the header says."""
    seen: set[str] = set()
    repeats, first = 0, None
    for ident in idents:
        if ident in seen:
            repeats += 1
            first = ident if first is None else first
        seen.add(ident)
    return repeats, first


def _repeat_note(repeats: int, first: str | None) -> str:
    return f"; {repeats} line(s) repeat an earlier line's id, e.g. {first!r} (each is measured)" if repeats else ""


def _f(value) -> str:
    return "  –  " if value is None else f"{value:5.3f}"


def _bounds(bounds) -> str:
    return "95 % interval –" if not bounds else f"95 % interval {bounds[0]:.3f} to {bounds[1]:.3f}"


def _interval(entry: dict, key: str, counts: bool = False) -> str:
    """A rate's 95 % interval ("0.011-0.283"), with its count first when asked ("1 of 16, ...")."""
    c = (entry.get("counts") or {}).get(key)
    if not c or c["interval"] is None:
        return "–"
    low, high = c["interval"]
    return (f"{c['hits']} of {c['n']}, " if counts else "") + f"{low:.3f}-{high:.3f}"


def evaluate_messages(service: ScoringService, path: Path, point: str, limits: LineLimits = DEFAULT_LIMITS
                      ) -> tuple[dict, list[str]]:
    from signals.evaluation import message_metrics  # scikit-learn: imported only when evaluating

    messages, Y, records, fragments = _message_rows(path, service.categories, limits)
    thresholds = service.model.thresholds["messages"][point]
    registers = [r["register"] for r in records]
    texts = [m.text for m in messages]
    _analysis, probas = service.message_probabilities(messages)
    report = message_metrics(Y, probas, thresholds, service.categories,
                             [r["kind"] or "" for r in records], registers if any(registers) else None,
                             [r.get("negative_type") for r in records], texts)
    report["fragments_left_out"] = fragments
    report["with_context"] = sum(1 for m in messages if m.context)
    report["without_register"] = sum(1 for r in registers if not r)
    repeats, first = _repeated_ids([m.id for m, r in zip(messages, records) if "id" in r])  # not line numbers
    report["repeated_ids"] = repeats
    left_out = f"; {fragments} fragment line(s) left out" if fragments else ""
    lines = [(f"{len(texts)} messages ({report['with_context']} with context turns), operating point {point}{left_out}"
              f"{_repeat_note(repeats, first)}"), "",
             "category       n+   flagged precision recall  F1     ROC-AUC PR-AUC"]
    for category, m in report["categories"].items():
        lines.append(f"{category:14s} {m['support']:4d} {m['flagged']:7d} {_f(m.get('precision'))}     "
                     f"{_f(m.get('recall'))}  {_f(m.get('f1'))}  {_f(m.get('roc_auc'))}   {_f(m.get('pr_auc'))}")
    lines.append(f"\nflag rate of harmless messages: {_f(report['flag_rate_negatives'])}")
    for title, key in (("length", "length_buckets"), ("register", "registers")):
        if report.get(key):
            lines.append(f"\n{title:14s} n      recall  flag rate (harmless)  95 % intervals: recall, flag rate")
            for name, m in report[key].items():
                lines.append(f"{name:14s} {m['n']:5d}  {_f(m.get('recall_any'))}   {_f(m.get('flag_rate_negatives'))}"
                             f"                 {_interval(m, 'recall_any')}, {_interval(m, 'flag_rate_negatives')}")
            gap = report.get("register_gap") or {}
            if key == "registers" and (gap.get("recall_any_max_minus_min") is not None
                                       or gap.get("flag_rate_max_minus_min") is not None):
                bounds = gap.get("intervals") or {}
                lines.append(f"gap (max - min): recall {_f(gap['recall_any_max_minus_min'])} ({_bounds(bounds.get('recall_any'))}), "
                             f"flag rate {_f(gap['flag_rate_max_minus_min'])} ({_bounds(bounds.get('flag_rate'))}); "
                             "an interval that holds 0 is within chance on this many lines")
            if key == "registers" and report["without_register"]:
                lines.append(f"(no register: {report['without_register']} line(s), in no register's row)")
    return report, lines


def _at_point(service: ScoringService, point: str) -> ScoringService:
    """The service flagging conversations at ``point`` (the served one is high_precision)."""
    if point == "high_precision" or service.model.conversation is None:
        return service
    at = copy.copy(service)
    at.model = dataclasses.replace(service.model, conversation=service.model.conversation.at_high_recall())
    return at


def evaluate_conversations(service: ScoringService, path: Path, point: str = "high_precision",
                           limits: LineLimits = DEFAULT_LIMITS) -> tuple[dict, list[str]]:
    from signals.evaluation import conversation_metrics

    conversations, records = _conversations(path, limits)
    report = conversation_metrics(records, _at_point(service, point).score_conversations(conversations))
    repeats, first = _repeated_ids([c.id for c, r in zip(conversations, records) if "id" in r])
    report["repeated_ids"] = repeats
    lines = [(f"{report['n']} conversations ({report['grooming']} grooming), operating point {point}"
              f"{_repeat_note(repeats, first)}"), "",
             (f"precision {_f(report['precision'])}  recall {_f(report['recall'])}  F1 {_f(report['f1'])}  "
              f"ROC-AUC {_f(report.get('roc_auc'))}  PR-AUC {_f(report.get('pr_auc'))}"),
             (f"harmless flagged {_f(report['flag_rate_benign'])}  right suspect {_f(report['suspect_accuracy'])}  "
              f"first alert at {_f(report['first_alert_relative_mean'])} of the length")]
    for title, key in (("turns", "length_buckets"), ("register", "registers")):
        if report.get(key):
            lines.append(f"\n{title:10s} n     harmless flagged  recall  ROC-AUC  harmless flagged: count (95 % interval)")
            for name, m in report[key].items():
                lines.append(f"{name:10s} {m['n']:5d} {_f(m['flag_rate_benign'])}             {_f(m['recall'])}   "
                             f"{_f(m.get('roc_auc'))}    {_interval(m, 'flag_rate_benign', counts=True)}")
    return report, lines


def run(args: argparse.Namespace, service: ScoringService, limits: LineLimits = DEFAULT_LIMITS) -> int:
    if args.kind == "messages":
        report, lines = evaluate_messages(service, args.file, args.operating_point, limits)
    elif service.model.conversation is None:
        raise ConfigError(f"the model at {service.model_dir} has no conversation model: it scores messages only")
    else:
        report, lines = evaluate_conversations(service, args.file, args.operating_point, limits)
    report["model"] = service.info.as_dict()
    print("\n".join(lines))
    if args.report:
        with atomic_output(args.report, args.file) as out:  # a report is complete or not there
            out.write(json.dumps(report, indent=2, ensure_ascii=False) + "\n")
        print(f"\nreport: {args.report}", file=sys.stderr)
    return 0
