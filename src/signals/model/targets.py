"""The precision target behind each category's default threshold, as ``thresholds.json`` records it.

Read where a model is served (``GET /v1/model``, the loader), so it needs nothing beyond the
standard library: choosing thresholds (``thresholds``) is training's work and imports scikit-learn.
"""

from __future__ import annotations


def precision_targets(points: dict) -> dict[str, float]:
    """Per category, the precision target its default threshold was chosen for (``thresholds.json``
    ``messages``); models without per-category targets used ``precision_target`` for every one."""
    own = points.get("precision_targets") or {}
    if not isinstance(own, dict):
        raise TypeError(f"precision_targets is {type(own).__name__}, not an object of categories")
    targets = {category: float(own.get(category, points["precision_target"])) for category in points["high_precision"]}
    if not all(0.0 < t < 1.0 for t in targets.values()):
        raise ValueError(f"precision targets outside (0, 1): {targets}")
    return targets
