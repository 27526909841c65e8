"""The app factory: ``create_app(settings, service)``.

The model is loaded once, in the lifespan, then verified and warmed up; /readyz reports it. Routers
are per concern and thin: they validate, check limits and call the one ``ScoringService``.

Run it with ``signals serve`` or ``uvicorn --factory signals.api.app:create_app``.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread
from fastapi import Depends, FastAPI
from starlette.routing import BaseRoute

from signals import __version__
from signals.api import routes_admin, routes_health, routes_model, routes_review, routes_review_page, routes_score
from signals.api.body import BodyLimitMiddleware, BufferBudget
from signals.api.deps import admin_keys, require_api_key
from signals.api.errors import install_error_handlers
from signals.api.gate import KeyGateMiddleware
from signals.api.logs import LOGGER_NAME
from signals.api.metrics import ApiMetrics
from signals.api.middleware import RequestContextMiddleware
from signals.api.responses import EchoSafeJSONResponse
from signals.api.scheduling import FairScheduler
from signals.api.state import ModelState, ModelUnavailable, ScoringThreads, prepare_model
from signals.review.runtime import ReviewRuntime
from signals.service import ScoringService
from signals.settings import Settings, load_settings

log = logging.getLogger(LOGGER_NAME)

API_PREFIX = "/v1"

DESCRIPTION = """Scores Dutch social-media messages and conversations for grooming signals
(categories `recruitment`, `sextortion`, `disclosure`) so that trust-and-safety teams can route
them to human reviewers (`review`) or to a help workflow (`support`). It never acts by itself.

When `SIGNALS_API_KEYS` is set, every `/v1` call needs one of its keys in `X-API-Key`, except the
review queue: reading it takes a reviewer key (`X-Reviewer-Key`, `SIGNALS_REVIEWER_KEYS`), and
`/v1/feedback` takes either. Every error has the same body: `{"error": {"code", "message", "field"}}`."""


V1_ROUTERS = (routes_score.router, routes_model.router)


def _paths(routes: Iterable[BaseRoute], prefix: str = "") -> set[str]:
    return {prefix + path for path in (getattr(route, "path", None) for route in routes) if path}


def route_templates(app: FastAPI, admin: bool = False) -> frozenset[str]:
    """Every path the app serves (the metrics' ``handler`` label), from the routers we include
    (``/admin/reload`` too when the admin routes are mounted)."""
    paths = _paths(app.routes) | _paths(routes_health.router.routes)
    for router in (*V1_ROUTERS, routes_review.router):
        paths |= _paths(router.routes, API_PREFIX)
    paths |= _paths(routes_review_page.router.routes)
    if admin:
        paths |= _paths(routes_admin.router.routes)
    return frozenset(paths)


def create_app(settings: Settings | None = None, service: ScoringService | None = None) -> FastAPI:
    """A new app. ``settings`` default to the environment (``SIGNALS_*``); pass ``service`` to serve
    an already loaded model (its files are re-verified), else it is loaded from ``settings.model_dir``."""
    settings = settings if settings is not None else load_settings()
    model = ModelState()
    metrics = ApiMetrics()
    review = ReviewRuntime(settings.review_db, settings.review_retention_days, settings.review_purge_interval,
                           metrics.registry)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # the loop scores small micro-batches itself when inline_chars allows it (see scheduling)
        model.threads = ScoringThreads(settings.workers, threading.get_ident() if settings.inline_chars else None)
        model.reload_lock = anyio.Lock()
        try:
            prepared = await anyio.to_thread.run_sync(prepare_model, settings, service)
            await anyio.to_thread.run_sync(model.threads.warm, prepared)
            model.serve(prepared)
            # The model's tables are a million long-lived objects; the cyclic garbage collector
            # walked them all on every full collection (pauses of 100 ms and more under load).
            # Frozen, they are left out of collections; everything made later is collected as usual.
            gc.freeze()
        except ModelUnavailable as error:
            model.fail(error)  # stay up: /healthz 200, /readyz 503 with the reason, logged
        metrics.set_model(model.service.info if model.service else None)
        try:
            async with review.running():  # the review store: migrated, purged on a timer
                yield
        finally:
            metrics.set_model(None)
            if model.service is not None:
                model.threads.release_loop_pipeline(model.service)
            model.threads.shutdown()

    # redirect_slashes off: /v1/score/ is a 404, not a 307 (before auth) to a Location built from Host.
    app = FastAPI(title="signals", version=__version__, description=DESCRIPTION, lifespan=lifespan,
                  redirect_slashes=False)
    app.state.settings = settings
    app.state.model = model
    app.state.metrics = metrics
    app.state.review = review
    app.state.scheduler = FairScheduler(settings, model.run)
    install_error_handlers(app)

    # A response class set here (not a placeholder) turns off FastAPI's pydantic-to-JSON fast path for
    # these routes, which would fail on a lone surrogate echoed back in an id (see EchoSafeJSONResponse).
    # The scoring routes come first and one level deep (each level of included routers is matched
    # on every request); their one dependency checks the API key.
    app.include_router(routes_score.router, prefix=API_PREFIX, default_response_class=EchoSafeJSONResponse)
    app.include_router(routes_model.router, prefix=API_PREFIX, dependencies=[Depends(require_api_key)],
                       default_response_class=EchoSafeJSONResponse)
    # The review routes have their own keys per route (scoring key, reviewer key), not the API key alone.
    app.include_router(routes_review.router, prefix=API_PREFIX, default_response_class=EchoSafeJSONResponse)
    routes_review_page.install_review_page(app)
    app.include_router(routes_health.router)
    # /admin (hot reload) exists only when admin keys are set: otherwise its paths are unknown routes
    # (404 for every method and body), and it is not in the OpenAPI schema.
    shared = set(settings.keys("admin")) & set(settings.keys("api"))
    if shared:
        log.error("admin_keys_ignored", extra={"fields": {
            "keys": len(shared), "reason": "a key in SIGNALS_ADMIN_KEYS is also an API key; admin keys must differ"}})
    admin = bool(admin_keys(settings))
    if admin:
        app.include_router(routes_admin.router, default_response_class=EchoSafeJSONResponse)

    # Added inside out, so a request meets them in this order: RequestContextMiddleware (id, log,
    # metrics: every answer below is logged and counted), KeyGateMiddleware (401 from the headers,
    # before any body is read), BodyLimitMiddleware (size, read timeout, bytes held by all requests).
    app.add_middleware(BodyLimitMiddleware, max_bytes=settings.max_body_bytes, timeout=settings.body_timeout,
                       budget=BufferBudget(settings.max_buffered_bytes))
    app.add_middleware(KeyGateMiddleware, settings=lambda: app.state.settings)
    app.add_middleware(RequestContextMiddleware, metrics=metrics, templates=route_templates(app, admin),
                       model_version=lambda: model.service.info.version if model.service else None)
    return app

