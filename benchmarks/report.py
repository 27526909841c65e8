"""report.json → report.md: tables, the embedded plots, and a short "how to read this"."""

from __future__ import annotations

import json
import re

from signals.taxonomy import CATEGORIES

SCORERS = ("model", "tfidf", "keywords")

HOW_TO_READ = """\
## How to read this

- **Scores and thresholds.** The model outputs a calibrated probability per category; a message is
  *flagged* for a category when it crosses that category's default (high-precision) threshold,
  chosen at training time for a precision target of {precision_target}. Precision, recall and F1
  are at that threshold; PR-AUC is threshold-free (1.0 is perfect; the share of positives is chance).
- **Sets.** `synth_test` is the generator's template-disjoint test split (no template seen in
  training: it measures generalisation to new phrasings of the same generator, and is optimistic
  about real chat); `dev` is hand-written independently of the generator and the training writers
  (the most honest number here); corpora are real public Dutch text with no grooming at all, so
  any flag there is a false positive a reviewer would have to look at.
- **Flag rates on negatives.** `hard_negative` = benign but close to a category (classmates
  swapping handles, a parent asking when a child is home, awareness texts); `benign` = ordinary
  chat. Lower is better: every flagged benign message costs reviewer time.
- **Register gap.** Difference between the best and worst language variety (standard, Flemish,
  straattaal, code-mixed) in recall and in flag rate: the model should serve them equally.
- **Calibration.** ECE is the average gap between predicted probability and observed frequency
  (0 is perfect); in the reliability plot, points on the diagonal are well calibrated.
- **Confusion.** Row A, column B: of the messages labelled A (and not B), the share flagged as B.
  The diagonal is A's recall. Off-diagonal mass sends a message to the wrong queue
  (e.g. a disclosure routed to enforcement review instead of support).
- **Baselines.** `keywords` is a short list of obvious words; `tfidf` is plain word TF-IDF +
  logistic regression on the same training messages, without the Dutch preprocessing. The model
  should beat both, most clearly on `dev`, under rewrites and on corpora flag rates.
- **Robustness.** Recall on the positives a rewrite changed, before and after; the target is a
  drop of at most {target_drop} points per rewrite.
- **Speed.** One core, batches of 1024; the target is a full-path throughput of at least
  {target_ratio} × the plain spaCy tokenizer on the same messages. Numbers are machine-dependent;
  compare runs on the same machine.
- **Load.** A real `signals serve` process on 127.0.0.1 with the client on the same machine (they
  share the CPUs). Target: zero errors at every level; memory growth should stay small.
"""


def fmt(value, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "yes" if value else "**no**"
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def pct(value) -> str:
    return "–" if value is None else f"{100 * value:.2f} %"


def table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join("---" for _ in header) + " |"]
    lines += ["| " + " | ".join(fmt(v) if not isinstance(v, str) else v for v in row) + " |" for row in rows]
    return "\n\n" + "\n".join(lines) + "\n\n"


def _scorer_sections(report: dict, key: str) -> dict[str, dict]:
    """scorer → its report section ``key`` (messages, conversations, corpora_test)."""
    out = {"model": report.get("accuracy", {}).get(key, {})}
    for name in ("tfidf", "keywords"):
        out[name] = report.get("baselines", {}).get(name, {}).get(key, {})
    return out


def headline(report: dict) -> dict:
    out: dict = {}
    messages = _scorer_sections(report, "messages")
    for name, entry in messages["model"].items():
        out[name] = {f"f1_{c}": round(v.get("f1", 0.0), 3) for c, v in entry["categories"].items() if "f1" in v}
        for rate in ("flag_rate_hard_negative", "flag_rate_benign"):
            if entry.get(rate) is not None:
                out[name][rate] = round(entry[rate], 4)
        for scorer in ("tfidf", "keywords"):
            other = messages[scorer].get(name)
            if other:
                f1s = [v["f1"] for v in other["categories"].values() if "f1" in v]
                out[name][f"{scorer}_mean_f1"] = round(sum(f1s) / len(f1s), 3) if f1s else None
    for name, entry in report.get("accuracy", {}).get("conversations", {}).items():
        out[name] = {"f1": round(entry["f1"], 3), "suspect_accuracy": entry["suspect_accuracy"]}
    corpora = report.get("accuracy", {}).get("corpora_test", {})
    if corpora:
        out["corpora_flag_rate"] = {k: round(v["flag_rate"], 4) for k, v in corpora.items()}
    for set_name, entry in report.get("robustness", {}).get("sets", {}).items():
        rewrites = entry["scorers"]["model"]["rewrites"]
        drops = {r: v["drop_points"] for r, v in rewrites.items() if v["drop_points"] is not None}
        if drops:
            worst = max(drops, key=lambda r: drops[r])
            out[f"robustness_{set_name}"] = {"worst_rewrite": worst, "worst_drop_points": drops[worst],
                                             "rewrites_within_target": f"{sum(d <= report['robustness']['target_drop_points'] for d in drops.values())}/{len(drops)}"}
    speed = report.get("speed", {})
    if "stages" in speed:
        out["speed"] = {"full_msg_per_s": speed["stages"]["full"]["per_second"],
                        "tokenizer_msg_per_s": speed["stages"]["tokenizer"]["per_second"],
                        "ratio": speed["ratio_full_to_tokenizer"], "target": speed["target_ratio"],
                        "load_s": speed["load_seconds"], "peak_rss_mb": speed["rss_mb"]["peak_while_scoring"]}
    if "train" in speed:
        out["train_tiny"] = {k: speed["train"][k] for k in ("wall_seconds", "peak_rss_mb", "returncode")}
    load = report.get("load", {})
    if load.get("levels"):
        out["load"] = {"errors_total": load.get("errors_total"),
                       "max_req_per_s": max(lv["requests_per_s"] for lv in load["levels"]),
                       "server_rss_growth_mb": load.get("server_rss_mb", {}).get("growth")}
        for lv in load["levels"]:
            out["load"][f"{lv['shape']}_c{lv['concurrency']}"] = f"{lv['requests_per_s']} req/s, p99 {lv['p99_ms']} ms"
    return out


