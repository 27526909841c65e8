"""The request context, a pure ASGI middleware: request id, one JSON log line and the metrics per
request, and the last-resort 500 envelope. (The key gate is ``gate.py``, the bounded body read
``body.py``.)"""

from __future__ import annotations

import functools
import logging
import os
import re
import time
import traceback
from collections.abc import Callable

from starlette.datastructures import MutableHeaders
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from signals.api.errors import ErrorCode, error_response, remember_error
from signals.api.logs import LOGGER_NAME
from signals.api.metrics import UNMATCHED, ApiMetrics, bounded_method

log = logging.getLogger(LOGGER_NAME)

REQUEST_ID_HEADER = "X-Request-ID"
# Accepted as given when it looks like an id (uuid, trace id); anything else is replaced, so the
# header can never carry text into the logs.
_REQUEST_ID = re.compile(r"[A-Za-z0-9._:\-]{1,128}")


def request_id_from(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate = value.decode("latin-1")
            if _REQUEST_ID.fullmatch(candidate):
                return candidate
            break
    return os.urandom(16).hex()  # 32 hex digits, like uuid4().hex, at a third of the cost


def app_path(scope: Scope) -> str:
    """The path below the app's root path."""
    path, root = scope.get("path", ""), scope.get("root_path", "")
    return path[len(root):] if root and path.startswith(root) else path


def route_template(scope: Scope, templates: frozenset[str]) -> str:
    """The route template for the metrics and the log (never the raw path of an unknown route).

    A path without parameters is its own template (so requests stopped before routing, a 413, are
    labelled the same way as routed ones: 401, 408, 413); a path of a route with a path parameter is
    labelled with its template (``/v1/review/items/{item_id}``), never with the id in the path."""
    path = app_path(scope)
    if path in templates:
        return path
    for template, pattern in _parametrised(templates):
        if pattern.fullmatch(path):
            return template
    return UNMATCHED


@functools.lru_cache(maxsize=8)
def _parametrised(templates: frozenset[str]) -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The templates with path parameters, each with a pattern matching its paths (a parameter is
    one non-empty path segment)."""
    return tuple((template, re.compile(re.sub(r"\\\{[^/]+?\\\}", "[^/]+", re.escape(template))))
                 for template in sorted(templates) if "{" in template)


CLIENT_CLOSED_STATUS = 499  # nginx's "client closed request": the client left, nothing was answered


class RequestContextMiddleware:
    """Request id in and out, one JSON log line and the HTTP metrics per request, and the 500
    envelope for anything unexpected (so even that answer carries the request id)."""

    def __init__(self, app: ASGIApp, *, metrics: ApiMetrics, templates: frozenset[str],
                 model_version: Callable[[], str | None]) -> None:
        self.app = app
        self.metrics = metrics
        self.templates = templates
        self.model_version = model_version

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = request_id_from(scope)
        state = scope.setdefault("state", {})
        state["request_id"] = request_id
        state["started"] = time.monotonic()  # the request's time budget and body timeout count from here
        started = time.perf_counter()
        status = 500
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                MutableHeaders(scope=message)[REQUEST_ID_HEADER] = request_id
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
            if state.get("client_closed") and not response_started:
                status = CLIENT_CLOSED_STATUS
        except ClientDisconnect:  # the app read the body itself and the client had gone
            remember_error(scope, ErrorCode.CLIENT_CLOSED)
            status = CLIENT_CLOSED_STATUS if not response_started else status
        except Exception as exc:
            remember_error(scope, ErrorCode.INTERNAL_ERROR)
            log.error("unhandled_error", extra={"fields": {
                "request_id": request_id, "error_type": type(exc).__name__,
                "stack": "".join(traceback.format_tb(exc.__traceback__)),  # not str(exc): it may quote the request
            }})
            if response_started:
                raise
            response = error_response(500, ErrorCode.INTERNAL_ERROR,
                                      "internal error; the request id is in the X-Request-ID header")
            await response(scope, receive, send_with_id)
        finally:
            seconds = time.perf_counter() - started
            handler = route_template(scope, self.templates)
            method = bounded_method(scope["method"])
            self.metrics.observe_request(method, handler, status, seconds)
            fields = {"request_id": request_id, "method": method, "route": handler, "status": status,
                      "latency_ms": round(seconds * 1000, 2), "model_version": self.model_version()}
            for key in ("messages", "error_code"):
                if key in state:
                    fields[key] = state[key]
            log.info("request", extra={"fields": fields})
