"""Reading the body, bounded at the ASGI level: a read timeout (408), a budget for the bytes all
requests hold at once (503 ``busy``), and a client that leaves mid-body: marked ``client_closed``,
logged and counted as 499, never as a 500."""

from __future__ import annotations

import asyncio
import json
import logging

import anyio
import pytest

from signals.api import create_app
from signals.api.body import BodyLimitMiddleware, BufferBudget
from signals.api.logs import JsonFormatter


async def _echo_app(scope, receive, send):
    message = await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": message["body"]})


def _scope(headers=(), path="/v1/score") -> dict:
    return {"type": "http", "method": "POST", "path": path, "headers": list(headers), "state": {}}


async def _drive(middleware, scope, messages, pause_after: int | None = None):
    """Run one request; with ``pause_after`` the client stalls after sending that many messages."""
    sent: list[dict] = []
    given = 0

    async def receive():
        nonlocal given
        if pause_after is not None and given >= pause_after:
            await anyio.sleep(3600)
        given += 1
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    await middleware(scope, receive, send)
    return sent


def _part(body: bytes, more: bool = True) -> dict:
    return {"type": "http.request", "body": body, "more_body": more}


def test_a_body_that_does_not_arrive_in_time_is_a_408():
    middleware = BodyLimitMiddleware(_echo_app, max_bytes=1000, timeout=0.2)
    scope = _scope()
    sent = asyncio.run(_drive(middleware, scope, [_part(b"x" * 10)], pause_after=0))
    assert sent[0]["status"] == 408
    assert (b"connection", b"close") in sent[0]["headers"]
    assert json.loads(sent[1]["body"])["error"]["code"] == "request_timeout"
    assert scope["state"]["error_code"] == "request_timeout"


def test_bodies_held_at_once_are_bounded_and_given_back():
    budget = BufferBudget(1_000)
    middleware = BodyLimitMiddleware(_echo_app, max_bytes=1_000, timeout=5, budget=budget)

    async def scenario():
        async with anyio.create_task_group() as group:
            slow = _scope()
            group.start_soon(_drive, middleware, slow, [_part(b"a" * 700)], 1)   # holds 700 bytes, then stalls
            await anyio.sleep(0.05)
            assert budget.used == 700
            busy = await _drive(middleware, _scope(), [_part(b"b" * 200), _part(b"c" * 200, more=False)])
            declared = await _drive(middleware, _scope([(b"content-length", b"400")]), [_part(b"d" * 400, False)])
            fits = await _drive(middleware, _scope(), [_part(b"e" * 300, more=False)])
            group.cancel_scope.cancel()
        return busy, declared, fits

    busy, declared, fits = asyncio.run(scenario())
    for sent in (busy, declared):
        assert sent[0]["status"] == 503
        assert dict(sent[0]["headers"])[b"retry-after"] == b"1"
        assert json.loads(sent[1]["body"])["error"]["code"] == "busy"
    assert fits[0]["status"] == 200 and fits[1]["body"] == b"e" * 300
    assert budget.used == 0, "every request gave its bytes back, the cancelled one too"


def test_a_client_that_leaves_mid_body_is_marked_client_closed():
    scope = _scope()
    sent = asyncio.run(_drive(BodyLimitMiddleware(_echo_app, max_bytes=1000), scope,
                              [_part(b"x" * 10), {"type": "http.disconnect"}]))
    assert sent == []
    assert scope["state"]["client_closed"] is True and scope["state"]["error_code"] == "client_closed"


def _log_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "signals.api"]


@pytest.mark.parametrize("keys", ["", "k"])
def test_a_disconnect_mid_body_is_logged_and_counted_as_499_not_500(settings_for, service, caplog, keys):
    caplog.set_level(logging.INFO, logger="signals.api")
    app = create_app(settings_for(api_keys=keys), service)
    headers = [(b"content-type", b"application/json"), (b"x-request-id", b"weg-1")] + ([(b"x-api-key", b"k")] if keys
                                                                                       else [])
    for _ in range(3):
        sent = asyncio.run(_drive(app, {**_scope(headers), "query_string": b""},
                                  [_part(b'{"messages": ['), {"type": "http.disconnect"}]))
        assert sent == []
    lines = [line for line in _log_lines(caplog) if line.get("request_id") == "weg-1"]
    assert [(line["status"], line["error_code"], line["route"]) for line in lines] == \
        [(499, "client_closed", "/v1/score")] * 3
    assert not [line for line in _log_lines(caplog) if line["event"] == "unhandled_error"]
    metrics = app.state.metrics.render().decode()
    assert 'signals_http_requests_total{handler="/v1/score",method="POST",status="499"} 3.0' in metrics
    assert 'status="500"' not in metrics
