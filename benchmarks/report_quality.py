"""Markdown for the quality sections: accuracy and baselines, robustness, leave-writer-out, the sealed
test set and conversations."""

from __future__ import annotations

from benchmarks.report import counted, fmt, interval, pct, table
from signals.model.conversation import describe_length_points

SCORERS = ("model", "tfidf", "keywords")


def failed(report: dict, key: str, title: str) -> list[str] | None:
    entry = report.get(key)
    if entry is None:
        return []
    if "error" in entry and len(entry) == 1:
        return [f"## {title}\n\n**Failed:** `{entry['error']}`\n"]
    if "skipped" in entry:
        return [f"## {title}\n\nSkipped: {entry['skipped']}\n"]
    return None


def image(report: dict, key: str, caption: str) -> str:
    name = report.get("plots", {}).get(key)
    return f"\n![{caption}]({name})\n\n*{caption}.*\n" if name else ""


def category_rows(entries: dict[str, dict], categories: list[str]) -> list[list]:
    """entries: scorer → message_metrics; one row per category and scorer."""
    rows = []
    for category in categories:
        for scorer, entry in entries.items():
            e = entry.get("categories", {}).get(category)
            if e is not None:
                rows.append([category if scorer == next(iter(entries)) else "", scorer, e.get("support"), e.get("precision"),
                             e.get("recall"), e.get("f1"), e.get("pr_auc"), e.get("ece") if scorer != "keywords" else None])
    return rows


def negatives_md(entry: dict) -> str:
    by_type = entry.get("flag_rate_by_negative_type") or {}
    rows = [["all negatives", pct(entry.get("flag_rate_negatives"))], ["hard negatives", pct(entry.get("flag_rate_hard_negative"))],
            ["benign", pct(entry.get("flag_rate_benign"))]] + [[f"negative type `{t}`", pct(v)] for t, v in by_type.items()]
    return table(["negatives", "flagged"], rows)


def registers_md(entry: dict) -> str:
    registers = entry.get("registers")
    if not registers:
        return ""
    rows = [[reg, e["n"], e.get("recall_any"), counted(e, "recall_any"), pct(e.get("flag_rate_negatives")),
             counted(e, "flag_rate_negatives")] for reg, e in registers.items()]
    gap = entry.get("register_gap", {})
    intervals = gap.get("intervals") or {}
    rows.append(["**gap (max − min)**", "", gap.get("recall_any_max_minus_min"), interval(intervals.get("recall_any")),
                 pct(gap.get("flag_rate_max_minus_min")), interval(intervals.get("flag_rate"))])
    buckets = entry.get("length_buckets", {})
    rows += [[f"length {b}", e["n"], e.get("recall_any"), counted(e, "recall_any"), pct(e.get("flag_rate_negatives")),
              counted(e, "flag_rate_negatives")] for b, e in buckets.items()]
    return ("Registers and message lengths (model). Counts with 95 % intervals (Wilson; for the gap, Newcombe's "
            "interval of the difference): a gap whose interval holds 0 is within what chance allows on a set this "
            "size.\n" + table(["slice", "n", "recall (any)", "caught of positives (95 %)", "flag rate negatives",
                                "flagged of negatives (95 %)"], rows))


def accuracy_md(report: dict) -> list[str]:
    early = failed(report, "accuracy", "Accuracy")
    if early is not None:
        return early
    accuracy, baselines = report["accuracy"], report.get("baselines", {})
    categories = accuracy.get("categories", [])
    parts = ["## 1. Accuracy on the development sets\n"]
    for set_name, model_entry in accuracy.get("messages", {}).items():
        entries = {"model": model_entry}
        entries.update({s: baselines[s]["messages"][set_name] for s in ("tfidf", "keywords")
                        if set_name in baselines.get(s, {}).get("messages", {})})
        parts.append(f"\n### Messages: `{set_name}` ({model_entry['n']} messages)\n")
        parts.append(table(["category", "scorer", "support", "precision", "recall", "F1", "PR-AUC", "ECE"],
                           category_rows(entries, categories)))
        parts.append("Negatives flagged (model; lower is better). Baselines: "
                     + ", ".join(f"{s} {pct(e.get('flag_rate_hard_negative'))} hard / {pct(e.get('flag_rate_benign'))} benign"
                                 for s, e in entries.items() if s != "model") + ".\n")
        parts.append(negatives_md(model_entry))
        parts.append(registers_md(model_entry))
        confusion = model_entry.get("confusion")
        if confusion:
            rows = [[f"{a} (n={e['n']})"] + [pct(e["flagged_as"][b]) for b in categories] for a, e in confusion.items()]
            parts.append("Confusion (model): row = labelled category, column = share flagged as that category:\n")
            parts.append(table(["labelled \\ flagged as"] + categories, rows))
    if "error" in baselines:
        parts.append(f"\nBaselines failed: `{baselines['error']}`\n")
    corpora = accuracy.get("corpora_test", {})
    if corpora:
        parts.append("\n### Real corpora (test split): flag rates (every flag is a false positive)\n")
        rows = [[name, e["n"], pct(e["flag_rate"])] + [pct(e["per_category"][c]) for c in categories]
                + [pct(baselines.get(s, {}).get("corpora_test", {}).get(name, {}).get("flag_rate")) for s in ("tfidf", "keywords")]
                for name, e in corpora.items()]
        parts.append(table(["corpus", "n", "model"] + [f"model: {c}" for c in categories] + ["tfidf", "keywords"], rows))
    parts.append(image(report, "pr_curves", "Precision–recall per category: model (solid), TF-IDF (dashed), keywords (×)"))
    parts.append(image(report, "reliability", "Reliability of the message scores (model)"))
    training = baselines.get("tfidf", {}).get("training")
    if training:
        parts.append(f"\nTF-IDF baseline: trained on {training['handwritten']} hand-written messages of "
                     f"{len(training['writers'])} writers (fitted on {training['rows_fit']}, thresholds for the model's precision "
                     f"targets on {training['rows_threshold']} of other writers), {training['fit_seconds']} s.\n")
    return parts


