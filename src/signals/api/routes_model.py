"""GET /v1/model: what is being served, its operating points, training data and headline metrics."""

from __future__ import annotations

from fastapi import APIRouter

from signals.api.deps import ServiceDep
from signals.api.schemas import ModelResponse, error_responses
from signals.taxonomy import CATEGORY_ROUTE, Category

router = APIRouter(tags=["model"], responses=error_responses(401, 503))


@router.get("/model", response_model=ModelResponse, summary="The model being served")
def model_info(service: ServiceDep) -> dict:
    """Name, version and sha256; per category the threshold in use and both operating points
    (high precision, the default, and high recall); the training data summary and headline
    metrics from the model's manifest."""
    points = service.category_model.operating_points_
    manifest = service.info.manifest
    thresholds = manifest.get("thresholds", {})
    return {
        **service.info.as_dict(),
        "created": manifest.get("created"),
        "precision_target": points.precision_target,
        "recall_target": points.recall_target,
        "conversation_threshold": thresholds.get("conversation"),
        "categories": [
            {"name": c.value, "route": CATEGORY_ROUTE[c.value], "threshold": service.thresholds[c.value],
             "high_precision": points.high_precision[c.value], "high_recall": points.high_recall[c.value]}
            for c in Category
        ],
        "training_data": manifest.get("training_data", {}),
        "metrics_headline": manifest.get("metrics_headline", {}),
    }
