"""The served linear model: weights and calibration as plain arrays, scored without scikit-learn."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from signals.model.features import Occurrences


def sigmoid(values: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(values, -50.0, 50.0)))


@dataclass
class LinearScorer:
    """The served part of a ``CategoryModel``: weights, intercepts, calibration; plain arrays only.

    Scores occurrences directly (one ``np.bincount`` per category), so the scoring path builds no
    sparse matrix and imports no scikit-learn."""

    coef: np.ndarray         # (n_features, categories) float32
    intercept: np.ndarray    # (categories,)
    calibration: np.ndarray  # (categories, 2): slope, intercept of the sigmoid
    n_sparse: int

    def decision(self, occurrences: Occurrences, dense: np.ndarray) -> np.ndarray:
        n = occurrences.n_rows
        # each row's dense sum on its own, in one fixed order: a matrix product's rounding depends on
        # the batch's shape, so a message scored in a batch differed from itself alone in the 7th digit
        weights = self.coef[self.n_sparse:]
        out = np.column_stack([(dense * weights[:, c]).sum(axis=1) for c in range(weights.shape[1])]) + self.intercept
        if len(occurrences.rows):
            for c in range(self.coef.shape[1]):
                out[:, c] += np.bincount(occurrences.rows, weights=occurrences.values * self.coef[occurrences.columns, c],
                                         minlength=n)
        return out

    def proba(self, occurrences: Occurrences, dense: np.ndarray) -> np.ndarray:
        return sigmoid(self.decision(occurrences, dense) * self.calibration[:, 0] + self.calibration[:, 1])
