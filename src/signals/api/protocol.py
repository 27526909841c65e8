"""The answers uvicorn gives by itself, before the app runs, in the API's error envelope.

uvicorn's HTTP protocol answers two kinds of request without calling the app, in plain text: one it
cannot parse (400 ``Invalid HTTP request received.``: a malformed request line or header, a
``Content-Length`` that is not a number or given twice with two values, a broken chunked body) and
one that arrives over ``limit_concurrency`` (``SIGNALS_MAX_CONNECTIONS``: 503 ``Service
Unavailable``). ``EnvelopeH11Protocol`` is uvicorn's h11 protocol with both answers in the envelope,
``application/json`` as every other error, and ``Connection: close`` as uvicorn sends them; the rest
is uvicorn's own. ``signals serve`` passes it to uvicorn as ``http=``.

httptools is not a dependency (uvicorn's ``auto`` protocol is h11 without it), so there is no
httptools variant: ``http=`` pins h11 even where httptools is installed.

There is no request id on these answers: no request was read, and no request log line would carry it.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import STATUS_PHRASES, H11Protocol

from signals.api.errors import ErrorCode, error_response

# a fixed text: the parser's own error (which uvicorn does not pass on) may quote the request
MALFORMED_REQUEST = ("malformed HTTP request: the request line, a header (such as Content-Length or "
                     "Transfer-Encoding) or the chunked body could not be parsed")
TOO_MANY_CONNECTIONS = "the server has too many connections open or requests in flight; retry shortly"


def malformed_request_response():
    return error_response(400, ErrorCode.BAD_REQUEST, MALFORMED_REQUEST, headers={"Connection": "close"})


def too_many_connections_response():
    return error_response(503, ErrorCode.TOO_MANY_CONNECTIONS, TOO_MANY_CONNECTIONS,
                          headers={"Connection": "close", "Retry-After": "1"})


class EnvelopeH11Protocol(H11Protocol):
    """uvicorn's ``H11Protocol``, answering a malformed request (400 ``bad_request``) and a request
    over ``limit_concurrency`` (503 ``too_many_connections``) in the envelope."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # uvicorn picks its plain-text 503 inline in handle_events (flow_control.service_unavailable),
        # with no method to override: the limit moves from its check to the app it runs, same condition.
        self.connection_limit: int | None = self.limit_concurrency
        self.limit_concurrency = None
        if self.connection_limit is not None:
            self.app_within_limit = self.app
            self.app = self._run_within_limit

    def send_400_response(self, msg: str) -> None:
        """uvicorn's, with the envelope for a body (``msg`` is uvicorn's plain text, already logged)."""
        response = malformed_request_response()
        event = h11.Response(status_code=400, headers=response.raw_headers, reason=STATUS_PHRASES[400])
        self.transport.write(self.conn.send(event))
        self.transport.write(self.conn.send(h11.Data(data=response.body)))
        self.transport.write(self.conn.send(h11.EndOfMessage()))
        self.transport.close()

    def over_limit(self) -> bool:
        """uvicorn's check, made when the request's task starts instead of just before it is created:
        its own task is in ``tasks`` by then and does not count."""
        limit = self.connection_limit
        if limit is None:
            return False
        others = len(self.tasks) - int(asyncio.current_task() in self.tasks)
        return len(self.connections) >= limit or others >= limit

    async def _run_within_limit(self, scope, receive, send) -> None:
        if self.over_limit():
            self.logger.warning("Exceeded concurrency limit.")  # uvicorn's warning
            await too_many_connections_response()(scope, receive, send)
            return
        await self.app_within_limit(scope, receive, send)
