"""PNG plots for the report (matplotlib, Agg backend). Each function writes one file and returns its name."""

from __future__ import annotations

from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np
from sklearn.metrics import precision_recall_curve

from signals.taxonomy import CATEGORIES

COLOURS = ("tab:blue", "tab:orange", "tab:green", "tab:red", "tab:purple", "tab:brown")


def _save(fig, out_dir: Path, name: str) -> str:
    fig.tight_layout()
    fig.savefig(Path(out_dir) / name, dpi=110)
    plt.close(fig)
    return name


def pr_curves(model: dict, tfidf: dict, keywords: dict, out_dir: Path) -> str | None:
    """Per category: the model (solid) and the TF-IDF baseline (dashed) per set; keywords as an ×."""
    if not model:
        return None
    fig, axes = plt.subplots(1, len(CATEGORIES), figsize=(5 * len(CATEGORIES), 4.4), sharey=True)
    for c, (ax, category) in enumerate(zip(axes, CATEGORIES)):
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
        ax.set_title(category)
        ax.set_xlabel("recall")
        ax.set_xlim(0, 1.01)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("precision")
    axes[-1].legend(fontsize=7, loc="lower left")
    return _save(fig, out_dir, "pr_curves.png")


def reliability(messages_report: dict, out_dir: Path) -> str | None:
    """Observed frequency vs mean predicted probability per bin, per category, one line per set."""
    sets = {name: entry["reliability"] for name, entry in messages_report.items() if "reliability" in entry}
    if not sets:
        return None
    panels = list(CATEGORIES) + ["pooled"]
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.2), sharey=True)
    for ax, panel in zip(axes, panels):
        ax.plot([0, 1], [0, 1], color="grey", linestyle=":", label="perfect")
        for k, (name, table) in enumerate(sets.items()):
            rows = table.get(panel, [])
            if rows:
                ax.plot([r["predicted"] for r in rows], [r["observed"] for r in rows], marker="o",
                        color=COLOURS[k % len(COLOURS)], label=name)
        ax.set_title(panel)
        ax.set_xlabel("mean predicted probability")
        ax.set_xlim(0, 1)
        ax.set_ylim(0, 1.02)
        ax.grid(alpha=0.3)
    axes[0].set_ylabel("observed frequency")
    axes[-1].legend(fontsize=7, loc="upper left")
    return _save(fig, out_dir, "reliability.png")


def robustness_bars(robustness: dict, out_dir: Path) -> str | None:
    sets = robustness.get("sets", {})
    if not sets:
        return None
    fig, axes = plt.subplots(len(sets), 1, figsize=(11, 3.8 * len(sets)), squeeze=False)
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
        ax.set_ylim(0, 1.2)
        ax.set_yticks(np.linspace(0, 1, 6))
        ax.set_ylabel("recall (any true category)")
        ax.set_title(f"{set_name}: recall on rewritten positives ({entry['n']} positives)")
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=7, ncol=len(bars), loc="upper center")
    return _save(fig, out_dir, "robustness.png")


def latency(load: dict, out_dir: Path) -> str | None:
    levels = [lv for lv in load.get("levels", []) if lv.get("p50_ms") is not None]
    if not levels:
        return None
    shapes = sorted({lv["shape"] for lv in levels}, key=lambda s: [lv["shape"] for lv in levels].index(s))
    fig, axes = plt.subplots(1, len(shapes), figsize=(5.5 * len(shapes), 4.2), squeeze=False)
    for ax, shape in zip(axes[0], shapes):
        rows = [lv for lv in levels if lv["shape"] == shape]
        x = np.arange(len(rows))
        for k, pct in enumerate(("p50_ms", "p95_ms", "p99_ms")):
            ax.bar(x + (k - 1) * 0.27, [r[pct] for r in rows], 0.27, label=pct.replace("_ms", ""),
                   color=COLOURS[k])
        ax.set_xticks(x, [f"c={r['concurrency']}\n{r['requests_per_s']:.0f} req/s" for r in rows])
        ax.set_yscale("log")
        ax.set_ylabel("latency (ms, log scale)")
        ax.set_title(f"POST /v1/score, {shape}")
        ax.grid(axis="y", alpha=0.3, which="both")
        ax.legend(fontsize=8)
    return _save(fig, out_dir, "latency.png")


def throughput(speed: dict, out_dir: Path) -> str | None:
    stages = speed.get("stages")
    if not stages:
        return None
    labels = {"tokenizer": "spaCy tokenizer only", "preprocess": "+ normaliser, lemmas", "analyze": "+ tactic detectors",
              "full": "full path (score_messages)"}
    names = [s for s in labels if s in stages]
    fig, ax = plt.subplots(figsize=(8, 3))
    values = [stages[s]["per_second"] for s in names]
    ax.barh([labels[s] for s in names][::-1], values[::-1], color=COLOURS[0])
    for k, value in enumerate(values[::-1]):
        ax.text(value, k, f" {value:,.0f}", va="center", fontsize=8)
    target = speed.get("target_ratio")
    if target:
        ax.axvline(target * stages["tokenizer"]["per_second"], color="tab:red", linestyle="--",
                   label=f"target: {target:g} × tokenizer")
        ax.legend(fontsize=8, loc="lower right")
    ax.set_xlim(0, max(values) * 1.15)
    ax.set_xlabel("messages per second, one core")
    ax.grid(axis="x", alpha=0.3)
    return _save(fig, out_dir, "throughput.png")