def _accuracy_md(report: dict) -> list[str]:
    parts = ["## Accuracy\n"]
    messages = _scorer_sections(report, "messages")
    for set_name, model_entry in messages["model"].items():
        parts.append(f"\n### Messages: `{set_name}` ({model_entry['n']} messages)\n")
        rows = []
        for category in CATEGORIES:
            for scorer in SCORERS:
                entry = messages[scorer].get(set_name, {}).get("categories", {}).get(category)
                if entry is None:
                    continue
                rows.append([category if scorer == "model" else "", scorer, entry.get("support"), entry.get("precision"),
                             entry.get("recall"), entry.get("f1"), entry.get("pr_auc"),
                             entry.get("ece") if scorer != "keywords" else None])
        parts.append(table(["category", "scorer", "support", "precision", "recall", "F1", "PR-AUC", "ECE"], rows))
        rows = []
        for scorer in SCORERS:
            entry = messages[scorer].get(set_name)
            if entry:
                rows.append([scorer, pct(entry.get("flag_rate_negatives")), pct(entry.get("flag_rate_hard_negative")),
                             pct(entry.get("flag_rate_benign"))])
        parts.append("Flag rates on negatives (lower is better):\n\n")
        parts.append(table(["scorer", "all negatives", "hard negatives", "benign"], rows))
        registers = model_entry.get("registers")
        if registers:
            rows = [[reg, e["n"], e.get("recall_any"), pct(e.get("flag_rate_negatives"))] for reg, e in registers.items()]
            gap = model_entry.get("register_gap", {})
            rows.append(["**gap (max − min)**", "", gap.get("recall_any_max_minus_min"), pct(gap.get("flag_rate_max_minus_min"))])
            parts.append("Registers (model):\n\n")
            parts.append(table(["register", "n", "recall (any)", "flag rate negatives"], rows))
        confusion = model_entry.get("confusion")
        if confusion:
            rows = [[f"{a} (n={e['n']})"] + [pct(e["flagged_as"][b]) for b in CATEGORIES] for a, e in confusion.items()]
            parts.append("Confusion (model): row = labelled category, column = share flagged as that category:\n\n")
            parts.append(table(["labelled \\ flagged as"] + list(CATEGORIES), rows))
    conversations = _scorer_sections(report, "conversations")
    if conversations["model"]:
        parts.append("\n### Conversations\n\nBaselines flag a conversation when any turn is flagged for a review "
                     "category; their suspect is that turn's speaker.\n\n")
        rows = []
        for set_name in conversations["model"]:
            for scorer in SCORERS:
                e = conversations[scorer].get(set_name)
                if e:
                    rows.append([set_name if scorer == "model" else "", scorer, e["n"], e["precision"], e["recall"], e["f1"],
                                 e.get("suspect_accuracy"), e.get("first_alert_relative_mean"), e.get("alert_delay_turns_mean")])
        parts.append(table(["set", "scorer", "n", "precision", "recall", "F1", "suspect accuracy",
                            "first alert (share of length)", "alert delay (turns)"], rows))
    corpora = _scorer_sections(report, "corpora_test")
    if corpora["model"]:
        parts.append("\n### Real corpora (test split): flag rates (every flag is a false positive)\n\n")
        rows = []
        for name, e in corpora["model"].items():
            rows.append([name, e["n"], pct(e["flag_rate"])] + [pct(e["per_category"][c]) for c in CATEGORIES]
                        + [pct(corpora[s].get(name, {}).get("flag_rate")) for s in ("tfidf", "keywords")])
        parts.append(table(["corpus", "n", "model"] + [f"model: {c}" for c in CATEGORIES] + ["tfidf", "keywords"], rows))
    plots = report.get("plots", {})
    for key, caption in (("pr_curves", "Precision–recall per category: model (solid), TF-IDF (dashed), keywords (×)"),
                         ("reliability", "Reliability diagram (model)")):
        if plots.get(key):
            parts.append(f"\n![{caption}]({plots[key]})\n\n*{caption}.*\n\n")
    tfidf_training = report.get("baselines", {}).get("tfidf", {}).get("training")
    if tfidf_training:
        parts.append(f"TF-IDF baseline training data: {tfidf_training['handwritten']} hand-written, "
                     f"{tfidf_training['synth_train']} synth train, {tfidf_training['corpus_rows']} corpus rows; "
                     f"fitted on {tfidf_training['rows_fit']}, thresholds on {tfidf_training['rows_threshold']} "
                     f"(group-disjoint), {tfidf_training['fit_seconds']} s.\n")
    return parts


