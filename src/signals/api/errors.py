"""The one error envelope of the API, ``{"error": {"code", "message", "field"}}``, and its handlers.

Every error the API returns goes through ``error_response``: validation errors, limits, auth, 404,
405, 413, 415, malformed JSON and unexpected exceptions. Messages never echo the request's text.
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from enum import Enum
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from signals.errors import SignalsError
from signals.review.errors import ReviewError


class ErrorCode(str, Enum):
    """Stable, machine-readable codes of the API's error envelope."""

    BAD_REQUEST = "bad_request"                        # 400: unreadable body, bad Content-Length
    INVALID_JSON = "invalid_json"                      # 400: body is not valid JSON
    UNAUTHORIZED = "unauthorized"                      # 401: missing or wrong X-API-Key
    FORBIDDEN = "forbidden"                            # 403: a valid key, but not one for this route
    NOT_FOUND = "not_found"                            # 404
    METHOD_NOT_ALLOWED = "method_not_allowed"          # 405
    REQUEST_TIMEOUT = "request_timeout"                # 408: the body did not arrive within body_timeout
    BODY_TOO_LARGE = "body_too_large"                  # 413: over max_body_bytes
    UNSUPPORTED_MEDIA_TYPE = "unsupported_media_type"  # 415: not application/json
    VALIDATION_ERROR = "validation_error"              # 422: wrong type, missing or unknown field
    EMPTY_TEXT = "empty_text"                          # 422: text to score is empty or whitespace
    LIMIT_EXCEEDED = "limit_exceeded"                  # 422: over a text, batch or turn limit
    INVALID_INPUT = "invalid_input"                    # 422: the scoring service rejected the input
    CLIENT_CLOSED = "client_closed"                    # 499: the client left mid-request (logs and metrics only)
    INTERNAL_ERROR = "internal_error"                  # 500
    NOT_READY = "not_ready"                            # 503: model not loaded, verified and warmed up
    BUSY = "busy"                                      # 503: too many request bodies being read at once
    TOO_MANY_CONNECTIONS = "too_many_connections"      # 503: over max_connections (connections or requests in flight)
    TIME_BUDGET_EXCEEDED = "time_budget_exceeded"      # 503: the request's time budget ran out


HTTP_STATUS_CODES: dict[int, ErrorCode] = {
    400: ErrorCode.BAD_REQUEST,
    401: ErrorCode.UNAUTHORIZED,
    403: ErrorCode.FORBIDDEN,
    404: ErrorCode.NOT_FOUND,
    408: ErrorCode.REQUEST_TIMEOUT,
    405: ErrorCode.METHOD_NOT_ALLOWED,
    413: ErrorCode.BODY_TOO_LARGE,
    415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
    422: ErrorCode.VALIDATION_ERROR,
    503: ErrorCode.NOT_READY,
}


