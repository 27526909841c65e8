"""Print a model's headline numbers as Markdown: ``python -m training.summarize MODEL_DIR``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from signals.taxonomy import CATEGORIES, REGISTERS


def _f(value) -> str:
    return "–" if value is None else f"{value:.3f}"


def summarize(metrics: dict) -> str:
    lines = ["| set | " + " | ".join(f"{c} P / R / F1" for c in CATEGORIES) + " | flagged hard neg. | flagged benign |",
             "| --- |" + " --- |" * (len(CATEGORIES) + 2)]
    for key in ("dev", "synth_test", "handwritten_leave_writer_out"):
        if key not in metrics:
            continue
        m = metrics[key]
        cells = [f"{_f(m['categories'][c].get('precision'))} / {_f(m['categories'][c].get('recall'))} / "
                 f"{_f(m['categories'][c].get('f1'))}" for c in CATEGORIES]
        lines.append(f"| {key} | " + " | ".join(cells) + f" | {_f(m.get('flag_rate_hard_negative'))} | {_f(m.get('flag_rate_benign'))} |")
    if "registers" in metrics.get("dev", {}):
        lines += ["", "| dev register | recall (any category) | flagged negatives |", "| --- | --- | --- |"]
        for register in REGISTERS:
            r = metrics["dev"]["registers"].get(register)
            if r:
                lines.append(f"| {register} | {_f(r.get('recall_any'))} | {_f(r.get('flag_rate_negatives'))} |")
    lines += ["", "| conversations | precision | recall | F1 | right suspect | first alert / length |", "| --- | --- | --- | --- | --- | --- |"]
    for key in ("dev_conversations", "synth_test_conversations"):
        if key in metrics:
            c = metrics[key]
            lines.append(f"| {key} | {_f(c['precision'])} | {_f(c['recall'])} | {_f(c['f1'])} | "
                         f"{_f(c.get('suspect_accuracy'))} | {_f(c.get('first_alert_relative_mean'))} |")
    lines += ["", "| real corpus (test split) | texts | flagged |", "| --- | --- | --- |"]
    for name, c in metrics.get("corpora_test", {}).items():
        lines.append(f"| {name} | {c['n']} | {c['flag_rate']:.4f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        print("usage: python -m training.summarize MODEL_DIR", file=sys.stderr)
        return 2
    path = Path(args[0]) / "metrics.json"
    if not path.is_file():
        print(f"error: {path} not found (train a model first: make train)", file=sys.stderr)
        return 2
    print(summarize(json.loads(path.read_text(encoding="utf-8"))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
