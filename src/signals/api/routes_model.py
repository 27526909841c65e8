"""GET /v1/model: what is being served, its categories and tactics, operating points, training data
and headline metrics, all read from the model itself (its own description, not this code's lists)."""

from __future__ import annotations

from fastapi import APIRouter, Request

from signals.api.deps import ServiceDep
from signals.api.errors import refuse_query
from signals.api.schemas import ModelResponse, error_responses
from signals.model.targets import precision_targets

router = APIRouter(tags=["model"], responses=error_responses(401, 503))


@router.get("/model", response_model=ModelResponse, summary="The model being served")
def model_info(request: Request, service: ServiceDep) -> dict:
    """Name, version and sha256; per category its route, the threshold in use and both operating
    points (high precision, the default, and high recall); the conversation operating points; the
    tactics it explains with; the training data summary and headline metrics."""
    refuse_query(request.scope)
    spec = service.model.spec
    messages = service.model.thresholds["messages"]
    targets = precision_targets(messages)
    conversations = service.model.thresholds.get("conversations", {})
    return {
        **service.info.as_dict(),
        "created": spec.info.get("created"),
        "precision_target": messages["precision_target"],
        "recall_target": messages["recall_target"],
        "conversation_threshold": conversations.get("high_precision"),
        "conversation_operating_points": conversations or None,
        "categories": [
            {"name": c, "route": spec.routes[c], "threshold": service.thresholds[c],
             "high_precision": messages["high_precision"][c], "high_recall": messages["high_recall"][c],
             "precision_target": targets[c]}
            for c in spec.categories
        ],
        "tactics": list(spec.tactics),
        "libraries": spec.libraries,
        "training_data": spec.info.get("training_data", {}),
        "metrics_headline": spec.info.get("metrics_headline", {}),
    }
