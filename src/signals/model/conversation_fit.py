"""Training the conversation model (scikit-learn; the scoring side in ``conversation`` needs only numpy)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from signals.evaluation import CONVERSATION_BUCKETS
from signals.model.conversation import (
    DISCOUNTS,
    FEATURES,
    ConversationScorer,
    TurnEvidence,
    conversation_rows,
    thresholds_at,
)
from signals.model.thresholds import precision_at, threshold_for_recall

MIN_BUCKET = 20  # harmless conversations a length bucket needs before it can set the operating point


def fit_bounded_logistic(X: np.ndarray, y: np.ndarray, C: float, non_negative: np.ndarray) -> tuple[np.ndarray, float]:
    """L2-regularised logistic regression with balanced class weights (scikit-learn's objective:
    ``C`` × weighted log loss + ½‖w‖², intercept not penalised) whose weights in ``non_negative``
    are fitted with a lower bound of 0 (L-BFGS-B). Returns (weights, intercept)."""
    n, d = X.shape
    counts = np.bincount(y, minlength=2).astype(float)
    weight = np.where(y == 1, n / (2 * max(counts[1], 1.0)), n / (2 * max(counts[0], 1.0)))
    sign = 2.0 * y - 1.0

    def objective(params: np.ndarray) -> tuple[float, np.ndarray]:
        w, b = params[:d], params[d]
        margin = sign * (X @ w + b)
        loss = np.logaddexp(0.0, -margin)
        slope = -sign * weight * expit(-margin)
        return C * float(weight @ loss) + 0.5 * float(w @ w), np.concatenate([C * (X.T @ slope) + w, [C * slope.sum()]])

    bounds = [(0.0, None) if keep else (None, None) for keep in non_negative] + [(None, None)]
    result = minimize(objective, np.zeros(d + 1), jac=True, method="L-BFGS-B", bounds=bounds,
                      options={"maxiter": 5000, "gtol": 1e-8})
    return result.x[:d], float(result.x[d])


def _benign_cut(risk: np.ndarray, target: float) -> float:
    """The lowest threshold that flags at most ``target`` of these harmless conversations' risks."""
    allowed = int(np.floor(target * len(risk)))
    ranked = np.sort(risk)[::-1]
    return float(np.nextafter(ranked[allowed], 1.0)) if allowed < len(ranked) else 0.0


def length_thresholds(risk: np.ndarray, truth: np.ndarray, lengths: np.ndarray, target: float
                      ) -> tuple[tuple[int, float], ...]:
    """Per length bucket (its longest conversation, in turns), the threshold that flags at most
    ``target`` of its harmless conversations. A bucket with fewer than ``MIN_BUCKET`` of them takes
    the strictest cut measured; thresholds never fall as conversations grow, so appending turns that
    raise no feature can never turn a chat from unflagged to flagged."""
    cuts: list[float | None] = []
    for low, high in CONVERSATION_BUCKETS:
        benign = risk[(truth == 0) & (lengths >= low) & (lengths <= high)]
        cuts.append(_benign_cut(benign, target) if len(benign) >= MIN_BUCKET else None)
    measured = [c for c in cuts if c is not None]
    fallback = max(measured) if measured else 0.5
    filled = np.maximum.accumulate([fallback if c is None else c for c in cuts])
    return tuple((high, float(cut)) for (_low, high), cut in zip(CONVERSATION_BUCKETS, filled))


class ConversationModel(BaseEstimator):
    """Fits the speaker model on group-disjoint folds (conversations of one writer stay together),
    serves the average of the fold models, and calibrates the conversation risk (the riskiest
    speaker's) on the out-of-fold conversations; operating points are chosen on those.

    The default operating point flags at most ``benign_flag_target`` of the harmless held-out
    conversations in every length bucket (up to 25, 26-100, 101-500 turns): a flag rate, not a
    precision, because the share of grooming in training data says nothing about real traffic. Each
    bucket has its own threshold (never lower than a shorter bucket's): the strongest window of a
    long harmless chat is the best of many windows, so one threshold for all lengths, set by the long
    chats, cost short ones recall for nothing. The high-recall point reaches ``recall_target`` and is
    never above the default in any bucket."""

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
        at_least_zero = np.array([name not in DISCOUNTS for name in FEATURES])
        for train, held in splits:
            coef, intercept = fit_bounded_logistic(X[train], y[train], self.C, at_least_zero)
            oof[held] = X[held] @ coef + intercept
            self.coef_ += coef / len(splits)
            self.intercept_ += intercept / len(splits)
        conversation_decision = np.full(len(conversations), -np.inf)
        np.maximum.at(conversation_decision, owner_arr, oof)
        calibrator = LogisticRegression(C=1e4).fit(conversation_decision.reshape(-1, 1), truth)
        self.calibration_ = np.array([calibrator.coef_[0, 0], calibrator.intercept_[0]])
        self.oof_risk_ = 1.0 / (1.0 + np.exp(-(conversation_decision * self.calibration_[0] + self.calibration_[1])))
        lengths = np.array([len(c.speakers) for c in conversations])
        recall_cut = threshold_for_recall(truth, self.oof_risk_, self.recall_target)
        cuts = length_thresholds(self.oof_risk_, truth, lengths, self.benign_flag_target)
        self.by_length_ = tuple((high, cut, min(recall_cut, cut)) for high, cut in cuts)
        self.threshold_ = max(cut for _high, cut in cuts)            # the strictest: what a reader of one threshold uses
        self.high_recall_ = min(recall_cut, self.threshold_)
        in_use = thresholds_at(self.by_length_, lengths, self.threshold_)
        flagged = self.oof_risk_ >= in_use
        self.reached_ = {"precision": precision_at(truth, self.oof_risk_, in_use),
                         "recall": float(flagged[truth == 1].mean()) if truth.any() else 0.0,
                         "benign_flag_rate": float(flagged[truth == 0].mean()) if (truth == 0).any() else 0.0}
        self.tactic_names_ = tuple(tactic_names)
        return self

    def scorer(self) -> ConversationScorer:
        return ConversationScorer(self.coef_, self.intercept_, self.calibration_, self.threshold_,
                                  self.high_recall_, self.tactic_names_, self.by_length_)