def _robustness_md(report: dict) -> list[str]:
    rob = report.get("robustness")
    if not rob:
        return []
    target = rob["target_drop_points"]
    parts = [f"## Robustness to evasive rewrites (target: ≤ {target:g} points recall drop)\n"]
    parts += ["\n"] + [f"- {note}\n" for note in rob.get("notes", [])]
    for set_name, entry in rob.get("sets", {}).items():
        scorers = entry["scorers"]
        parts.append(f"\n### `{set_name}` ({entry['n']} positives; model recall before any rewrite: "
                     f"{fmt(scorers['model']['recall_before']['any'])})\n\n")
        rows = []
        for rewrite, m in scorers["model"]["rewrites"].items():
            row = [rewrite, pct(m["changed_share"]), m["recall_before"], m["recall_after"],
                   fmt(m["drop_points"], 1), m["meets_target"]]
            for other in ("tfidf", "keywords"):
                o = scorers.get(other, {}).get("rewrites", {}).get(rewrite)
                row += [f"{fmt(o['recall_before'])} → {fmt(o['recall_after'])}" if o else "–"]
            rows.append(row)
        parts.append(table(["rewrite", "changed", "model before", "model after", "drop (points)", "within target",
                            "tfidf before → after", "keywords before → after"], rows))
    example = rob.get("example")
    if example:
        parts.append("\nWhat each rewrite does, on a neutral sentence:\n\n")
        parts.append(table(["rewrite", "text"], [[k, f"`{v}`"] for k, v in example.items()]))
    if report.get("plots", {}).get("robustness"):
        parts.append(f"\n![Robustness]({report['plots']['robustness']})\n")
    return parts


def _speed_md(report: dict) -> list[str]:
    speed = report.get("speed")
    if not speed or "stages" not in speed:
        return []
    parts = ["## Speed and memory (one core; measured, never asserted)\n"]
    stages = speed["stages"]
    rows = [[name, s["messages"], s["seconds"], f"{s['per_second']:,.0f}", fmt(s["per_second"] / stages["tokenizer"]["per_second"], 3)]
            for name, s in stages.items()]
    parts.append(f"{speed['messages']} varied messages (mean {speed['mean_chars']} characters), batches of "
                 f"{speed['batch_size']}, pinned to core {speed.get('core')}.\n\n")
    parts.append(table(["stage", "messages", "seconds", "messages/s", "× tokenizer"], rows))
    parts.append(f"\n**Full path / tokenizer = {speed['ratio_full_to_tokenizer']:.3f}** (target ≥ {speed['target_ratio']}: "
                 f"{'met' if speed['meets_target'] else '**not met**'}).\n\n")
    rss = speed["rss_mb"]
    rows = [["model load time", f"{speed['load_seconds']:.2f} s"],
            ["artifact size", f"{speed['artifact']['total_mb']:.1f} MB ({', '.join(f'{k} {v:.2f} MB' for k, v in speed['artifact']['files_mb'].items() if v >= 0.01)})"],
            ["RSS at start / after load", f"{rss['start']} / {rss['after_load']} MB"],
            ["RSS peak while scoring / at end", f"{rss['peak_while_scoring']} / {rss['end']} MB"],
            ["process peak RSS (ru_maxrss)", f"{speed['ru_maxrss_mb']:.1f} MB"],
            ["Python heap peak (tracemalloc, " + str(speed["tracemalloc_batches"]) + " batches)", f"{speed['tracemalloc_peak_mb']:.1f} MB"]]
    train = speed.get("train")
    if train:
        state = "ok" if train["returncode"] == 0 else f"**failed (exit {train['returncode']})**"
        rows.append([f"training on {train['config']}", f"{train['wall_seconds']} s wall, peak RSS {train['peak_rss_mb']} MB ({state})"])
    parts.append(table(["what", "value"], rows))
    if report.get("plots", {}).get("throughput"):
        parts.append(f"\n![Throughput per stage]({report['plots']['throughput']})\n")
    profile = speed.get("profile")
    if profile:
        parts.append(f"\n### What limits it: cProfile of the full path ({profile['messages']} messages)\n\n"
                     "Top 15 by cumulative time (time in the function and everything it calls):\n\n")
        parts.append(table(["function", "calls", "own s", "cumulative s"],
                           [[f"`{r['function']}`", r["calls"], r["own_s"], r["cumulative_s"]] for r in profile["top_cumulative"]]))
        parts.append("\nTop 10 by own time (where the CPU actually goes):\n\n")
        parts.append(table(["function", "calls", "own s", "cumulative s"],
                           [[f"`{r['function']}`", r["calls"], r["own_s"], r["cumulative_s"]] for r in profile["top_own"]]))
    return parts


