"""report.json → report.md: the headline, a short "how to read this", then one part per section.

    python -m benchmarks.report reports/report.json     # re-render report.md from the JSON
"""

from __future__ import annotations

import json
import re
from pathlib import Path

HOW_TO_READ = """\
## How to read this

Every number is measured, never asserted: a slow or noisy machine never fails the run, and each
target from the issues is printed beside its number as met (`yes`) or not (**no**). The full guide
is `docs/benchmarks.md`; in short:

- **Messages** are flagged for a category when its calibrated probability crosses the model's
  default (high-precision) threshold, chosen in training for a precision target ({precision_targets}).
  Precision, recall and F1 are at that threshold; PR-AUC is threshold-free.
- **`dev`** is the development set: it has been looked at during development, so it is not blind.
  **Leave-writer-out** scores each hand-written message with models that never saw its writer.
  **`sealed`** is written by writers who saw nothing of the repository, scored once per model and
  never used to choose anything: it is the honest number.
- **Flag rates on negatives** are reviewer cost; corpus flag rates are on real text with no grooming
  at all, so every flag there is a false positive.
- **Conversations** must not be flagged for being long: benign flagged per length bucket is the
  number to watch (issue 9: ≤ 2 % in every bucket).
- **Speed and load** are whole processes on a shared 2-core machine: compare ratios taken in the same
  run (scoring vs tokenizer-only; API vs a no-op FastAPI app), not absolute numbers across runs.
"""


def fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def pct(value, digits: int = 2) -> str:
    return "–" if value is None else f"{100 * value:.{digits}f} %"


def interval(bounds, digits: int = 1) -> str:
    """A 95 % interval as percentages ("0.3–28.3 %"), "–" where there is none."""
    if not bounds:
        return "–"
    return f"{100 * bounds[0]:.{digits}f}–{100 * bounds[1]:.{digits}f} %"


def counted(entry: dict, key: str) -> str:
    """A rate as "hits of n (95 % interval)", from an evaluation entry's ``counts``."""
    c = (entry.get("counts") or {}).get(key)
    if not c or not c["n"]:
        return "–"
    return f"{c['hits']} of {c['n']} ({interval(c['interval'])})"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(fmt(v) if not isinstance(v, str) else v for v in row) + " |" for row in rows]
    return "\n\n" + "\n".join(lines) + "\n\n"


def r3(value):
    return None if value is None else round(value, 3)


def _message_headline(entry: dict) -> dict:
    out = {f"f1_{c}": r3(v.get("f1")) for c, v in entry.get("categories", {}).items() if "f1" in v}
    for rate in ("flag_rate_hard_negative", "flag_rate_benign", "flag_rate_awareness"):
        if entry.get(rate) is not None:
            out[rate] = round(entry[rate], 4)
    return out


