"""Before / after on reviewer decisions: precision, recall and F1 per category on the dev set and on
the held-out reviewed items (``split == "test"`` of a ``signals feedback export`` file), for the
model and, when given, a baseline model (the one before retraining on the decisions).

    run_feedback(model_dir, baseline_dir, feedback_paths, dev_path) -> dict
    render_feedback_md(report) -> str   (a markdown section for reports/report.md)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from training.data_sources import MessageSet, read_messages
from training.evaluate import message_metrics
from training.feedback import held_out_feedback

from signals.service import ScoringService
from signals.taxonomy import CATEGORIES

METRICS = ("precision", "recall", "f1")


def _scores(service: ScoringService, ms: MessageSet) -> dict[str, Any]:
    if not len(ms):
        return {"n": 0, "categories": {}}
    report = message_metrics(ms.labels, service.score_texts(ms.texts), service.thresholds, service.categories)
    return {"n": report["n"], "flag_rate_negatives": report["flag_rate_negatives"],
            "categories": {c: {k: v for k, v in entry.items() if k in (*METRICS, "support")}
                           for c, entry in report["categories"].items()}}


def _evaluate(model_dir: Path | str, sets: dict[str, MessageSet]) -> dict[str, Any]:
    service = ScoringService.load(Path(model_dir))
    return {"model": service.info.as_dict(), "sets": {name: _scores(service, ms) for name, ms in sets.items()}}


def run_feedback(model_dir: Path | str, baseline_dir: Path | str | None,
                 feedback_paths: Path | str | Sequence[Path | str], dev_path: Path | str) -> dict[str, Any]:
    """``feedback_paths``: one export or several (the held-out items of all of them, each id once)."""
    paths = [feedback_paths] if isinstance(feedback_paths, (str, Path)) else list(feedback_paths)
    held_out = MessageSet("feedback_held_out", held_out_feedback(paths))
    sets = {"dev": read_messages(dev_path, "dev"), "feedback_held_out": held_out}
    report: dict[str, Any] = {"feedback_path": ", ".join(map(str, paths)), "held_out": len(held_out),
                              "model": _evaluate(model_dir, sets)}
    if baseline_dir is not None:
        report["baseline"] = _evaluate(baseline_dir, sets)
    return report


def _cell(entry: dict[str, Any]) -> str:
    if "f1" not in entry:
        return f"– (support {entry.get('support', 0)})"
    return " / ".join(f"{entry[k]:.3f}" for k in METRICS)


def _delta(after: dict[str, Any], before: dict[str, Any]) -> str:
    if "f1" not in after or "f1" not in before:
        return "–"
    return f"{after['f1'] - before['f1']:+.3f}"


def render_feedback_md(report: dict[str, Any]) -> str:
    """Per set and category: P / R / F1 of the model, of the baseline, and the F1 change."""
    lines = ["## 9. Reviewer feedback: before and after", "",
             (f"Held-out reviewed items (`split == \"test\"` of `{report['feedback_path']}`): {report['held_out']}. "
             "They are never trained on; dev is the independent hand-written set."), ""]
    model, baseline = report["model"], report.get("baseline")
    names = f"`{model['model']['name']}` {model['model']['version']} (sha256 `{model['model']['sha256'][:12]}…`)"
    if baseline:
        names += f" against the baseline {baseline['model']['version']} (sha256 `{baseline['model']['sha256'][:12]}…`)"
    lines += [f"Model: {names}.", ""]
    header = "| set | category | model P / R / F1 |"
    rule = "| --- | --- | --- |"
    if baseline:
        header += " baseline P / R / F1 | F1 change |"
        rule += " --- | --- |"
    lines += [header, rule]
    for set_name, scores in model["sets"].items():
        for category in CATEGORIES:
            after = scores["categories"].get(category, {})
            row = f"| {set_name} | {category} | {_cell(after)} |"
            if baseline:
                before = baseline["sets"][set_name]["categories"].get(category, {})
                row += f" {_cell(before)} | {_delta(after, before)} |"
            lines.append(row)
    return "\n".join(lines) + "\n"