def _load_md(report: dict) -> list[str]:
    load = report.get("load")
    if not load:
        return []
    parts = ["## HTTP load (`signals serve` on 127.0.0.1, asyncio httpx client)\n"]
    if load.get("skipped"):
        return parts + [f"Skipped: {load['skipped']}\n"]
    if load.get("error"):
        parts.append(f"**Failed:** {load['error']}\n\n")
    if load.get("levels"):
        parts.append(f"{load['seconds_per_level']:g} s per level; server ready after {load.get('ready_seconds')} s.\n\n")
        rows = [[lv["shape"], lv["concurrency"], lv["requests"]] + [fmt(lv[k], 1) for k in
                 ("requests_per_s", "messages_per_s", "p50_ms", "p95_ms", "p99_ms")]
                + [lv["errors"] if not lv["errors"] else f"**{lv['errors']}** {lv['error_kinds']}"]
                for lv in load["levels"]]
        parts.append(table(["request", "concurrency", "requests", "req/s", "messages/s", "p50 ms", "p95 ms", "p99 ms", "errors"], rows))
        rss = load.get("server_rss_mb", {})
        parts.append(f"\nServer RSS: {rss.get('ready')} MB when ready, {rss.get('start')} MB after warm-up, "
                     f"{rss.get('end')} MB at the end (growth {rss.get('growth')} MB). Errors in total: "
                     f"{load.get('errors_total')} (target 0).\n")
    if load.get("server_log_tail"):
        parts.append("\nServer log (tail):\n\n```\n" + "\n".join(load["server_log_tail"]) + "\n```\n")
    if report.get("plots", {}).get("latency"):
        parts.append(f"\n![Latency percentiles]({report['plots']['latency']})\n")
    return parts


def render(report: dict) -> str:
    meta = report["meta"]
    model = meta["model"]
    quick = "**--quick** (smoke-test sizes); " if meta["quick"] else ""
    parts = [(f"# signals benchmark report\n\nModel `{model['name']}` {model['version']} (sha256 `{model['sha256'][:16]}…`) "
              f"from `{meta['model_dir']}`; {meta['started']}; {quick}"
              f"{meta['elapsed_seconds']:.0f} s on {meta['cpus']} CPUs, Python {meta['python']}.\n")]
    if meta.get("failed_sections"):
        parts.append(f"\n**Sections that failed:** {', '.join(meta['failed_sections'])} (see report.json).\n")
    parts.append("\n## Headline\n\n```json\n" + json.dumps(report.get("headline", {}), indent=1, ensure_ascii=False)
                 + "\n```\n")
    if meta.get("notes"):
        parts.append("\nNotes:\n\n" + "".join(f"- {n}\n" for n in meta["notes"]))
    parts.append("\n" + HOW_TO_READ.format(
        precision_target=report.get("accuracy", {}).get("precision_target", "0.9"),
        target_drop=report.get("robustness", {}).get("target_drop_points", 10),
        target_ratio=report.get("speed", {}).get("target_ratio", 0.25)))
    for section in (_accuracy_md, _robustness_md, _speed_md, _load_md):
        parts += ["\n\n"] + section(report)
    return re.sub(r"\n{3,}", "\n\n", "".join(parts)).strip() + "\n"


def main(argv: list[str] | None = None) -> int:
    """Re-render ``report.md`` from a ``report.json`` (e.g. after editing this module)."""
    import argparse
    from pathlib import Path

    parser = argparse.ArgumentParser(description="Render report.md from report.json.")
    parser.add_argument("report_json", type=Path)
    args = parser.parse_args(argv)
    report = json.loads(args.report_json.read_text(encoding="utf-8"))
    (args.report_json.parent / "report.md").write_text(render(report), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
