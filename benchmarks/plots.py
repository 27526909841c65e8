"""PNG plots for the report (matplotlib, Agg backend). Each function writes one file and returns its name."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import precision_recall_curve

COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown", "tab:pink", "tab:grey")


def _save(fig, out_dir: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(Path(out_dir) / name, dpi=100)
    plt.close(fig)
    return name


def pr_curves(model: dict, tfidf: dict, keywords: dict, categories: list[str], out_dir: Path) -> str | None:
    """Per category: the model (solid) and the TF-IDF baseline (dashed) per set; keywords as an ×."""
    if not model or not categories:
        return None
    fig, axes = plt.subplots(1, len(categories), figsize=(4.6 * len(categories), 4.2), sharey=True, squeeze=False)
    for c, (ax, category) in enumerate(zip(axes[0], categories)):
        for k, (name, preds) in enumerate(model.items()):
            y, colour = preds.Y[:, c], COLOURS[k % len(COLOURS)]
            if not y.sum() or y.all():
                continue
            precision, recall, _ = precision_recall_curve(y, preds.probas[:, c])
            ax.plot(recall, precision, color=colour, label=f"model · {name}")
            if name in tfidf:
                precision, recall, _ = precision_recall_curve(y, tfidf[name].probas[:, c])
                ax.plot(recall, precision, color=colour, linestyle="--", alpha=0.8, label=f"tf-idf · {name}")
            if name in keywords:
                hit = keywords[name].probas[:, c] >= 0.5
                if hit.any():
                    ax.scatter([y[hit].sum() / y.sum()], [y[hit].mean()], marker="x", color=colour, s=60,
                               label=f"keywords · {name}")
        ax.set(title=category, xlabel="recall", xlim=(0, 1.01), ylim=(0, 1.02))
        ax.grid(alpha=0.3)
    axes[0][0].set_ylabel("precision")
    axes[0][-1].legend(fontsize=7, loc="lower left")
    return _save(fig, out_dir, "pr_curves.png")


def _diagonal(ax, title: str, xlabel: str) -> None:
    ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect")
    ax.set(title=title, xlabel=xlabel, xlim=(0, 1), ylim=(0, 1.02))
    ax.grid(alpha=0.3)


def reliability(messages_report: dict, categories: list[str], out_dir: Path) -> str | None:
    """Observed frequency vs mean predicted probability per bin, per category, one line per set."""
    sets = {name: entry["reliability"] for name, entry in messages_report.items() if "reliability" in entry}
    if not sets:
        return None
    panels = list(categories) + ["pooled"]
    fig, axes = plt.subplots(1, len(panels), figsize=(3.8 * len(panels), 3.8), sharey=True)
    for ax, panel in zip(axes, panels):
        _diagonal(ax, panel, "mean predicted probability")
        for k, (name, table) in enumerate(sets.items()):
            rows = table.get(panel, [])
            if rows:
                ax.plot([r["predicted"] for r in rows], [r["observed"] for r in rows], marker="o",
                        color=COLOURS[k % len(COLOURS)], label=name)
    axes[0].set_ylabel("observed frequency")
    axes[-1].legend(fontsize=7, loc="upper left")
    return _save(fig, out_dir, "reliability.png")


def conversation_reliability(conversations: dict, out_dir: Path) -> str | None:
    """Conversation risk: observed share of grooming conversations per risk bin, one line per held-out set."""
    sets = {name: e["reliability"] for name, e in conversations.get("sets", {}).items() if e.get("reliability")}
    if not sets:
        return None
    fig, ax = plt.subplots(figsize=(5.5, 4.6))
    _diagonal(ax, "Conversation risk on held-out conversations", "mean predicted risk")
    pooled: dict[int, list[float]] = {}
    for k, (name, rows) in enumerate(sets.items()):
        ax.plot([r[0] for r in rows], [r[1] for r in rows], marker="o", color=COLOURS[k % len(COLOURS)], alpha=0.45,
                linewidth=1, label=f"{name} (n={sum(r[2] for r in rows)})")
        for predicted, observed, n in rows:  # a bin's mean lies inside the bin: its index is recoverable
            acc = pooled.setdefault(min(int(predicted * 10), 9), [0.0, 0.0, 0])
            acc[0], acc[1], acc[2] = acc[0] + predicted * n, acc[1] + observed * n, acc[2] + n
    bins = [pooled[b] for b in sorted(pooled)]
    ax.plot([p / n for p, _, n in bins], [o / n for _, o, n in bins], marker="s", color="black", linewidth=2,
            label=f"all sets pooled (n={sum(n for *_, n in bins)})")
    ax.set_ylabel("observed share grooming")
    ax.legend(fontsize=7, loc="upper left")
    return _save(fig, out_dir, "conversation_reliability.png")


def conversation_buckets(conversations: dict, out_dir: Path) -> str | None:
    """Benign conversations flagged per length bucket, per set (issue 9: ≤ 2 % in every bucket)."""
    sets = conversations.get("sets", {})
    buckets = sorted({b for e in sets.values() for b in e.get("length_buckets", {})}, key=lambda b: int(b.split("-")[0].rstrip("+")))
    if not buckets:
        return None
    fig, ax = plt.subplots(figsize=(8, 3.8))
    width = 0.8 / max(1, len(sets))
    x = np.arange(len(buckets))
    for k, (name, entry) in enumerate(sets.items()):
        values = [(entry.get("length_buckets", {}).get(b) or {}).get("flag_rate_benign") for b in buckets]
        ax.bar(x + (k - (len(sets) - 1) / 2) * width, [100 * (v or 0) for v in values], width, label=name,
               color=COLOURS[k % len(COLOURS)])
    ax.axhline(2.0, color="tab:red", linestyle="--", label="target 2 %")
    ax.set_xticks(x, [f"{b} turns" for b in buckets])
    ax.set_ylabel("benign conversations flagged (%)")
    ax.grid(axis="y", alpha=0.3)
    ax.legend(fontsize=7)
    return _save(fig, out_dir, "conversation_buckets.png")


def robustness_bars(robustness: dict, out_dir: Path) -> str | None:
    sets = robustness.get("sets", {})
    if not sets:
        return None
    fig, axes = plt.subplots(len(sets), 1, figsize=(11, 3.6 * len(sets)), squeeze=False)
    for ax, (set_name, entry) in zip(axes[:, 0], sets.items()):
        scorers = entry["scorers"]
        rewrites = list(next(iter(scorers.values()))["rewrites"])
        x = np.arange(len(rewrites))
        bars = [("model, before", "model", "recall_before", "lightgrey")]
        bars += [(f"{name}, after", name, "recall_after", COLOURS[k % len(COLOURS)]) for k, name in enumerate(scorers)]
        width = 0.8 / len(bars)
        for k, (label, scorer, key, colour) in enumerate(bars):
            values = [scorers[scorer]["rewrites"][r][key] or 0.0 for r in rewrites]
            ax.bar(x + (k - (len(bars) - 1) / 2) * width, values, width, label=label, color=colour)
        ax.set_xticks(x, rewrites)
        ax.set(ylim=(0, 1.2), ylabel="recall (any true category)",
               title=f"{set_name}: recall on rewritten positives ({entry['n']} positives)")
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, ncol=len(bars), loc="upper center")
    return _save(fig, out_dir, "robustness.png")


def conversation_cost(cost: dict, out_dir: Path) -> str | None:
    lengths = cost.get("lengths", {})
    if not lengths:
        return None
    fig, ax = plt.subplots(figsize=(6, 3.4))
    names = list(lengths)
    values = [lengths[n]["turns_per_s"] for n in names]
    ax.bar([f"{n} turns" for n in names], values, color=COLOURS[0])
    for k, value in enumerate(values):
        ax.text(k, value, f"{value:,.0f}", ha="center", va="bottom", fontsize=8)
    ax.set_ylabel("turns per second (one conversation per call)")
    ax.grid(axis="y", alpha=0.3)
    return _save(fig, out_dir, "conversation_cost.png")


def throughput(speed: dict, out_dir: Path) -> str | None:
    processes, stages = speed.get("processes", {}), speed.get("stages", {}).get("stages", {})
    if not processes:
        return None
    fig, (left, right) = plt.subplots(1, 2, figsize=(12, 3.4))
    names = [n for n in ("tokenizer", "score_workers_1", "score_default") if n in processes]
    values = [processes[n]["messages_per_s"] for n in names]
    left.barh(names[::-1], values[::-1], color=COLOURS[0])
    for k, value in enumerate(values[::-1]):
        left.text(value, k, f" {value:,.0f}", va="center", fontsize=8)
    target = speed.get("target_ratio")
    if target and "tokenizer" in processes:
        left.axvline(target * processes["tokenizer"]["messages_per_s"], color="tab:red", linestyle="--",
                     label=f"target: {target:g} × tokenizer")
        left.legend(fontsize=8, loc="lower right")
    left.set(xlim=(0, max(values) * 1.2), xlabel=f"messages/s, whole process, {speed.get('messages')} messages")
    parts = [n for n, s in stages.items() if "share" in s]
    if parts:
        right.barh(parts[::-1], [stages[n]["us_per_message"] for n in parts][::-1], color=COLOURS[1])
        right.set_xlabel("µs per message, one core (stage breakdown)")
    for ax in (left, right):
        ax.grid(axis="x", alpha=0.3)
    return _save(fig, out_dir, "throughput.png")


def latency(load: dict, out_dir: Path) -> str | None:
    levels = [lv for lv in load.get("levels", []) if lv.get("p50_ms") is not None]
    if not levels:
        return None
    fig, ax = plt.subplots(figsize=(10, 4))
    x = np.arange(len(levels))
    for k, pct in enumerate(("p50_ms", "p95_ms", "p99_ms")):
        ax.bar(x + (k - 1) * 0.27, [lv[pct] for lv in levels], 0.27, label=pct.replace("_ms", ""), color=COLOURS[k])
    ax.set_xticks(x, [f"{lv['server']} {lv['shape']}\nc={lv['concurrency']}{' cold' if lv.get('cold') else ''}\n"
                      f"{lv['requests_per_s']:.0f} req/s" for lv in levels], fontsize=7)
    ax.set_yscale("log")
    ax.set_ylabel("latency (ms, log scale)")
    ax.grid(axis="y", alpha=0.3, which="both")
    ax.legend(fontsize=8)
    return _save(fig, out_dir, "latency.png")


def jobs(report: dict, accuracy, baselines, out: Path) -> dict:
    """name → a function that draws that plot from the report (and the in-memory predictions)."""
    categories = report.get("accuracy", {}).get("categories", [])
    return {
        "pr_curves": lambda: pr_curves(accuracy.predictions if accuracy else {},
                                       baselines.predictions.get("tfidf", {}) if baselines else {},
                                       baselines.predictions.get("keywords", {}) if baselines else {}, categories, out),
        "reliability": lambda: reliability(report.get("accuracy", {}).get("messages", {}), categories, out),
        "conversation_reliability": lambda: conversation_reliability(report.get("conversations", {}), out),
        "conversation_buckets": lambda: conversation_buckets(report.get("conversations", {}), out),
        "robustness": lambda: robustness_bars(report.get("robustness", {}), out),
        "conversation_cost": lambda: conversation_cost(report.get("conversation_cost", {}), out),
        "throughput": lambda: throughput(report.get("speed", {}), out),
        "latency": lambda: latency(report.get("load", {}), out),
    }
