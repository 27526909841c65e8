"""Two baselines scored on the same message sets as the model, so its numbers have something to stand next to.

- ``keywords``: a short list of obvious Dutch words per category; a message is flagged for a
  category if any of them starts a word of the (lower-cased) message. No normalisation.
- ``tfidf``: plain word TF-IDF + one logistic regression per category (scikit-learn as it comes),
  WITHOUT the Dutch preprocessing (no normaliser, no lemmas, no tactic features). It is trained on
  the hand-written training messages of the writers the model was trained on (no noisy copies, no
  corpora, no conversations); its threshold per category is the lowest one reaching the model's
  precision target on a writer-disjoint 20 % of them.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit
from training.data_sources import MessageSet, handwritten

from benchmarks.accuracy import Predictions, category_confusion, messages_report
from benchmarks.sets import EvalSets, label_matrix
from signals.evaluation import corpus_flag_rate
from signals.model.thresholds import threshold_for_precision

KEYWORDS: dict[str, tuple[str, ...]] = {
    "recruitment": ("loverboy", "makkelijk geld", "snel geld", "escort", "modellenwerk", "hostess",
                    "ik regel het wel", "vertel het aan niemand", "niemand hoeft", "ik haal je op", "hoe oud ben je"),
    "sextortion": ("naaktfoto", "betaal", "cadeaubon", "giftcard", "bitcoin", "crypto", "verspreid",
                   "doorsturen", "online zetten", "iedereen gaat", "anders stuur ik"),
    "disclosure": ("chantage", "gechanteerd", "bedreigt me", "hij dwingt", "ik word gedwongen", "ik durf het niet",
                   "wat moet ik doen", "ik ben bang", "hij wil dat ik", "onder druk"),
}


class KeywordBaseline:
    name = "keywords"

    def __init__(self, categories: tuple[str, ...], keywords: dict[str, tuple[str, ...]] = KEYWORDS) -> None:
        self.categories = categories
        self.patterns = {c: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in keywords[c]) + ")")
                         for c in categories if keywords.get(c)}
        self.thresholds = {c: 0.5 for c in categories}

    def score_texts(self, texts: list[str]) -> np.ndarray:
        out = np.zeros((len(texts), len(self.categories)))
        for i, text in enumerate(texts):
            lowered = text.lower()
            for c, category in enumerate(self.categories):
                pattern = self.patterns.get(category)
                out[i, c] = float(bool(pattern and pattern.search(lowered)))
        return out


class TfidfBaseline:
    name = "tfidf"

    def __init__(self, categories: tuple[str, ...], precision_targets: dict[str, float], seed: int = 0) -> None:
        self.categories = categories
        self.precision_targets = precision_targets  # per category, the served model's own
        self.seed = seed

    def fit(self, texts: list[str], Y: np.ndarray, groups: list[str]) -> TfidfBaseline:
        fit_idx, held_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=self.seed)
                                 .split(texts, groups=groups))
        self.vectorizer_ = TfidfVectorizer(ngram_range=(1, 2), min_df=2, sublinear_tf=True)
        matrix = self.vectorizer_.fit_transform([texts[i] for i in fit_idx])
        held = self.vectorizer_.transform([texts[i] for i in held_idx])
        self.classifiers_: dict = {}
        self.thresholds: dict[str, float] = {}
        for c, category in enumerate(self.categories):
            if Y[fit_idx, c].min() == Y[fit_idx, c].max():  # a category without positives in the data
                self.classifiers_[category], self.thresholds[category] = None, 1.0
                continue
            clf = LogisticRegression(C=4.0, class_weight="balanced", max_iter=2000, random_state=self.seed)
            self.classifiers_[category] = clf.fit(matrix, Y[fit_idx, c])
            scores = clf.predict_proba(held)[:, 1]
            self.thresholds[category] = threshold_for_precision(Y[held_idx, c], scores, self.precision_targets[category])
        self.n_fit_, self.n_held_ = len(fit_idx), len(held_idx)
        return self

    def score_texts(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(self.categories)))
        matrix = self.vectorizer_.transform(texts)
        return np.column_stack([np.zeros(len(texts)) if self.classifiers_[c] is None
                                else self.classifiers_[c].predict_proba(matrix)[:, 1] for c in self.categories])


def training_messages(sets: EvalSets, writers: list[str] | None) -> MessageSet:
    """The hand-written training messages (of ``writers``, when the model names them), without the
    fragments (positives that only mean something inside a conversation), as training reads them."""
    hand, _ = handwritten(Path(sets.config.data.handwritten_dir), [])
    return MessageSet("handwritten", [r for r in hand.records if not r.get("fragment")
                                      and (not writers or r.get("source") in writers)])


@dataclass
class BaselineResult:
    report: dict = field(default_factory=dict)
    predictions: dict[str, dict[str, Predictions]] = field(default_factory=dict)  # baseline → set → preds
    models: dict = field(default_factory=dict)


def evaluate_baseline(model, sets: EvalSets) -> tuple[dict, dict[str, Predictions]]:
    report: dict = {"thresholds": dict(model.thresholds), "messages": {}, "corpora_test": {}}
    predictions = {}
    for name, ms in sets.messages.items():
        probas = model.score_texts(ms.texts)
        Y = label_matrix(ms.records, sets.categories)
        predictions[name] = Predictions(Y, probas)
        entry = messages_report(ms, probas, model.thresholds, sets.categories, extras=False)
        entry["confusion"] = category_confusion(Y, probas, model.thresholds, sets.categories)
        report["messages"][name] = entry
    for corpus in sets.corpora:
        report["corpora_test"][corpus.name] = corpus_flag_rate(model.score_texts(corpus.texts), model.thresholds,
                                                               sets.categories)
    return report, predictions


def run_baselines(sets: EvalSets, precision_targets: dict[str, float], writers: list[str] | None, log=print) -> BaselineResult:
    result = BaselineResult()
    keywords = KeywordBaseline(sets.categories)
    result.models["keywords"] = keywords
    log("baselines: keyword matcher")
    result.report["keywords"], result.predictions["keywords"] = evaluate_baseline(keywords, sets)
    result.report["keywords"]["keywords"] = {c: list(KEYWORDS.get(c, ())) for c in sets.categories}

    hand = training_messages(sets, writers)
    tfidf = TfidfBaseline(sets.categories, precision_targets, seed=int(sets.config.seed))
    log(f"baselines: fitting word TF-IDF + logistic regression on {len(hand)} hand-written messages")
    start = time.perf_counter()
    tfidf.fit(hand.texts, label_matrix(hand.records, sets.categories), [f"writer:{s}" for s in hand.column("source")])
    fit_seconds = time.perf_counter() - start
    result.models["tfidf"] = tfidf
    result.report["tfidf"], result.predictions["tfidf"] = evaluate_baseline(tfidf, sets)
    result.report["tfidf"]["training"] = {"handwritten": len(hand), "writers": sorted(set(hand.column("source"))),
                                          "rows_fit": tfidf.n_fit_, "rows_threshold": tfidf.n_held_,
                                          "precision_targets": precision_targets, "fit_seconds": round(fit_seconds, 2)}
    return result
