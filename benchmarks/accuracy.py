"""Accuracy of the model on the development message sets, through the metrics ``make train`` uses.

On top of ``signals.evaluation.message_metrics`` (P/R/F1, ROC-AUC, PR-AUC, ECE, flag rates by kind
and negative type, register and length gaps) this adds what a reviewer's queue depends on:
confusion between categories and reliability bins for the plots. Corpus flag rates are on the
corpora's ``test`` split and on unlabelled ``--extra`` files.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from training.data_sources import MessageSet

from benchmarks.sets import EvalSets, label_matrix, messages_of
from signals.evaluation import corpus_flag_rate, flagged, message_metrics
from signals.model.targets import precision_targets
from signals.service import ScoringService

RELIABILITY_BINS = 10


@dataclass
class Predictions:
    """Labels and scores of one labelled set, kept in memory for baselines and plots."""

    Y: np.ndarray
    probas: np.ndarray


@dataclass
class AccuracyResult:
    report: dict = field(default_factory=dict)
    predictions: dict[str, Predictions] = field(default_factory=dict)


def category_confusion(Y: np.ndarray, probas: np.ndarray, thresholds: dict[str, float],
                       categories: Sequence[str]) -> dict:
    """For positives of category A that are not labelled B: how often B is flagged (diagonal: recall of A)."""
    hits = flagged(probas, thresholds, categories)
    out: dict = {}
    for a, cat_a in enumerate(categories):
        row: dict = {}
        for b, cat_b in enumerate(categories):
            rows = (Y[:, a] == 1) if a == b else (Y[:, a] == 1) & (Y[:, b] == 0)
            row[cat_b] = float(hits[rows, b].mean()) if rows.any() else None
        out[cat_a] = {"n": int((Y[:, a] == 1).sum()), "flagged_as": row}
    return out


def reliability_bins(Y: np.ndarray, probas: np.ndarray, categories: Sequence[str],
                     bins: int = RELIABILITY_BINS) -> dict:
    """Per category (and pooled): mean predicted probability vs observed frequency per bin."""
    edges = np.linspace(0, 1, bins + 1)

    def table(y: np.ndarray, p: np.ndarray) -> list[dict]:
        index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
        return [{"lo": float(edges[b]), "hi": float(edges[b + 1]), "n": int((index == b).sum()),
                 "predicted": float(p[index == b].mean()), "observed": float(y[index == b].mean())}
                for b in range(bins) if (index == b).any()]

    out = {c: table(Y[:, i], probas[:, i]) for i, c in enumerate(categories)}
    out["pooled"] = table(Y.ravel(), probas.ravel())
    return out


def messages_report(ms: MessageSet, probas: np.ndarray, thresholds: dict[str, float],
                    categories: Sequence[str], extras: bool = True) -> dict:
    """``message_metrics`` with the set's metadata (kind, register, negative type, length), and
    (``extras``) the confusion table and reliability bins."""
    Y = label_matrix(ms.records, tuple(categories))
    has = {key: any(key in r for r in ms.records) for key in ("kind", "register", "negative_type")}
    report = message_metrics(
        Y, probas, thresholds, categories,
        kinds=ms.column("kind") if has["kind"] else None,
        # a line without a register is in no register's row (as `signals evaluate` reads it)
        registers=[r.get("register") for r in ms.records] if has["register"] else None,
        negative_types=[r.get("negative_type") for r in ms.records] if has["negative_type"] else None,
        texts=ms.texts)
    if extras:
        report["confusion"] = category_confusion(Y, probas, thresholds, categories)
        report["reliability"] = reliability_bins(Y, probas, categories)
    return report


def run_accuracy(service: ScoringService, sets: EvalSets, log=print) -> AccuracyResult:
    result = AccuracyResult()
    thresholds, categories = service.thresholds, service.categories
    result.report["categories"] = list(categories)
    result.report["thresholds"] = dict(thresholds)
    result.report["precision_targets"] = precision_targets(service.model.thresholds["messages"])
    result.report["messages"] = {}
    for name, ms in sets.messages.items():
        log(f"accuracy: scoring {name} ({len(ms)} messages)")
        probas = service.message_probabilities(messages_of(ms))[1]
        result.predictions[name] = Predictions(label_matrix(ms.records, categories), probas)
        result.report["messages"][name] = messages_report(ms, probas, thresholds, categories)
    result.report["corpora_test"] = {}
    for corpus in sets.corpora:
        log(f"accuracy: flag rate on corpus {corpus.name} ({len(corpus.texts)} test rows)")
        result.report["corpora_test"][corpus.name] = corpus_flag_rate(service.score_texts(corpus.texts), thresholds,
                                                                      categories)
    for name, ms in sets.unlabelled.items():
        log(f"accuracy: flag rate on unlabelled {name} ({len(ms)} messages)")
        result.report["corpora_test"][name] = corpus_flag_rate(service.score_texts(ms.texts), thresholds, categories)
    return result
