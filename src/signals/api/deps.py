"""Typed dependencies: settings, the served model, the metrics, API-key and admin-key auth, JSON
content type.

Settings are the app's (``create_app(settings)``; tests pass their own). The scoring routes read
them in their one dependency, ``get_scoring`` (the hot path: each dependency FastAPI resolves costs
per request); the other routes through ``get_settings``, which ``app.dependency_overrides`` can
replace for those routes only.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from signals.api.errors import ApiError, ErrorCode
from signals.api.metrics import ApiMetrics
from signals.api.scheduling import FairScheduler
from signals.api.state import ModelState
from signals.service import ScoringService
from signals.settings import Settings

API_KEY_HEADER = "X-API-Key"
_api_key = APIKeyHeader(name=API_KEY_HEADER, auto_error=False,
                        description="required on /v1 when SIGNALS_API_KEYS is set (any one of its keys)")
ADMIN_KEY_HEADER = "X-Admin-Key"
_admin_key = APIKeyHeader(name=ADMIN_KEY_HEADER, auto_error=False, scheme_name="AdminKey",
                          description="one of the keys in SIGNALS_ADMIN_KEYS (the /admin routes exist only then)")


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


async def get_model_state(request: Request) -> ModelState:
    return request.app.state.model


async def get_metrics(request: Request) -> ApiMetrics:
    return request.app.state.metrics


SettingsDep = Annotated[Settings, Depends(get_settings)]
ModelStateDep = Annotated[ModelState, Depends(get_model_state)]
MetricsDep = Annotated[ApiMetrics, Depends(get_metrics)]


async def get_service(state: ModelStateDep) -> ScoringService:
    """The ready service, read once per request (a hot reload swaps it between requests)."""
    service = state.service
    if service is None:
        raise ApiError(503, ErrorCode.NOT_READY, f"model not ready: {state.reason}", headers={"Retry-After": "5"})
    return service


ServiceDep = Annotated[ScoringService, Depends(get_service)]


@dataclass(frozen=True)
class Scoring:
    """What a scoring route needs, in one dependency (the scoring routes are the hot path: each
    dependency FastAPI resolves costs about as much per request as a small step of scoring)."""

    settings: Settings
    scheduler: FairScheduler
    service: ScoringService
    metrics: ApiMetrics


async def get_scoring(request: Request) -> Scoring:
    """``require_api_key``, ``require_json`` and ``get_service`` in one for the scoring routes: a valid
    API key (401), a JSON body (415), then the ready service (503) with the app's settings, scheduler
    and metrics. (The key is read here, not through a sub-dependency; the routes declare the scheme
    for the OpenAPI document with ``API_KEY_SECURITY``.)"""
    state = request.app.state
    check_api_key(state.settings, request.headers.get(API_KEY_HEADER))
    check_json(request)
    return Scoring(state.settings, state.scheduler, await get_service(state.model), state.metrics)


ScoringDep = Annotated[Scoring, Depends(get_scoring)]
API_KEY_SECURITY: dict[str, object] = {"security": [{_api_key.scheme_name: []}]}  # openapi_extra of the scoring routes


def _digest(value: str) -> bytes:
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).digest()


def key_matches(given: str, keys: list[str]) -> bool:
    """Constant-time comparison against every configured key (several are valid during rotation).

    Both sides are hashed first, so the comparison takes the same time whatever the given key's
    length (``compare_digest`` alone returns early on a length mismatch), and every key is compared."""
    given_digest = _digest(given)
    matched = False
    for key in keys:
        matched |= hmac.compare_digest(given_digest, _digest(key))
    return matched


async def require_api_key(settings: SettingsDep, key: Annotated[str | None, Security(_api_key)] = None) -> None:
    check_api_key(settings, key)


def check_api_key(settings: Settings, key: str | None) -> None:
    """401 unless ``key`` is one of the API keys (when any is set)."""
    keys = settings.keys("api")
    if not keys:
        return
    if key is None or not key_matches(key, keys):
        raise ApiError(401, ErrorCode.UNAUTHORIZED, f"missing or invalid {API_KEY_HEADER} header")


def admin_keys(settings: Settings) -> list[str]:
    """The keys that open /admin: ``SIGNALS_ADMIN_KEYS`` minus any key that is also an API key (an API
    client must never be able to reload the model by accident or by design)."""
    api = set(settings.keys("api"))
    return [key for key in settings.keys("admin") if key not in api]


async def require_admin_key(settings: SettingsDep, key: Annotated[str | None, Security(_admin_key)] = None) -> None:
    """404 when no admin key is configured (the routes do not exist then: ``create_app`` does not
    mount them, and this check keeps it so when settings are overridden); 401 for a missing or wrong
    key. Never the API keys: /admin has its own."""
    keys = admin_keys(settings)
    if not keys:
        raise ApiError(404, ErrorCode.NOT_FOUND, "Not Found")
    if key is None or not key_matches(key, keys):
        raise ApiError(401, ErrorCode.UNAUTHORIZED, f"missing or invalid {ADMIN_KEY_HEADER} header")


async def require_json(request: Request) -> None:
    """415 unless the body is declared as JSON (``application/json`` or ``application/*+json``)."""
    check_json(request)


def check_json(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    main, _, sub = media_type.partition("/")
    if main != "application" or not (sub == "json" or sub.endswith("+json")):
        raise ApiError(415, ErrorCode.UNSUPPORTED_MEDIA_TYPE,
                       f"send the body as application/json (got {media_type[:60] or 'no Content-Type'})")