def robustness_md(report: dict) -> list[str]:
    early = failed(report, "robustness", "Robustness to evasive rewrites")
    if early is not None:
        return early
    rob = report["robustness"]
    parts = [f"## Robustness to evasive rewrites (target: ≤ {rob['target_drop_points']:g} points recall drop)\n\n"]
    parts += [f"- {note}\n" for note in rob.get("notes", [])]
    for set_name, entry in rob.get("sets", {}).items():
        scorers = entry["scorers"]
        parts.append(f"\n### `{set_name}` ({entry['n']} positives; model recall before any rewrite: "
                     f"{fmt(scorers['model']['recall_before']['any'])})\n")
        rows = []
        for rewrite, m in scorers["model"]["rewrites"].items():
            row = [rewrite, pct(m["changed_share"], 0), m["recall_before"], m["recall_after"], fmt(m["drop_points"], 1), m["meets_target"]]
            for other in ("tfidf", "keywords"):
                o = scorers.get(other, {}).get("rewrites", {}).get(rewrite)
                row.append(f"{fmt(o['recall_before'])} → {fmt(o['recall_after'])}" if o else "–")
            rows.append(row)
        parts.append(table(["rewrite", "changed", "model before", "model after", "drop (points)", "within target",
                            "tfidf before → after", "keywords before → after"], rows))
        context = scorers["model"].get("context", {})
        if context:
            parts.append("Not an evasion, no target: the positive beside an ordinary line in the same message "
                         "(\"haha ja was echt leuk vandaag. …\"). Every n-gram vector has unit length, so the "
                         "everyday line dilutes the harmful one.\n")
            rows = [[name, m["recall_before"], m["recall_after"], fmt(m["drop_points"], 1)]
                    + [f"{fmt(o['recall_before'])} → {fmt(o['recall_after'])}" if (o := scorers.get(other, {}).get("context", {}).get(name))
                       else "–" for other in ("tfidf", "keywords")] for name, m in context.items()]
            parts.append(table(["in the message", "model before", "model after", "drop (points)",
                                "tfidf before → after", "keywords before → after"], rows))
    parts.append(image(report, "robustness", "Recall on rewritten positives"))
    return parts


def writers_md(report: dict) -> list[str]:
    early = failed(report, "leave_writer_out", "2. Leave-writer-out (from the model's metrics.json)")
    if early is not None:
        return early
    lwo = report["leave_writer_out"]
    parts = [(f"## 2. Leave-writer-out (from the model's metrics.json, {lwo.get('n')} hand-written messages)\n\n"
              "Each writer's messages scored by fold models that never saw that writer. Issue 10: F1 at or above the "
              f"target, and precision within {lwo['tolerance']} of the category's stated precision target.\n")]
    rows = [[c, e["support"], e["precision"], e["recall"], e["f1"], e["pr_auc"], e["f1_target"], e["meets_f1_target"],
             lwo["precision_reached"][c]["target"], fmt(lwo["precision_reached"][c]["gap"]),
             lwo["precision_reached"][c]["within_tolerance"]]
            for c, e in lwo["categories"].items()]
    parts.append(table(["category", "support", "precision", "recall", "F1", "PR-AUC", "F1 target", "F1 met",
                        "precision target", "precision − target", f"within {lwo['tolerance']}"], rows))
    parts.append(f"Hard negatives flagged {pct(lwo.get('flag_rate_hard_negative'))}, benign {pct(lwo.get('flag_rate_benign'))}; "
                 + ", ".join(f"`{t}` {pct(v)}" for t, v in lwo.get("flag_rate_by_negative_type", {}).items()) + ".\n")
    writers = lwo.get("writers", {})
    if writers:
        categories = list(lwo["categories"])
        rows = [[w, e["n"]] + [e.get(f"recall_{c}") for c in categories] + [pct(e.get("flag_rate_negatives"))]
                for w, e in writers.items()]
        parts.append("\nRecall per writer (– : the writer wrote no positives of that category):\n")
        parts.append(table(["writer", "n"] + [f"recall {c}" for c in categories] + ["negatives flagged"], rows))
    return parts


