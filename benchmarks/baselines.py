"""Two baselines scored on the same sets as the model, so its numbers have something to stand next to.

- ``keywords``: a short list of obvious Dutch words per category; a message is flagged for a
  category if any of its words starts a word of the (lower-cased) message. No normalisation.
- ``tfidf``: plain word TF-IDF + one logistic regression per category, WITHOUT the Dutch
  preprocessing (no normaliser, no lemmas, no masks, no tactic features). It is trained on the
  model's message training data, rebuilt cheaply from its config (hand-written messages of the
  writers in the manifest, the synth train split, the capped corpus train split; not the
  conversation turns), and its threshold per category is the lowest one reaching the model's
  precision target on a group-disjoint 20 % of that data.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupShuffleSplit
from training.data_sources import MessageSet, handwritten
from training.evaluate import conversation_metrics, corpus_flag_rate, flagged, message_metrics

from benchmarks.accuracy import Predictions, as_conversations, category_confusion
from benchmarks.sets import EvalSets
from signals.model.thresholds import threshold_for_precision
from signals.results import ConversationResult
from signals.taxonomy import CATEGORIES, Category
from training import corpora as corpora_mod

KEYWORDS: dict[str, tuple[str, ...]] = {
    Category.RECRUITMENT.value: ("loverboy", "makkelijk geld", "snel geld", "escort", "modellenwerk", "hostess",
                                 "ik regel het wel", "vertel het aan niemand", "niemand hoeft", "ik haal je op",
                                 "hoe oud ben je"),
    Category.SEXTORTION.value: ("naaktfoto", "betaal", "cadeaubon", "giftcard", "bitcoin", "crypto", "verspreid",
                                "doorsturen", "online zetten", "iedereen gaat", "anders stuur ik"),
    Category.DISCLOSURE.value: ("chantage", "gechanteerd", "bedreigt me", "hij dwingt", "ik word gedwongen",
                                "ik durf het niet", "wat moet ik doen", "ik ben bang", "hij wil dat ik",
                                "onder druk"),
}
QUICK_TRAIN_ROWS_PER_CORPUS = 2000


class KeywordBaseline:
    name = "keywords"

    def __init__(self, keywords: dict[str, tuple[str, ...]] = KEYWORDS) -> None:
        self.keywords = keywords
        self.patterns = {c: re.compile(r"\b(?:" + "|".join(re.escape(k) for k in words) + ")")
                         for c, words in keywords.items()}
        self.thresholds = {c: 0.5 for c in CATEGORIES}

    def score_texts(self, texts: list[str]) -> np.ndarray:
        return np.array([[float(bool(self.patterns[c].search(t.lower()))) for c in CATEGORIES] for t in texts]
                        ).reshape(-1, len(CATEGORIES))


class TfidfBaseline:
    name = "tfidf"

    def __init__(self, ngram_range=(1, 2), min_df: int = 2, max_features: int | None = None, C: float = 4.0,
                 precision_target: float = 0.9, seed: int = 0) -> None:
        self.ngram_range = tuple(ngram_range)
        self.min_df = min_df
        self.max_features = max_features
        self.C = C
        self.precision_target = precision_target
        self.seed = seed

    def fit(self, texts: list[str], Y: np.ndarray, groups: list[str]) -> TfidfBaseline:
        fit_idx, held_idx = next(GroupShuffleSplit(n_splits=1, test_size=0.2, random_state=self.seed)
                                 .split(texts, groups=groups))
        self.vectorizer_ = TfidfVectorizer(ngram_range=self.ngram_range, min_df=self.min_df,
                                           max_features=self.max_features, sublinear_tf=True)
        matrix = self.vectorizer_.fit_transform([texts[i] for i in fit_idx])
        held = self.vectorizer_.transform([texts[i] for i in held_idx])
        self.classifiers_, self.thresholds = {}, {}
        for c, category in enumerate(CATEGORIES):
            clf = LogisticRegression(C=self.C, solver="liblinear", max_iter=2000, random_state=self.seed)
            self.classifiers_[category] = clf.fit(matrix, Y[fit_idx, c])
            scores = clf.predict_proba(held)[:, 1]
            self.thresholds[category] = threshold_for_precision(Y[held_idx, c], scores, self.precision_target)
        self.n_fit_, self.n_held_ = len(fit_idx), len(held_idx)
        return self

    def score_texts(self, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, len(CATEGORIES)))
        matrix = self.vectorizer_.transform(texts)
        return np.column_stack([self.classifiers_[c].predict_proba(matrix)[:, 1] for c in CATEGORIES])


def training_data(sets: EvalSets, quick: bool) -> tuple[list[str], np.ndarray, list[str], dict]:
    """The model's message training data, rebuilt from its config (see the module docstring)."""
    data, seed = sets.config["data"], int(sets.config["seed"])
    hand, _ = handwritten(Path(data["handwritten_dir"]))
    writers = sets.manifest.get("training_data", {}).get("writers")
    if writers:
        hand = MessageSet("handwritten", [r for r in hand.records if r.get("source") in writers])
    synth = sets.synth_train or MessageSet("synth_train")
    cap = int(data["corpora"].get("max_train_per_corpus", 10**9))
    if quick:
        cap = min(cap, QUICK_TRAIN_ROWS_PER_CORPUS)
    rng = np.random.default_rng(seed)  # the same draw as training/train.py
    corpus_rows: list[tuple[str, str]] = []
    for corpus in corpora_mod.load_corpora(data["corpora"], "train"):
        order = rng.permutation(len(corpus.texts))
        corpus_rows += [(corpus.texts[i], f"corpus:{corpus.name}:{i % 60}") for i in order[:cap]]
    texts = hand.texts + synth.texts + [t for t, _ in corpus_rows]
    Y = np.vstack([hand.labels, synth.labels, np.zeros((len(corpus_rows), len(CATEGORIES)), int)])
    groups = ([f"writer:{s}" for s in hand.column("source", "handwritten")]
              + [f"synth:{t}" for t in synth.column("template")] + [g for _, g in corpus_rows])
    summary = {"handwritten": len(hand), "synth_train": len(synth), "corpus_rows": len(corpus_rows),
               "writers": writers or sorted(set(hand.column("source")))}
    return texts, Y, groups, summary


