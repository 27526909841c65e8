"""POST /admin/reload: swap the served model for another one without dropping a request.

The routes exist only when ``SIGNALS_ADMIN_KEYS`` is set (else every /admin path is a plain 404) and
need one of those keys in ``X-Admin-Key`` (401 otherwise; API keys never open /admin). A reload is
refused unless ``SIGNALS_MODEL_ROOT`` is set: only models below that folder can be swapped in, since
loading a model unpickles code. The new model is loaded, verified against its sha256 manifest and
warmed up beside the running one, then swapped in (``ModelState.reload``); a refused model leaves
the running one serving and answers 409 with the reason (code ``invalid_input``, field ``model_dir``:
the request is well-formed, but the files it names cannot be served).
"""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from fastapi import APIRouter, Depends
from pydantic import BaseModel, ConfigDict, Field, StrictStr

from signals.api.deps import MetricsDep, ModelStateDep, SettingsDep, require_admin_key, require_json
from signals.api.errors import ApiError, ErrorCode
from signals.api.schemas import ModelRef, error_responses
from signals.api.state import ModelUnavailable
from signals.errors import SignalsError

ADMIN_PREFIX = "/admin"
MAX_PATH_CHARS = 4096  # PATH_MAX on Linux

router = APIRouter(prefix=ADMIN_PREFIX, tags=["admin"],
                   dependencies=[Depends(require_admin_key), Depends(require_json)],
                   responses=error_responses(400, 401, 404, 409, 413, 415, 422))


class ReloadRequest(BaseModel):
    model_config = ConfigDict(extra="forbid", protected_namespaces=(), json_schema_extra={
        "examples": [{"model_dir": "signals-nl-0.2.0"}]})

    model_dir: StrictStr = Field(min_length=1, max_length=MAX_PATH_CHARS, description=(
        "the model directory to serve next: relative to SIGNALS_MODEL_ROOT, or absolute; either way it "
        "must resolve (after `..` and symlinks) to a folder below SIGNALS_MODEL_ROOT"))
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$", description=(
        "optional pin: the model's sha256 as /readyz and /v1/model report it; the directory is refused "
        "(before anything is unpickled) unless its manifest names exactly this model"))


class ReloadResponse(BaseModel):
    status: Literal["reloaded"] = "reloaded"
    model: ModelRef = Field(description="the model served from now on")
    previous: ModelRef | None = Field(description="the model served before (null when none was ready)")


def _refused(message: str) -> ApiError:
    return ApiError(409, ErrorCode.INVALID_INPUT, f"reload refused: {message}", "model_dir")


def _serving(state) -> str:
    service = state.service
    return f"{service.info.name} {service.info.version}" if service is not None else "nothing (not ready)"


@router.post("/reload", response_model=ReloadResponse, summary="Hot-reload the model")
async def reload_model(body: ReloadRequest, settings: SettingsDep, state: ModelStateDep,
                       metrics: MetricsDep) -> dict:
    """Load, verify (sha256 manifest, inside SIGNALS_MODEL_ROOT) and warm up the model in `model_dir`
    beside the running one, then swap it in atomically: requests in flight finish on the old model,
    later ones use the new one, and /readyz stays 200 throughout. When the new model is refused the
    old one keeps serving and the answer (409, code `invalid_input`) says why, naming the offending file."""
    if settings.model_root is None:
        raise _refused("hot reload needs SIGNALS_MODEL_ROOT, the folder models may be loaded from; "
                       f"still serving {_serving(state)}")
    target = Path(settings.model_root) / body.model_dir  # an absolute model_dir replaces the root here
    try:
        previous, service = await state.reload(settings, target, body.sha256)
    except ModelUnavailable as error:
        cause = error.cause
        code = f"{cause.code} " if isinstance(cause, SignalsError) else ""
        detail = f"{code}{type(cause).__name__}: {cause}"
        raise _refused(f"{error.reason}: {detail[:600]}; still serving {_serving(state)}") from None
    metrics.set_model(state.service.info if state.service is not None else None)  # whatever is served now
    return {"status": "reloaded", "model": service.info.as_dict(),
            "previous": previous.info.as_dict() if previous is not None else None}