class ApiError(Exception):
    """An error the API answers with a status and the envelope (raised by routes and dependencies)."""

    def __init__(self, status: int, code: ErrorCode, message: str, field: str | None = None,
                 headers: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.field = field
        self.headers = headers


def envelope(code: ErrorCode | str, message: str, field: str | None = None) -> dict:
    return {"error": {"code": ErrorCode(code).value, "message": message, "field": field}}


def remember_error(scope: MutableMapping[str, Any], code: ErrorCode | str) -> None:
    """Leave the error code in the request's scope state, where the request log finds it."""
    scope.setdefault("state", {})["error_code"] = ErrorCode(code).value


def error_response(status: int, code: ErrorCode | str, message: str, field: str | None = None,
                   headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(envelope(code, message, field), status_code=status, headers=headers)


MAX_FIELD_CHARS = 200


def refuse_query(scope, accepted: Sequence[str] = (), *, body: bool = True) -> None:
    """422 for a query parameter the route does not take (``accepted``; by default none):
    ``POST /v1/score?explain=true`` answered without tactics, as if the parameter had been read (a
    misspelt field is refused for the same reason). ``body=False`` for a route without a JSON body
    (the message then does not point to one)."""
    unknown = _unknown_query_parameter(scope, accepted)
    if unknown is not None:
        name = unknown[:MAX_FIELD_CHARS]
        takes = f"only {', '.join(accepted)}" if accepted else "none (options go in the JSON body)" if body else "none"
        raise ApiError(422, ErrorCode.VALIDATION_ERROR, f"unknown query parameter {name!r}: this route takes {takes}",
                       f"query.{name}")


def _unknown_query_parameter(scope, accepted: Sequence[str]) -> str | None:
    """The first query parameter not in ``accepted`` (a query string without a name is itself one)."""
    raw = scope.get("query_string") or b""
    if not raw:
        return None
    from urllib.parse import parse_qsl

    names = [name for name, _ in parse_qsl(raw.decode("latin-1"), keep_blank_values=True)] or [raw.decode("latin-1")]
    return next((name for name in names if name not in accepted), None)


def field_path(loc: Sequence[Any]) -> str | None:
    """``("body", "messages", 0, "text")`` → ``"messages[0].text"``; the body itself → ``None``."""
    parts = list(loc[1:] if loc and loc[0] == "body" else loc)
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    # an unknown key is echoed in the path: a 500,000-character key is not sent back whole
    return (path if len(path) <= MAX_FIELD_CHARS else path[:MAX_FIELD_CHARS] + "…") or None


def _validation_envelope(exc: RequestValidationError) -> tuple[int, ErrorCode, str, str | None]:
    errors = list(exc.errors())
    if not errors:
        return 422, ErrorCode.VALIDATION_ERROR, "invalid request", None
    first = errors[0]
    kind, loc = first.get("type", ""), tuple(first.get("loc", ()))
    if kind == "json_invalid":
        detail = (first.get("ctx") or {}).get("error", "JSON decode error")
        position = loc[1] if len(loc) > 1 else "?"
        return 400, ErrorCode.INVALID_JSON, f"malformed JSON: {detail} at position {position}", None
    field = field_path(loc)
    if kind == "missing" and field is None:
        message = "a JSON request body is required"
    elif kind == "extra_forbidden":
        message = "unknown field (extra fields are rejected so that a misspelt one is not silently ignored)"
    else:
        message = str(first.get("msg", "invalid value"))
    if len(errors) > 1:
        message += f" (and {len(errors) - 1} more error{'s' if len(errors) > 2 else ''})"
    code = ErrorCode.EMPTY_TEXT if kind == ErrorCode.EMPTY_TEXT.value else ErrorCode.VALIDATION_ERROR
    return 422, code, message, field


async def _on_api_error(request: Request, exc: ApiError) -> JSONResponse:
    remember_error(request.scope, exc.code)
    return error_response(exc.status, exc.code, exc.message, exc.field, exc.headers)


async def _on_validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    status, code, message, field = _validation_envelope(exc)
    remember_error(request.scope, code)
    return error_response(status, code, message, field)


def allowed_methods(request: Request) -> str | None:
    """Every method the schema documents for the request's path (a path served by several routes,
    such as GET and POST ``/v1/review/items``, lists them all; Starlette names only the first)."""
    from signals.api.middleware import route_template

    paths = request.app.openapi().get("paths", {})
    template = route_template(request.scope, frozenset(paths))
    methods = sorted(m.upper() for m in paths.get(template, {}) if m in ("get", "post", "put", "patch", "delete"))
    return ", ".join(methods) or None


async def _on_http_exception(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    code = HTTP_STATUS_CODES.get(exc.status_code, ErrorCode.BAD_REQUEST if exc.status_code < 500
                                 else ErrorCode.INTERNAL_ERROR)
    remember_error(request.scope, code)
    message = exc.detail if isinstance(exc.detail, str) and exc.detail else code.value.replace("_", " ")
    headers = dict(exc.headers or {})
    if exc.status_code == 405:
        headers["Allow"] = allowed_methods(request) or headers.get("Allow", "")
    return error_response(exc.status_code, code, message, None, headers)


async def _on_signals_error(request: Request, exc: SignalsError) -> JSONResponse:
    remember_error(request.scope, ErrorCode.INVALID_INPUT)
    return error_response(422, ErrorCode.INVALID_INPUT, f"{exc.code}: {exc.message}", exc.field)


async def _on_review_error(request: Request, exc: ReviewError) -> JSONResponse:
    code = ErrorCode(exc.api_code)
    remember_error(request.scope, code)
    return error_response(exc.status, code, exc.message, exc.field)


async def _on_unexpected(request: Request, exc: Exception) -> JSONResponse:
    remember_error(request.scope, ErrorCode.INTERNAL_ERROR)
    return error_response(500, ErrorCode.INTERNAL_ERROR, "internal error; the request id is in the X-Request-ID header")


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(ApiError, _on_api_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _on_validation_error)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)  # type: ignore[arg-type]
    app.add_exception_handler(SignalsError, _on_signals_error)  # type: ignore[arg-type]
    app.add_exception_handler(ReviewError, _on_review_error)  # type: ignore[arg-type]
    # Backstop only: RequestContextMiddleware already turns unexpected exceptions into this envelope.
    app.add_exception_handler(Exception, _on_unexpected)