def headline(report: dict) -> dict:
    out: dict = {}
    accuracy, baselines = report.get("accuracy", {}), report.get("baselines", {})
    for name, entry in accuracy.get("messages", {}).items():
        out[name] = _message_headline(entry)
        for scorer in ("tfidf", "keywords"):
            other = baselines.get(scorer, {}).get("messages", {}).get(name)
            f1s = [v["f1"] for v in (other or {}).get("categories", {}).values() if "f1" in v]
            if f1s:
                out[name][f"{scorer}_mean_f1"] = round(sum(f1s) / len(f1s), 3)
    if accuracy.get("corpora_test"):
        out["corpora_flag_rate"] = {k: round(v["flag_rate"], 4) for k, v in accuracy["corpora_test"].items()}
    for set_name, entry in report.get("robustness", {}).get("sets", {}).items():
        drops = {r: v["drop_points"] for r, v in entry["scorers"]["model"]["rewrites"].items() if v["drop_points"] is not None}
        if drops:
            worst = max(drops, key=lambda r: drops[r])
            out[f"robustness_{set_name}"] = {"worst_rewrite": worst, "worst_drop_points": drops[worst]}
    lwo = report.get("leave_writer_out", {})
    if lwo.get("categories"):
        out["leave_writer_out"] = {f"f1_{c}": r3(e["f1"]) for c, e in lwo["categories"].items()}
        out["leave_writer_out"].update({f"precision_gap_{c}": r3(e["gap"]) for c, e in lwo["precision_reached"].items()})
    sealed = report.get("sealed", {})
    if sealed.get("messages"):
        out["sealed"] = dict(_message_headline(sealed["messages"]), reused_from_cache=sealed.get("reused"))
    for name, entry in report.get("conversations", {}).get("sets", {}).items():
        buckets = [b["flag_rate_benign"] for b in entry.get("length_buckets", {}).values() if b.get("flag_rate_benign") is not None]
        out[name] = {"recall": r3(entry.get("recall")), "suspect_accuracy": r3(entry.get("suspect_accuracy")),
                     "roc_auc": r3(entry.get("roc_auc")), "benign_flagged_worst_bucket": r3(max(buckets)) if buckets else None}
    lengths = report.get("conversation_cost", {}).get("lengths", {})
    if lengths:
        out["conversation_turns_per_s"] = {k: v["turns_per_s"] for k, v in lengths.items()}
    processes = report.get("speed", {}).get("processes", {})
    if processes:
        out["speed"] = {f"{n}_msg_per_s": p["messages_per_s"] for n, p in processes.items() if n != "startup"}
        out["speed"].update({f"{n}_ratio": p["ratio_to_tokenizer"]["median"] for n, p in processes.items()
                             if "ratio_to_tokenizer" in p})
        out["speed"]["startup_s"] = processes.get("startup", {}).get("wall_s", {}).get("median")
    load = report.get("load", {})
    if load.get("levels"):
        counted = {(lv["server"], lv["shape"], lv["concurrency"]): lv for lv in load["levels"] if not lv.get("cold")}
        c16, batch = counted.get(("score", "single", 16), {}), counted.get(("score", "batch32", 16), {})
        out["load"] = {"score_c16_req_per_s": c16.get("requests_per_s"), "score_c16_p99_ms": c16.get("p99_ms"),
                       "ratio_to_noop_c16": load.get("ratio_to_noop", {}).get("c16"),
                       "batch32_c16_msg_per_s": batch.get("messages_per_s"), "errors": load.get("errors_total")}
    training = report.get("training", {})
    if training:
        out["training"] = {"recorded_seconds": training.get("model", {}).get("seconds"),
                           "recorded_peak_rss_mib": training.get("model", {}).get("peak_rss_mib"),
                           "tiny_run_seconds": training.get("timed_run", {}).get("wall_s")}
    return out


def render(report: dict) -> str:
    from benchmarks.report_cost import cost_parts
    from benchmarks.report_quality import quality_parts

    meta = report["meta"]
    model = meta["model"]
    quick = "**--quick** (smoke-test sizes); " if meta["quick"] else ""
    parts = [(f"# signals benchmark report\n\nModel `{model['name']}` {model['version']} (sha256 `{model['sha256'][:16]}…`) "
              f"from `{meta['model_dir']}`; {meta['started']}; {quick}"
              f"{meta.get('elapsed_seconds', 0):.0f} s on {meta['cpus']} CPUs, Python {meta['python']}.\n")]
    if meta.get("failed_sections"):
        parts.append(f"\n**Sections that failed:** {', '.join(meta['failed_sections'])} (errors below and in report.json).\n")
    parts.append("\n## Headline\n\n```json\n" + json.dumps(report.get("headline", {}), indent=1, ensure_ascii=False)
                 + "\n```\n")
    if meta.get("notes"):
        parts.append("\nNotes:\n\n" + "".join(f"- {n}\n" for n in meta["notes"]))
    parts.append("\n" + HOW_TO_READ.format(precision_targets=", ".join(
        f"{c} {t}" for c, t in report.get("accuracy", {}).get("precision_targets", {}).items()) or "–"))
    for part in quality_parts(report) + cost_parts(report):
        parts += ["\n\n", part]
    return re.sub(r"\n{3,}", "\n\n", "".join(parts)).strip() + "\n"


def write_reports(report: dict, out: Path, default=None) -> dict:
    report["headline"] = headline(report)
    (out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=default) + "\n",
                                     encoding="utf-8")
    (out / "report.md").write_text(render(report), encoding="utf-8")
    return report["headline"]


def main(argv: list[str] | None = None) -> int:
    """Re-render ``report.md`` from a ``report.json`` (e.g. after editing the report modules)."""
    import argparse

    parser = argparse.ArgumentParser(description="Render report.md from report.json.")
    parser.add_argument("report_json", type=Path)
    args = parser.parse_args(argv)
    report = json.loads(args.report_json.read_text(encoding="utf-8"))
    (args.report_json.parent / "report.md").write_text(render(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
