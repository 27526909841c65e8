"""Reading the request body, bounded: in size (413), in time (408) and in what all requests being
read at once may hold (503 ``busy``). A client that leaves mid-body is marked ``client_closed``
(logged and counted as 499), not an error of ours.

The body is read here (it is parsed whole anyway) and replayed to the app, so the app never sees a
partial body and the limits hold for chunked requests and wrong Content-Length headers.
"""

from __future__ import annotations

import json
import time

import anyio
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from signals.api.errors import ErrorCode, error_response, remember_error


class BufferBudget:
    """Body bytes held by every request of one app, together (the event loop is one thread)."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self.used = 0

    def take(self, count: int) -> bool:
        if self.used + count > self.capacity:
            return False
        self.used += count
        return True

    def give_back(self, count: int) -> None:
        self.used -= count


class BodyLimitMiddleware:
    """413 when the body is over ``max_bytes`` (from Content-Length at once, else while reading),
    408 when it has not fully arrived ``timeout`` seconds after the request started, 503 when taking
    it would put the bytes held by all requests over ``budget``; each with ``Connection: close``."""

    def __init__(self, app: ASGIApp, *, max_bytes: int, timeout: float = 10.0,
                 budget: BufferBudget | None = None) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.timeout = timeout
        self.budget = budget if budget is not None else BufferBudget(1 << 62)

    async def _reject(self, scope: Scope, receive: Receive, send: Send, status: int, code: ErrorCode,
                      message: str, retry_after: bool = False) -> None:
        remember_error(scope, code)
        headers = {"Connection": "close", **({"Retry-After": "1"} if retry_after else {})}
        await error_response(status, code, message, headers=headers)(scope, receive, send)

    def _declared_length(self, scope: Scope) -> int | None:
        declared = [v for k, v in scope.get("headers", ()) if k == b"content-length"]
        if not declared:
            return None
        try:
            length = int(declared[0])
        except ValueError:
            return -1
        return -1 if length < 0 or len(set(declared)) > 1 else length

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        held = [0]  # bytes this request holds of the budget, given back when it is done
        try:
            body = await self._read(scope, receive, send, held)
            if body is None:
                return
            if body and _declares_json(scope) and not _is_utf8(body):
                # JSON is UTF-8 (RFC 8259), but the JSON decoder guesses UTF-16 and UTF-32 from the first
                # bytes: such a body is passed on as an unreadable one, refused where any body that is not
                # UTF-8 is (400 bad_request, after the key and size checks)
                body = NOT_UTF8
            replayed = False

            async def replay() -> Message:
                nonlocal replayed
                if not replayed:
                    replayed = True
                    return {"type": "http.request", "body": body, "more_body": False}
                return await receive()

            await self.app(scope, replay, send)
        finally:
            self.budget.give_back(held[0])

    async def _read(self, scope: Scope, receive: Receive, send: Send, held: list[int]) -> bytes | None:
        """The whole body, or None when the request was answered (or the client left) instead."""
        too_large = f"request body is over the limit of {self.max_bytes} bytes"
        busy = "the server is reading too many request bodies at once; retry shortly"
        length = self._declared_length(scope)
        if length is not None and length < 0:
            await self._reject(scope, receive, send, 400, ErrorCode.BAD_REQUEST, "invalid Content-Length header")
            return None
        if length is not None and length > self.max_bytes:
            await self._reject(scope, receive, send, 413, ErrorCode.BODY_TOO_LARGE, too_large)
            return None
        if length and not self._hold(held, length):
            await self._reject(scope, receive, send, 503, ErrorCode.BUSY, busy, retry_after=True)
            return None
        state = scope.setdefault("state", {})
        deadline = state.get("started", time.monotonic()) + self.timeout
        chunks: list[bytes] = []
        size = 0
        while True:
            message = None
            with anyio.move_on_after(max(0.0, deadline - time.monotonic())):
                message = await receive()
            if message is None:
                await self._reject(scope, receive, send, 408, ErrorCode.REQUEST_TIMEOUT,
                                   f"the request body did not arrive within {self.timeout:g} s")
                return None
            if message["type"] == "http.disconnect":
                remember_error(scope, ErrorCode.CLIENT_CLOSED)
                state["client_closed"] = True
                return None
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._reject(scope, receive, send, 413, ErrorCode.BODY_TOO_LARGE, too_large)
                return None
            if not self._hold(held, size):
                await self._reject(scope, receive, send, 503, ErrorCode.BUSY, busy, retry_after=True)
                return None
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    def _hold(self, held: list[int], total: int) -> bool:
        """Hold ``total`` bytes of the budget for this request (what it holds already counts)."""
        if total <= held[0]:
            return True
        if not self.budget.take(total - held[0]):
            return False
        held[0] = total
        return True


NOT_UTF8 = b"\xff"  # a body no decoder reads


def _declares_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", ()):
        if name == b"content-type":
            media = value.split(b";", 1)[0].strip().lower()
            return media == b"application/json" or media.endswith(b"+json")
    return False


def _is_utf8(body: bytes) -> bool:
    """Valid UTF-8 that the JSON decoder would also read as UTF-8 (ASCII JSON in UTF-16-LE without a
    byte order mark is valid UTF-8, full of NULs, and ``json.loads`` reads it as UTF-16)."""
    if json.detect_encoding(body) not in ("utf-8", "utf-8-sig"):
        return False
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True
