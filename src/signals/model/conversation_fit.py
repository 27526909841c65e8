"""Training the conversation model (scikit-learn; the scoring side in ``conversation`` needs only numpy)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from signals.evaluation import CONVERSATION_BUCKETS
from signals.model.conversation import ConversationScorer, TurnEvidence, conversation_rows
from signals.model.thresholds import precision_at, threshold_for_recall

MIN_BUCKET = 20  # harmless conversations a length bucket needs before it can set the operating point


def benign_flag_threshold(risk: np.ndarray, truth: np.ndarray, lengths: np.ndarray, target: float) -> float:
    """The lowest risk threshold at which, in every length bucket with enough harmless conversations,
    at most ``target`` of them are flagged (so a long chat is no likelier to be flagged than a short one)."""
    cuts = []
    for low, high in CONVERSATION_BUCKETS:
        benign = risk[(truth == 0) & (lengths >= low) & (lengths <= high)]
        if len(benign) >= MIN_BUCKET:
            allowed = int(np.floor(target * len(benign)))
            ranked = np.sort(benign)[::-1]
            cuts.append(float(np.nextafter(ranked[allowed], 1.0)) if allowed < len(ranked) else 0.0)
    return max(cuts) if cuts else 0.5


class ConversationModel(BaseEstimator):
    """Fits the speaker model on group-disjoint folds (conversations of one writer stay together),
    serves the average of the fold models, and calibrates the conversation risk (the riskiest
    speaker's) on the out-of-fold conversations; operating points are chosen on those.

    The default operating point flags at most ``benign_flag_target`` of the harmless held-out
    conversations in every length bucket (up to 25, 26-100, 101-500 turns): a flag rate, not a
    precision, because the share of grooming in training data says nothing about real traffic. The
    high-recall point reaches ``recall_target``."""

    def __init__(self, C: float = 1.0, folds: int = 5, benign_flag_target: float = 0.02,
                 recall_target: float = 0.95) -> None:
        self.C = C
        self.folds = folds
        self.benign_flag_target = benign_flag_target
        self.recall_target = recall_target

    def fit(self, conversations: Sequence[TurnEvidence], suspects: Sequence[str | None],
            groups: Sequence[str], tactic_names: Sequence[str]) -> ConversationModel:
        rows: list[np.ndarray] = []
        labels: list[int] = []
        owner: list[int] = []
        for c, (evidence, suspect) in enumerate(zip(conversations, suspects)):
            names, features = conversation_rows(evidence, tactic_names)
            rows.append(features)
            labels.extend(int(name == suspect) for name in names)
            owner.extend([c] * len(names))
        X, y, owner_arr = np.vstack(rows), np.array(labels), np.array(owner)
        truth = np.array([s is not None for s in suspects], dtype=int)
        folds = min(self.folds, len(set(groups)))
        splits = list(GroupKFold(n_splits=folds).split(X, groups=np.asarray(groups)[owner_arr]))
        oof = np.zeros(len(X))
        self.coef_ = np.zeros(X.shape[1])
        self.intercept_ = 0.0
        for train, held in splits:
            clf = LogisticRegression(C=self.C, class_weight="balanced", max_iter=2000).fit(X[train], y[train])
            oof[held] = clf.decision_function(X[held])
            self.coef_ += clf.coef_[0] / len(splits)
            self.intercept_ += float(clf.intercept_[0]) / len(splits)
        conversation_decision = np.full(len(conversations), -np.inf)
        np.maximum.at(conversation_decision, owner_arr, oof)
        calibrator = LogisticRegression(C=1e4).fit(conversation_decision.reshape(-1, 1), truth)
        self.calibration_ = np.array([calibrator.coef_[0, 0], calibrator.intercept_[0]])
        self.oof_risk_ = 1.0 / (1.0 + np.exp(-(conversation_decision * self.calibration_[0] + self.calibration_[1])))
        lengths = np.array([len(c.speakers) for c in conversations])
        self.threshold_ = benign_flag_threshold(self.oof_risk_, truth, lengths, self.benign_flag_target)
        self.high_recall_ = min(threshold_for_recall(truth, self.oof_risk_, self.recall_target), self.threshold_)
        flagged = self.oof_risk_ >= self.threshold_
        self.reached_ = {"precision": precision_at(truth, self.oof_risk_, self.threshold_),
                         "recall": float(flagged[truth == 1].mean()) if truth.any() else 0.0,
                         "benign_flag_rate": float(flagged[truth == 0].mean()) if (truth == 0).any() else 0.0}
        self.tactic_names_ = tuple(tactic_names)
        return self

    def scorer(self) -> ConversationScorer:
        return ConversationScorer(self.coef_, self.intercept_, self.calibration_, self.threshold_,
                                  self.high_recall_, self.tactic_names_)
