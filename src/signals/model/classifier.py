"""Calibrated per-category linear classifiers, served as the average of group-disjoint fold models.

``fit`` follows the estimator contract (learned attributes end in ``_``, it returns ``self``). Per
category it trains one logistic regression per fold on folds that never split a writer, template or
conversation (``groups``), scores every row with the model that did not see it (out-of-fold), fits a
sigmoid calibrator on those scores and picks the operating thresholds on the calibrated
out-of-fold probabilities.

The served model is the average of the fold models (for linear models: the average of their
weights), not a refit on everything: a refit scores more confidently than the fold models whose
scores chose the thresholds, so on writers it never saw it reached a far higher precision than the
stated target and lost recall. The averaged model scores like the fold models did.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from signals.model.linear import sigmoid
from signals.model.thresholds import precision_at, threshold_for_precision, threshold_for_recall


@dataclass
class OperatingPoints:
    """Per category: the default (high-precision) threshold, a high-recall one, and what they reach
    on the out-of-fold scores they were chosen on."""

    high_precision: dict[str, float]
    high_recall: dict[str, float]
    precision_target: float                 # the default target
    recall_target: float
    reached: dict[str, dict[str, float]]
    precision_targets: dict[str, float]     # every category's own target (the default where none is set)

    def as_dict(self) -> dict:
        return asdict(self)


class CategoryModel(BaseEstimator):
    """Multi-label model: one calibrated, fold-averaged logistic regression per category."""

    def __init__(self, categories: tuple[str, ...] = (), C: float = 4.0, class_weight: str | None = "balanced",
                 folds: int = 5, precision_target: float = 0.85, recall_target: float = 0.9,
                 max_iter: int = 1000, tol: float = 1e-3, n_jobs: int = 1, seed: int = 0,
                 precision_targets: dict[str, float] | None = None) -> None:
        self.categories = categories
        self.C = C
        self.class_weight = class_weight
        self.folds = folds
        self.precision_target = precision_target
        self.precision_targets = precision_targets
        self.recall_target = recall_target
        self.max_iter = max_iter
        self.tol = tol
        self.n_jobs = n_jobs
        self.seed = seed

    def _classifier(self) -> LogisticRegression:
        # liblinear's dual solver: several times faster than the primal one when there are more
        # features than rows, with the same ranking (measured on leave-writer-out folds)
        return LogisticRegression(C=self.C, class_weight=self.class_weight, max_iter=self.max_iter, tol=self.tol,
                                  solver="liblinear", dual=True, random_state=self.seed)

    def fit_weighted(self, X: sparse.csr_matrix, y: np.ndarray, sample_weight: np.ndarray,
                     name: str = "") -> LogisticRegression:
        """One classifier on every row of ``X``: rows weighted 0 (outside a fold, or with an unknown label)
        are out of the loss, and out of "balanced" class weights too, which are written out, weighed by
        the sample weights as scikit-learn 1.9 does, so that this holds in any version. A fit on all of X
        needs no copy of X per thread (make train on 112,914 rows: peak 2,022-2,100 -> 1,902 MiB)."""
        clf = self._classifier()
        if self.class_weight == "balanced":
            mass = np.bincount(y, weights=sample_weight, minlength=2)
            if not mass.all():
                raise ValueError(f"{name}: the rows weighted above 0 hold only one class")
            clf.set_params(class_weight={k: mass.sum() / (2 * mass[k]) for k in (0, 1)})
        return clf.fit(X, y, sample_weight=sample_weight)

    def fit(self, X: sparse.csr_matrix, Y: np.ndarray, sample_weight: np.ndarray | None = None,
            groups: np.ndarray | None = None, threshold_rows: np.ndarray | None = None,
            progress=None) -> CategoryModel:
        """``Y``: (n, categories) 0/1; ``sample_weight``: (n,) or (n, categories), 0 where a label is
        unknown; ``groups``: rows that must stay in one fold; ``threshold_rows``: the rows whose
        out-of-fold probabilities choose the thresholds (default: all)."""
        Y = np.asarray(Y, dtype=int)
        n, n_categories = Y.shape
        if len(self.categories) != n_categories:
            raise ValueError(f"Y has {n_categories} columns for {len(self.categories)} categories")
        weights = np.ones_like(Y, float) if sample_weight is None else np.asarray(sample_weight, float)
        if weights.ndim == 1:
            weights = np.repeat(weights[:, None], n_categories, axis=1)
        groups = np.arange(n) if groups is None else np.asarray(groups)
        X = sparse.csr_matrix(X)
        splits = list(GroupKFold(n_splits=self.folds).split(np.zeros(n), groups=groups))
        self.classes_ = np.array(self.categories)
        self.n_features_in_ = X.shape[1]
        self.oof_decision_ = np.zeros(Y.shape)
        self.coef_ = np.zeros((X.shape[1], n_categories), np.float32)
        self.intercept_ = np.zeros(n_categories, np.float32)
        self.calibration_ = np.zeros((n_categories, 2))
        def fit_fold(c: int, train: np.ndarray, held: np.ndarray) -> tuple[int, np.ndarray, LogisticRegression]:
            # the rows outside the fold's training part weigh 0: the same problem as a fit on X[train]
            fold_weights = np.zeros(n)
            fold_weights[train] = weights[train, c]
            return c, held, self.fit_weighted(X, Y[:, c], fold_weights, f"{self.categories[c]}, a fold's training rows")

        # training-only: each fold's weights, to score other views of held-out rows (never shipped)
        self.fold_coefs_ = [np.zeros((X.shape[1], n_categories), np.float32) for _ in splits]
        self.fold_intercepts_ = [np.zeros(n_categories) for _ in splits]
        self.fold_held_ = [held for _, held in splits]
        fold_of = {id(held): f for f, (_, held) in enumerate(splits)}
        jobs = [(c, train, held) for c in range(n_categories) for train, held in splits]
        # liblinear releases the GIL: fold models fit in parallel threads, sharing X
        with ThreadPoolExecutor(max_workers=max(1, self.n_jobs)) as pool:
            for c, held, clf in pool.map(lambda job: fit_fold(*job), jobs):
                self.oof_decision_[held, c] = clf.decision_function(X[held])
                self.fold_coefs_[fold_of[id(held)]][:, c] = clf.coef_[0]
                self.fold_intercepts_[fold_of[id(held)]][c] = clf.intercept_[0]
                self.coef_[:, c] += clf.coef_[0].astype(np.float32) / len(splits)
                self.intercept_[c] += np.float32(clf.intercept_[0] / len(splits))
                if progress:
                    progress(f"{self.categories[c]}: fold done")
        for c in range(n_categories):
            known = weights[:, c] > 0
            calibrator = LogisticRegression(C=1e4).fit(self.oof_decision_[known, c].reshape(-1, 1), Y[known, c])
            self.calibration_[c] = (calibrator.coef_[0, 0], calibrator.intercept_[0])
        self.oof_proba_ = self.calibrate(self.oof_decision_)
        rows = np.ones(n, bool) if threshold_rows is None else np.asarray(threshold_rows, bool)
        self.operating_points_ = self._choose_thresholds(Y[rows], weights[rows], self.oof_proba_[rows])
        return self

    def oof_proba_for(self, X: sparse.csr_matrix, rows: np.ndarray) -> np.ndarray:
        """Out-of-fold probabilities of another view of some training rows (``X[k]`` is a view of
        training row ``rows[k]``, e.g. without its context): each scored by the fold model that never
        saw that row."""
        rows = np.asarray(rows)
        decision = np.zeros((len(rows), len(self.categories)))
        for coef, intercept, held in zip(self.fold_coefs_, self.fold_intercepts_, self.fold_held_):
            mine = np.isin(rows, held)
            if mine.any():
                decision[mine] = np.asarray(X[mine] @ coef) + intercept
        return self.calibrate(decision)

    def calibrate(self, decision: np.ndarray) -> np.ndarray:
        return sigmoid(decision * self.calibration_[:, 0] + self.calibration_[:, 1])

    def _choose_thresholds(self, Y: np.ndarray, weights: np.ndarray, proba: np.ndarray) -> OperatingPoints:
        high_precision, high_recall, reached = {}, {}, {}
        unknown = set(self.precision_targets or {}) - set(self.categories)
        if unknown:
            raise ValueError(f"precision targets for unknown categories: {sorted(unknown)}")
        targets = {c: float((self.precision_targets or {}).get(c, self.precision_target)) for c in self.categories}
        for c, category in enumerate(self.categories):
            known = weights[:, c] > 0
            y, p = Y[known, c], proba[known, c]
            high_precision[category] = threshold_for_precision(y, p, targets[category])
            # the high-recall point never lies above the default one (where that already reaches the target)
            high_recall[category] = min(threshold_for_recall(y, p, self.recall_target), high_precision[category])
            reached[category] = {"precision": precision_at(y, p, high_precision[category]),
                                 "recall": float((p[y == 1] >= high_precision[category]).mean()) if y.any() else 0.0}
        return OperatingPoints(high_precision, high_recall, self.precision_target, self.recall_target, reached, targets)

    @property
    def thresholds_(self) -> dict[str, float]:
        return self.operating_points_.high_precision

    def decision_function(self, X: sparse.csr_matrix) -> np.ndarray:
        return np.asarray(X @ self.coef_) + self.intercept_

    def predict_proba(self, X: sparse.csr_matrix) -> np.ndarray:
        """Calibrated probability per category, shape (n, len(classes_))."""
        return self.calibrate(self.decision_function(X))

