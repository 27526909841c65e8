"""Accuracy of the model on every evaluation set, through the metrics ``make train`` uses.

On top of ``training.evaluate`` (P/R/F1/PR-AUC/ECE, flag rates, register gaps) this adds what a
reviewer's queue depends on: confusion between categories and reliability bins for the plots.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from training.data_sources import MessageSet
from training.evaluate import conversation_metrics, corpus_flag_rate, flagged, message_metrics

from benchmarks.sets import EvalSets
from signals.service import Conversation, ScoringService, Turn
from signals.taxonomy import CATEGORIES

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


def category_confusion(Y: np.ndarray, probas: np.ndarray, thresholds: dict[str, float]) -> dict:
    """For positives of category A that are not labelled B: how often B is flagged (diagonal: recall of A)."""
    hits = flagged(probas, thresholds)
    out: dict = {}
    for a, cat_a in enumerate(CATEGORIES):
        row: dict = {}
        for b, cat_b in enumerate(CATEGORIES):
            rows = (Y[:, a] == 1) if a == b else (Y[:, a] == 1) & (Y[:, b] == 0)
            row[cat_b] = float(hits[rows, b].mean()) if rows.any() else None
        out[cat_a] = {"n": int((Y[:, a] == 1).sum()), "flagged_as": row}
    return out


def reliability_bins(Y: np.ndarray, probas: np.ndarray, bins: int = RELIABILITY_BINS) -> dict:
    """Per category (and pooled): mean predicted probability vs observed frequency per bin."""
    edges = np.linspace(0, 1, bins + 1)

    def table(y: np.ndarray, p: np.ndarray) -> list[dict]:
        index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
        rows = []
        for b in range(bins):
            mask = index == b
            if mask.any():
                rows.append({"lo": float(edges[b]), "hi": float(edges[b + 1]), "n": int(mask.sum()),
                             "predicted": float(p[mask].mean()), "observed": float(y[mask].mean())})
        return rows

    out = {c: table(Y[:, i], probas[:, i]) for i, c in enumerate(CATEGORIES)}
    out["pooled"] = table(Y.ravel(), probas.ravel())
    return out


def messages_report(ms: MessageSet, probas: np.ndarray, thresholds: dict[str, float]) -> dict:
    kinds = ms.column("kind") if any("kind" in r for r in ms.records) else None
    registers = ms.column("register", "standard") if any("register" in r for r in ms.records) else None
    report = message_metrics(ms.labels, probas, thresholds, kinds, registers)
    report["confusion"] = category_confusion(ms.labels, probas, thresholds)
    report["reliability"] = reliability_bins(ms.labels, probas)
    return report


def as_conversations(convs: list[dict]) -> list[Conversation]:
    return [Conversation(str(c["id"]), tuple(Turn(str(t["speaker"]), t["text"]) for t in c["turns"])) for c in convs]


def run_accuracy(service: ScoringService, sets: EvalSets, log=print) -> AccuracyResult:
    result = AccuracyResult()
    thresholds = service.thresholds
    result.report["thresholds"] = dict(thresholds)
    result.report["messages"] = {}
    for name, ms in sets.messages.items():
        log(f"accuracy: scoring {name} ({len(ms)} messages)")
        probas = service.score_texts(ms.texts)
        result.predictions[name] = Predictions(ms.labels, probas)
        result.report["messages"][name] = messages_report(ms, probas, thresholds)
    result.report["conversations"] = {}
    for name, convs in sets.conversations.items():
        log(f"accuracy: scoring {name} ({len(convs)} conversations)")
        results = service.score_conversations(as_conversations(convs))
        result.report["conversations"][name] = conversation_metrics(convs, results)
    result.report["corpora_test"] = {}
    for corpus in sets.corpora:
        log(f"accuracy: flag rate on corpus {corpus.name} ({len(corpus.texts)} test rows)")
        result.report["corpora_test"][corpus.name] = corpus_flag_rate(service.score_texts(corpus.texts), thresholds)
    for name, ms in sets.unlabelled.items():
        log(f"accuracy: flag rate on unlabelled {name} ({len(ms)} messages)")
        result.report["corpora_test"][name] = corpus_flag_rate(service.score_texts(ms.texts), thresholds)
    return result
