"""Request ids, structured logs without message text, and the body limit at the ASGI level."""

from __future__ import annotations

import asyncio
import json
import logging

import pytest

from signals.api.body import BodyLimitMiddleware
from signals.api.errors import ErrorCode, remember_error
from signals.api.logs import JsonFormatter
from signals.api.metrics import UNMATCHED
from signals.api.middleware import request_id_from, route_template

SECRET_TEXT = "geheim-bericht-hoe-oud-ben-je-zeldzaam"
SECRET_ID = "bericht-id-zeldzaam-4711"


REQUEST_IDS = [
    ("abc-123", True),
    ("0f8fad5b-d9cb-469f-a165-70867728950e", True),
    ("trace.id:42_x", True),
    ("a" * 128, True),
    ("a" * 129, False),
    ("hoe oud ben je", False),          # spaces: could be text, so it is replaced
    ("", False),
]


@pytest.mark.parametrize("given,kept", REQUEST_IDS + [("id\nfake log line", False), ("caf\u00e9", False)])
def test_request_id_from_accepts_only_id_like_values(given, kept):
    assert (request_id_from({"headers": [(b"x-request-id", given.encode("latin-1"))]}) == given) is kept


@pytest.mark.parametrize("given,kept", REQUEST_IDS)
def test_request_id_is_echoed_when_it_looks_like_an_id(client, given, kept):
    echoed = client.get("/healthz", headers={"X-Request-ID": given}).headers["X-Request-ID"]
    assert echoed
    assert (echoed == given) is kept


def test_request_id_is_generated_when_missing(client):
    first = client.get("/healthz").headers["X-Request-ID"]
    second = client.get("/healthz").headers["X-Request-ID"]
    assert first and second and first != second


@pytest.mark.parametrize("path,templates,expected", [
    ("/v1/score", {"/v1/score"}, "/v1/score"),
    ("/v1/score/extra", {"/v1/score"}, UNMATCHED),
    ("/v1/hoe-oud-ben-je", {"/v1/score"}, UNMATCHED),   # raw unknown paths never become labels
])
def test_route_template(path, templates, expected):
    assert route_template({"path": path}, frozenset(templates)) == expected


def _log_lines(caplog) -> list[dict]:
    formatter = JsonFormatter()
    return [json.loads(formatter.format(r)) for r in caplog.records if r.name == "signals.api"]


def test_request_log_is_structured_and_has_no_text_or_ids(client, service, caplog):
    caplog.set_level(logging.INFO, logger="signals.api")
    response = client.post("/v1/score", json={"messages": [{"id": SECRET_ID, "text": SECRET_TEXT},
                                                           {"id": "2", "text": "hoi"}], "explain": True},
                           headers={"X-Request-ID": "log-test-1"})
    assert response.status_code == 200
    lines = _log_lines(caplog)
    [entry] = [line for line in lines if line.get("request_id") == "log-test-1"]
    assert entry["event"] == "request"
    assert entry["route"] == "/v1/score"
    assert entry["status"] == 200
    assert entry["messages"] == 2
    assert entry["model_version"] == service.info.version
    assert isinstance(entry["latency_ms"], float)
    everything = caplog.text + "".join(json.dumps(line) for line in lines)
    assert SECRET_TEXT not in everything and SECRET_ID not in everything


def test_error_log_has_the_code_but_no_text(client, caplog):
    caplog.set_level(logging.INFO, logger="signals.api")
    client.post("/v1/score", json={"messages": [{"id": "1", "text": SECRET_TEXT * 500}]},
                headers={"X-Request-ID": "log-test-2"})
    [entry] = [line for line in _log_lines(caplog) if line.get("request_id") == "log-test-2"]
    assert entry["status"] == 422 and entry["error_code"] == "limit_exceeded"
    assert SECRET_TEXT not in caplog.text


def test_unexpected_errors_are_logged_without_the_exception_message(client_for, service, monkeypatch, caplog):
    caplog.set_level(logging.INFO, logger="signals.api")
    with client_for(raise_server_exceptions=False) as c:
        def broken(*args, **kwargs):
            raise ValueError(f"could not score {SECRET_TEXT}")

        monkeypatch.setattr(service, "score_messages", broken)
        response = c.post("/v1/score", json={"messages": [{"id": "1", "text": SECRET_TEXT}]})
    assert response.status_code == 500
    lines = _log_lines(caplog)
    errors = [line for line in lines if line["event"] == "unhandled_error"]
    assert errors and errors[0]["error_type"] == "ValueError" and errors[0]["stack"]
    assert SECRET_TEXT not in "".join(json.dumps(line) for line in lines)


