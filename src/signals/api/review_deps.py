"""Dependencies of the review routes: reviewer keys, the review store, the categories to validate
against.

Who may do what:
- a scoring key (``X-API-Key``, ``SIGNALS_API_KEYS``; open when none is set, as for /v1/score)
  enqueues items, deletes them and posts feedback, but never reads the queue's text;
- a reviewer key (``X-Reviewer-Key``, ``SIGNALS_REVIEWER_KEYS``) reads the queue and decides,
  nothing else (it is not an API key, so /v1/score and enqueueing refuse it when API keys are set).
401 means missing or invalid credentials only; a valid key that does not open the route is 403 (a
scoring key reading the queue, a reviewer key enqueueing or deleting).
With no reviewer key configured the queue is closed (403): its text is never open to anyone, and
``X-Reviewer-Key`` opens nothing. A key that is also an API or admin key is ignored as a reviewer key.
"""

from __future__ import annotations

import logging
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyHeader

from signals.api.deps import API_KEY_HEADER, SettingsDep, _api_key, check_api_key, key_matches
from signals.api.errors import ApiError, ErrorCode
from signals.api.logs import LOGGER_NAME
from signals.review.runtime import ReviewRuntime
from signals.review.store import ReviewStore
from signals.settings import Settings
from signals.taxonomy import CATEGORIES

log = logging.getLogger(LOGGER_NAME)

REVIEWER_KEY_HEADER = "X-Reviewer-Key"
_reviewer_key = APIKeyHeader(name=REVIEWER_KEY_HEADER, auto_error=False, scheme_name="ReviewerKey",
                             description="one of the keys in SIGNALS_REVIEWER_KEYS: reads the queue and decides")


def reviewer_keys(settings: Settings) -> list[str]:
    """``SIGNALS_REVIEWER_KEYS`` minus any key that is also an API or admin key."""
    others = set(settings.keys("api")) | set(settings.keys("admin"))
    return [key for key in settings.keys("reviewer") if key not in others]


def _queue_closed() -> ApiError:
    """403 while no reviewer key is configured: nobody, whatever key they send, may read or decide."""
    return ApiError(403, ErrorCode.FORBIDDEN, "the review queue is closed: no reviewer key is configured "
                    "(SIGNALS_REVIEWER_KEYS)")


async def require_reviewer(settings: SettingsDep, key: Annotated[str | None, Security(_reviewer_key)] = None,
                     api_key: Annotated[str | None, Security(_api_key)] = None) -> None:
    keys = reviewer_keys(settings)
    if not keys:
        raise _queue_closed()
    if key is not None and key_matches(key, keys):
        return
    if key is None and api_key is not None and key_matches(api_key, settings.keys("api")):
        raise ApiError(403, ErrorCode.FORBIDDEN, "a scoring key cannot read the review queue; reviewers use "
                       f"{REVIEWER_KEY_HEADER}")
    raise ApiError(401, ErrorCode.UNAUTHORIZED, f"missing or invalid {REVIEWER_KEY_HEADER} header")


async def require_scoring_key(request: Request, settings: SettingsDep,
                              api_key: Annotated[str | None, Security(_api_key)] = None) -> None:
    """Enqueue and delete: the scoring key rules (``check_api_key``), except that a valid reviewer key
    sent instead of a scoring key is 403, not 401: the key is good, it only does not open these routes.
    (``X-Reviewer-Key`` is read from the headers, so the OpenAPI schema does not offer it here.)"""
    reviewer_key = request.headers.get(REVIEWER_KEY_HEADER)
    if (api_key is None and settings.keys("api") and reviewer_key is not None
            and key_matches(reviewer_key, reviewer_keys(settings))):
        raise ApiError(403, ErrorCode.FORBIDDEN, "a reviewer key cannot enqueue or delete review items; the "
                       f"platform uses {API_KEY_HEADER}")
    check_api_key(settings, api_key)


async def require_scoring_or_reviewer(request: Request, settings: SettingsDep,
                                key: Annotated[str | None, Security(_reviewer_key)] = None,
                                api_key: Annotated[str | None, Security(_api_key)] = None) -> str:
    """Feedback: a reviewer key when ``X-Reviewer-Key`` is sent (even empty; 403 while no reviewer key
    is configured), else the scoring key rules. Returns who it is: ``reviewer`` or ``platform``."""
    if key is not None or REVIEWER_KEY_HEADER.lower() in request.headers:
        keys = reviewer_keys(settings)
        if not keys:
            raise _queue_closed()
        if key_matches(key or "", keys):
            return "reviewer"
        raise ApiError(401, ErrorCode.UNAUTHORIZED, f"missing or invalid {REVIEWER_KEY_HEADER} header")
    check_api_key(settings, api_key)
    return "platform"


async def get_review(request: Request) -> ReviewRuntime:
    return request.app.state.review


ReviewDep = Annotated[ReviewRuntime, Depends(get_review)]


async def get_store(review: ReviewDep) -> ReviewStore:
    if review.store is None:
        raise ApiError(503, ErrorCode.NOT_READY, f"review store not ready: {review.reason}", headers={"Retry-After": "5"})
    return review.store


StoreDep = Annotated[ReviewStore, Depends(get_store)]


def known_categories(request: Request) -> tuple[str, ...]:
    """The served model's categories; the taxonomy's when no model is ready."""
    service = request.app.state.model.service
    return tuple(service.thresholds) if service is not None else CATEGORIES


def served_thresholds(request: Request) -> dict[str, float]:
    service = request.app.state.model.service
    return dict(service.thresholds) if service is not None else {}