def conversation_rule(convs: list[dict], probas: np.ndarray, thresholds: dict[str, float]) -> list[ConversationResult]:
    """A conversation is grooming if any turn is flagged for a review category; the suspect is that turn's speaker."""
    review = [CATEGORIES.index(Category.RECRUITMENT.value), CATEGORIES.index(Category.SEXTORTION.value)]
    hits = np.asarray(np.asarray(flagged(probas, thresholds))[:, review].any(axis=1))
    results, cursor = [], 0
    for conv in convs:
        n = len(conv["turns"])
        turn_hits = np.where(hits[cursor:cursor + n])[0]
        first = int(turn_hits[0]) if len(turn_hits) else None
        results.append(ConversationResult(
            id=str(conv["id"]), label="grooming" if first is not None else "benign", risk=float(first is not None),
            first_alert_turn=first, suspect=str(conv["turns"][first]["speaker"]) if first is not None else None))
        cursor += n
    return results


@dataclass
class BaselineResult:
    report: dict = field(default_factory=dict)
    predictions: dict[str, dict[str, Predictions]] = field(default_factory=dict)  # baseline → set → preds
    models: dict = field(default_factory=dict)


def evaluate_baseline(model, sets: EvalSets) -> tuple[dict, dict[str, Predictions]]:
    report: dict = {"thresholds": dict(model.thresholds), "messages": {}, "conversations": {}, "corpora_test": {}}
    predictions = {}
    for name, ms in sets.messages.items():
        probas = model.score_texts(ms.texts)
        predictions[name] = Predictions(ms.labels, probas)
        kinds = ms.column("kind") if any("kind" in r for r in ms.records) else None
        registers = ms.column("register", "standard") if any("register" in r for r in ms.records) else None
        entry = message_metrics(ms.labels, probas, model.thresholds, kinds, registers)
        entry["confusion"] = category_confusion(ms.labels, probas, model.thresholds)
        report["messages"][name] = entry
    for name, convs in sets.conversations.items():
        turns = [t.text for conv in as_conversations(convs) for t in conv.turns]
        results = conversation_rule(convs, model.score_texts(turns), model.thresholds)
        report["conversations"][name] = conversation_metrics(convs, results)
    for corpus in sets.corpora:
        report["corpora_test"][corpus.name] = corpus_flag_rate(model.score_texts(corpus.texts), model.thresholds)
    for name, ms in sets.unlabelled.items():
        report["corpora_test"][name] = corpus_flag_rate(model.score_texts(ms.texts), model.thresholds)
    return report, predictions


def run_baselines(sets: EvalSets, quick: bool, log=print) -> BaselineResult:
    import time

    result = BaselineResult()
    keywords = KeywordBaseline()
    result.models["keywords"] = keywords
    log("baselines: keyword matcher")
    result.report["keywords"], result.predictions["keywords"] = evaluate_baseline(keywords, sets)
    result.report["keywords"]["keywords"] = {c: list(k) for c, k in KEYWORDS.items()}

    texts, Y, groups, summary = training_data(sets, quick)
    features, model_cfg = sets.config["features"], sets.config["model"]
    tfidf = TfidfBaseline(ngram_range=features.get("word_ngrams", (1, 2)), min_df=int(features.get("word_min_df", 2)),
                          max_features=features.get("word_max_features"), C=float(model_cfg.get("C", 4.0)),
                          precision_target=float(model_cfg.get("precision_target", 0.9)), seed=int(sets.config["seed"]))
    log(f"baselines: fitting word TF-IDF + logistic regression on {len(texts)} rows")
    start = time.perf_counter()
    tfidf.fit(texts, Y, groups)
    fit_seconds = time.perf_counter() - start
    result.models["tfidf"] = tfidf
    result.report["tfidf"], result.predictions["tfidf"] = evaluate_baseline(tfidf, sets)
    result.report["tfidf"]["training"] = dict(summary, rows_fit=tfidf.n_fit_, rows_threshold=tfidf.n_held_,
                                              fit_seconds=round(fit_seconds, 2), quick_cap=quick)
    return result