def test_json_formatter_drops_exception_messages():
    try:
        raise RuntimeError(SECRET_TEXT)
    except RuntimeError:
        record = logging.LogRecord("signals.api", logging.ERROR, __file__, 1, "failed", None,
                                   exc_info=__import__("sys").exc_info())
    line = json.loads(JsonFormatter().format(record))
    assert line["error_type"] == "RuntimeError" and SECRET_TEXT not in json.dumps(line)


# -- the body limit at the ASGI level -----------------------------------------------------------
async def _echo_app(scope, receive, send):
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": body})


def _run(middleware, headers, chunks):
    messages = [{"type": "http.request", "body": c, "more_body": i < len(chunks) - 1} for i, c in enumerate(chunks)]
    sent = []

    async def receive():
        return messages.pop(0) if messages else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": "/v1/score", "headers": headers}
    asyncio.run(middleware(scope, receive, send))
    status = sent[0]["status"]
    body = b"".join(m.get("body", b"") for m in sent[1:])
    return status, body, scope


@pytest.mark.parametrize("headers,chunks,status,code", [
    ([(b"content-length", b"1500")], [b"x" * 1500], 413, "body_too_large"),     # declared too large
    ([(b"content-length", b"10")], [b"x" * 600] * 2, 413, "body_too_large"),     # declared small, sent large
    ([], [b"x" * 600] * 2, 413, "body_too_large"),                               # chunked, too large
    ([(b"content-length", b"abc")], [b"x"], 400, "bad_request"),                 # not a number
    ([(b"content-length", b"-5")], [b"x"], 400, "bad_request"),                  # negative
    ([(b"content-length", b"5"), (b"content-length", b"6")], [b"x" * 5], 400, "bad_request"),  # conflicting
    ([(b"content-length", b"1000")], [b"x" * 1000], 200, None),                  # exactly at the limit
    ([], [b"x" * 400, b"y" * 400, b"z" * 200], 200, None),                       # chunked, at the limit
    ([], [b""], 200, None),                                                      # no body
])
def test_body_limit_middleware(headers, chunks, status, code):
    got_status, body, scope = _run(BodyLimitMiddleware(_echo_app, max_bytes=1000), headers, chunks)
    assert got_status == status
    if code is None:
        assert body == b"".join(chunks), "the app sees the whole body, replayed"
    else:
        assert json.loads(body)["error"]["code"] == code
        assert scope["state"]["error_code"] == code


def test_remember_error_sets_the_scope_state():
    scope: dict = {}
    remember_error(scope, ErrorCode.NOT_FOUND)
    assert scope["state"]["error_code"] == "not_found"


def test_admin_reload_is_logged_with_its_route_template(client_for, caplog):
    caplog.set_level(logging.INFO, logger="signals.api")
    with client_for(admin_keys="beheer-1") as c:
        c.post("/admin/reload", json={"model_dir": "x"}, headers={"X-Request-ID": "admin-log-1"})
        c.post("/admin/reload", json={"model_dir": "x"}, headers={"X-Request-ID": "admin-log-2",
                                                                  "X-Admin-Key": "beheer-1"})
        metrics = c.get("/metrics").text
    routes = {line["request_id"]: (line["route"], line["status"]) for line in _log_lines(caplog)
              if line.get("request_id", "").startswith("admin-log")}
    assert routes == {"admin-log-1": ("/admin/reload", 401), "admin-log-2": ("/admin/reload", 409)}
    assert 'handler="/admin/reload"' in metrics and 'handler="unmatched"' not in metrics


@pytest.mark.parametrize(("method", "logged"), [("GET", "GET"), ("PATCH", "PATCH"), ("FOOBAR", "other"),
                                                ("X" * 5000, "other")])
def test_the_logged_method_is_from_a_closed_set(client, caplog, method, logged):
    caplog.set_level(logging.INFO, logger="signals.api")
    client.request(method, "/healthz", headers={"X-Request-ID": "method-log"})
    [line] = [line for line in _log_lines(caplog) if line.get("request_id") == "method-log"]
    assert line["method"] == logged
