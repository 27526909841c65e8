"""Open operational routes: /healthz (the process answers), /readyz (the model can serve), /metrics.

They do no blocking work, so they are ``async`` and answer on the event loop even while every
scoring thread is busy."""

from __future__ import annotations

from fastapi import APIRouter, Response

from signals.api.deps import MetricsDep, ModelStateDep
from signals.api.errors import ApiError, ErrorCode
from signals.api.schemas import HealthResponse, ReadyResponse, error_responses

router = APIRouter(tags=["operations"])


# HEAD too: load balancers often check health with it. Registered apart and left out of the OpenAPI
# schema: one route for both methods gave both one operation id, and FastAPI warned on every start.
@router.head("/healthz", include_in_schema=False)
@router.get("/healthz", response_model=HealthResponse, summary="Liveness")
async def healthz() -> dict:
    return {"status": "ok"}


@router.head("/readyz", include_in_schema=False)
@router.get("/readyz", response_model=ReadyResponse, responses=error_responses(503), summary="Readiness")
async def readyz(state: ModelStateDep) -> dict:
    """200 only when the model is loaded, its sha256 manifest verified and the warm-up run passed."""
    service = state.service
    if service is None:
        raise ApiError(503, ErrorCode.NOT_READY, f"model not ready: {state.reason}", headers={"Retry-After": "5"})
    return {"status": "ready", "model": service.info.as_dict()}


@router.get("/metrics", include_in_schema=False)
async def metrics(registry: MetricsDep) -> Response:
    return Response(registry.render(), media_type=registry.content_type)
