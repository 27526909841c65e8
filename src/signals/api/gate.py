"""The key gate: ``X-API-Key`` on /v1 and ``X-Admin-Key`` on /admin are checked from the headers,
before a byte of the body is read. A client without a valid key gets the 401 envelope at once and
the connection is closed, so it cannot make the server buffer a body or wait for one. The
dependencies in ``deps.py`` check the same keys again on every route (defence in depth).
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Receive, Scope, Send

from signals.api.deps import ADMIN_KEY_HEADER, API_KEY_HEADER, admin_keys, key_matches
from signals.api.errors import ErrorCode, error_response, remember_error
from signals.api.middleware import app_path
from signals.api.review_deps import REVIEWER_KEY_HEADER, reviewer_keys
from signals.settings import Settings

API_PREFIX = "/v1"
ADMIN_PREFIX = "/admin"
REVIEW_PATHS = ("/v1/review", "/v1/feedback")  # where a reviewer key stands in for the API key


def _under(path: str, prefix: str) -> bool:
    return path == prefix or path.startswith(prefix + "/")


def _header(scope: Scope, name: str) -> str | None:
    wanted = name.lower().encode("latin-1")
    for key, value in scope.get("headers", ()):
        if key == wanted:
            return value.decode("latin-1")
    return None


class KeyGateMiddleware:
    """401 for /v1 and /admin requests without a valid key, from the headers alone.

    /v1 needs one of ``SIGNALS_API_KEYS`` when any is set, except that the review routes may carry a
    reviewer key instead (it must then be one of the reviewer keys; without reviewer keys configured
    the header counts for nothing and the API key is required as everywhere else); /admin needs one of the admin
    keys when any is set (without admin keys the /admin routes do not exist, and the router answers 404)."""

    def __init__(self, app: ASGIApp, *, settings: Callable[[], Settings]) -> None:
        self.app = app
        self.settings = settings

    def _required(self, path: str, scope: Scope) -> tuple[str, list[str]] | None:
        settings = self.settings()
        if any(_under(path, prefix) for prefix in REVIEW_PATHS) and _header(scope, REVIEWER_KEY_HEADER) is not None:
            keys = reviewer_keys(settings)  # the routes then check what it may do
            if keys:
                return REVIEWER_KEY_HEADER, keys
            # no reviewer keys: a reviewer header opens nothing, the API key rules below hold
        if _under(path, API_PREFIX):
            keys = settings.keys("api")
            return (API_KEY_HEADER, keys) if keys else None
        if _under(path, ADMIN_PREFIX):
            keys = admin_keys(settings)
            return (ADMIN_KEY_HEADER, keys) if keys else None
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        required = self._required(app_path(scope), scope) if scope["type"] == "http" else None
        if required is not None:
            header, keys = required
            given = _header(scope, header)
            if given is None or not key_matches(given, keys):
                remember_error(scope, ErrorCode.UNAUTHORIZED)
                response = error_response(401, ErrorCode.UNAUTHORIZED, f"missing or invalid {header} header",
                                          headers={"Connection": "close"})
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
