"""Calibrated per-category classifiers over the feature union, fitted with group-disjoint folds.

``fit`` follows the estimator contract: it learns attributes ending in ``_`` and returns ``self``.
Per category it gets out-of-fold scores on folds that never split a template, writer or
conversation (``groups``), fits a sigmoid calibrator on them, picks operating thresholds on the
calibrated out-of-fold probabilities, then refits on everything.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.base import BaseEstimator, clone
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from signals.model.features import build_features
from signals.model.thresholds import threshold_for_precision, threshold_for_recall
from signals.taxonomy import CATEGORIES


@dataclass
class OperatingPoints:
    """Per category: the default (high-precision) threshold and a high-recall one."""

    high_precision: dict[str, float]
    high_recall: dict[str, float]
    precision_target: float
    recall_target: float


class CategoryModel(BaseEstimator):
    """Multi-label model: one calibrated logistic regression per category on shared features."""

    def __init__(self, feature_params: dict | None = None, C: float = 4.0, class_weight=None,
                 folds: int = 3, precision_target: float = 0.9, recall_target: float = 0.9,
                 max_iter: int = 2000, seed: int = 0) -> None:
        self.feature_params = feature_params
        self.C = C
        self.class_weight = class_weight
        self.folds = folds
        self.precision_target = precision_target
        self.recall_target = recall_target
        self.max_iter = max_iter
        self.seed = seed

    def _classifier(self) -> LogisticRegression:
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter,
                                  solver="liblinear", random_state=self.seed)

    def fit(self, X: pd.DataFrame, Y: np.ndarray, groups: np.ndarray, weights: np.ndarray | None = None,
            threshold_rows: np.ndarray | None = None, progress=None) -> CategoryModel:
        """``Y``: (n, categories) 0/1; ``weights``: (n, categories), 0 where a label is unknown.

        ``threshold_rows`` (booleans) selects the rows whose out-of-fold probabilities choose the
        thresholds, e.g. hand-written and real-corpus rows only, so that generator output (easy for
        a model that has seen sibling templates) does not make the operating points optimistic.
        """
        Y = np.asarray(Y, dtype=int)
        weights = np.ones_like(Y, dtype=float) if weights is None else np.asarray(weights, dtype=float)
        self.features_ = build_features(self.feature_params or {}).fit(X)
        matrix = self.features_.transform(X).tocsr()
        splits = list(GroupKFold(n_splits=self.folds).split(matrix, groups=groups))
        self.oof_scores_ = np.zeros(Y.shape, dtype=float)
        self.classifiers_, self.calibrators_ = {}, {}
        for c, category in enumerate(CATEGORIES):
            y, w = Y[:, c], weights[:, c]
            for train, held in splits:
                keep = train[w[train] > 0]
                clf = clone(self._classifier()).fit(matrix[keep], y[keep], sample_weight=w[keep])
                self.oof_scores_[held, c] = clf.decision_function(matrix[held])
                if progress:
                    progress(f"{category}: fold done")
            known = w > 0
            calibrator = LogisticRegression(C=1e4).fit(self.oof_scores_[known, c].reshape(-1, 1), y[known])
            self.calibrators_[category] = (float(calibrator.coef_[0, 0]), float(calibrator.intercept_[0]))
            self.classifiers_[category] = clone(self._classifier()).fit(matrix[known], y[known], sample_weight=w[known])
            if progress:
                progress(f"{category}: final fit done")
        self.oof_proba_ = np.column_stack([self._calibrate(c, self.oof_scores_[:, i]) for i, c in enumerate(CATEGORIES)])
        rows = np.ones(len(Y), bool) if threshold_rows is None else np.asarray(threshold_rows, bool)
        self.operating_points_ = self._choose_thresholds(Y[rows], weights[rows], self.oof_proba_[rows])
        return self

    def refit_final(self, X: pd.DataFrame, Y: np.ndarray, weights: np.ndarray, progress=None) -> CategoryModel:
        """Refit only the final classifiers (e.g. after mining hard negatives), keeping the features,
        the out-of-fold calibration and the thresholds of ``fit``."""
        matrix = self.features_.transform(X).tocsr()
        Y, weights = np.asarray(Y, dtype=int), np.asarray(weights, dtype=float)
        for c, category in enumerate(CATEGORIES):
            known = weights[:, c] > 0
            self.classifiers_[category] = clone(self._classifier()).fit(
                matrix[known], Y[known, c], sample_weight=weights[known, c])
            if progress:
                progress(f"{category}: refit done")
        return self

    def _calibrate(self, category: str, scores: np.ndarray) -> np.ndarray:
        slope, intercept = self.calibrators_[category]
        return 1.0 / (1.0 + np.exp(-(slope * scores + intercept)))

    def _choose_thresholds(self, Y: np.ndarray, weights: np.ndarray, proba: np.ndarray) -> OperatingPoints:
        high_precision, high_recall = {}, {}
        for c, category in enumerate(CATEGORIES):
            known = weights[:, c] > 0
            y, p = Y[known, c], proba[known, c]
            high_precision[category] = threshold_for_precision(y, p, self.precision_target)
            high_recall[category] = threshold_for_recall(y, p, self.recall_target)
        return OperatingPoints(high_precision, high_recall, self.precision_target, self.recall_target)

    @property
    def thresholds_(self) -> dict[str, float]:
        return self.operating_points_.high_precision

    def transform(self, X: pd.DataFrame):
        return self.features_.transform(X).tocsr()

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """Calibrated probability per category, shape (n, len(CATEGORIES))."""
        matrix = self.transform(X)
        return np.column_stack([
            self._calibrate(c, self.classifiers_[c].decision_function(matrix)) for c in CATEGORIES
        ])