def sealed_md(report: dict) -> list[str]:
    early = failed(report, "sealed", "3. Sealed test set")
    if early is not None:
        return early
    sealed = report["sealed"]
    source = (f"reused from `{sealed['cache']}`, scored {sealed['scored_at']} (not re-scored)" if sealed.get("reused")
              else f"scored now ({sealed['scored_at']}) and kept in `{sealed['cache']}`")
    sizes = sealed["sizes"]
    parts = [(f"## 3. Sealed test set ({sizes['messages']} messages, {sizes['conversations']} conversations)\n\n"
              f"**{sealed['note']}** This result was {source}.\n")]
    entry, targets = sealed["messages"], sealed["targets"]
    parts.append(table(["category", "scorer", "support", "precision", "recall", "F1", "PR-AUC", "ECE"],
                       category_rows({"model": entry}, list(entry["categories"]))))
    reached = entry.get("precision_reached", {})
    if reached:
        parts.append("Precision reached against each category's stated target: "
                     + ", ".join(f"{c} {fmt(e['precision'])} (target {e['target']}, {fmt(e['gap'], 3)})"
                                 for c, e in reached.items()) + ".\n")
    gap = entry.get("register_gap", {})
    rows = [["hard negatives flagged", pct(entry.get("flag_rate_hard_negative")), f"≤ {pct(targets['flag_rate_hard_negative'], 1)}"],
            ["awareness and advice texts flagged", pct(entry.get("flag_rate_awareness")), f"≤ {pct(targets['flag_rate_awareness'], 1)}"],
            ["benign flagged", pct(entry.get("flag_rate_benign")), f"≤ {pct(targets['flag_rate_benign'], 1)}"],
            ["register gap: recall", pct(gap.get("recall_any_max_minus_min"), 1), f"≤ {pct(targets['register_recall_gap'], 0)}"],
            ["register gap: negatives flagged", pct(gap.get("flag_rate_max_minus_min"), 1), f"≤ {pct(targets['register_flag_rate_gap'], 0)}"]]
    intervals = gap.get("intervals") or {}
    rows[-2].append(interval(intervals.get("recall_any")))
    rows[-1].append(interval(intervals.get("flag_rate")))
    for row in rows[:-2]:
        row.append("")
    parts.append(table(["what", "sealed", "target (issue 10)", "95 % interval"], rows))
    parts.append(negatives_md(entry))
    parts.append(registers_md(entry))
    parts.append("Sealed conversations and sealed long threads: see the conversations section.\n")
    return parts


def conversations_md(report: dict) -> list[str]:
    early = failed(report, "conversations", "4. Conversations")
    if early is not None:
        return early
    conv = report["conversations"]
    by_length = conv.get("by_length") or []
    thresholds = describe_length_points(by_length, fmt) if by_length else fmt(conv.get("threshold"))
    parts = [("## 4. Conversations (issue 9: risk must not grow with length)\n\n"
              f"Conversation thresholds by length: {thresholds}. Targets: benign flagged ≤ 2 % in every length "
              "bucket, recall ≥ 0.95, right suspect ≥ 0.95. `sealed_*` rows come from the sealed section (scored once "
              "per model).\n")]
    rows = []
    for name, e in conv.get("sets", {}).items():
        meets = e.get("meets", {})
        rows.append([name, e["n"], e["grooming"], e.get("max_turns"), e["precision"], e["recall"], e["f1"], e.get("roc_auc"),
                     pct(e.get("flag_rate_benign")), e.get("suspect_accuracy"), e.get("first_alert_relative_mean"),
                     fmt(e.get("alert_delay_turns_mean"), 1),
                     " / ".join(fmt(meets.get(k)) for k in ("benign_flagged_le_2pct_every_bucket", "recall_ge_0.95", "suspect_ge_0.95"))])
    parts.append(table(["set", "n", "grooming", "max turns", "precision", "recall", "F1", "ROC-AUC", "benign flagged",
                        "right suspect", "first alert (share of length)", "alert delay (turns)",
                        "met: buckets / recall / suspect"], rows))
    rows = [[name, bucket, b["benign"], b["grooming"], pct(b.get("flag_rate_benign")), counted(b, "flag_rate_benign"),
             b.get("recall"), b.get("roc_auc")]
            for name, e in conv.get("sets", {}).items() for bucket, b in e.get("length_buckets", {}).items()]
    parts.append("Per length bucket (turns). With a few dozen harmless chats in a bucket, one flag moves the rate by "
                 "several points: the 95 % interval (Wilson) says what the set can tell.\n"
                 + table(["set", "turns", "benign", "grooming", "benign flagged", "flagged of benign (95 %)", "recall",
                          "ROC-AUC"], rows))
    parts.append(image(report, "conversation_buckets", "Benign conversations flagged per length bucket"))
    parts.append(image(report, "conversation_reliability", "Reliability of conversation risk on held-out conversations"))
    return parts


def quality_parts(report: dict) -> list[str]:
    return ["".join(p) for p in (accuracy_md(report), robustness_md(report), writers_md(report), sealed_md(report),
                                  conversations_md(report)) if p]
