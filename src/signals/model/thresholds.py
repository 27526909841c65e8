"""Operating points chosen on held-out predictions: a precision target and a recall target."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import precision_recall_curve


def threshold_for_precision(y_true: np.ndarray, scores: np.ndarray, target: float, floor: float = 0.05) -> float:
    """Lowest threshold whose precision reaches ``target`` (highest recall at that precision)."""
    if y_true.sum() == 0:
        return 0.5
    precision, _recall, thresholds = precision_recall_curve(y_true, scores)
    ok = np.where(precision[:-1] >= target)[0]
    if len(ok) == 0:
        return float(max(floor, thresholds[-1]))
    return float(max(floor, thresholds[ok[0]]))


def threshold_for_recall(y_true: np.ndarray, scores: np.ndarray, target: float, floor: float = 0.02) -> float:
    """Highest threshold whose recall still reaches ``target``."""
    if y_true.sum() == 0:
        return 0.5
    _precision, recall, thresholds = precision_recall_curve(y_true, scores)
    ok = np.where(recall[:-1] >= target)[0]
    if len(ok) == 0:
        return float(max(floor, thresholds[0]))
    return float(max(floor, thresholds[ok[-1]]))


def precision_at(y_true: np.ndarray, scores: np.ndarray, threshold: float | np.ndarray) -> float:
    """Precision of ``scores >= threshold`` (one threshold, or one per row; 1.0 when nothing is flagged)."""
    flagged = scores >= threshold
    return float(y_true[flagged].mean()) if flagged.any() else 1.0
