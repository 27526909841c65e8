"""The key gate: /v1 and /admin keys are checked from the headers before a byte of the body is read
(401 envelope, connection closed); no 307 redirect for a trailing slash; the route dependencies
still check the keys behind the gate."""

from __future__ import annotations

import asyncio
import json

import pytest

from signals.api import create_app
from signals.api.gate import KeyGateMiddleware

from .conftest import assert_envelope

API_KEY = "sleutel-a1"
ADMIN_KEY = "beheer-b2"
REVIEWER_KEY = "lezer-c3"


async def _never_read():
    raise AssertionError("the body was read before the key was checked")


async def _ok_app(scope, receive, send):
    await receive()
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"ok"})


def _call(settings, path: str, headers: list[tuple[bytes, bytes]], receive=_never_read, root_path: str = ""):
    sent: list[dict] = []

    async def send(message):
        sent.append(message)

    scope = {"type": "http", "method": "POST", "path": root_path + path, "root_path": root_path,
             "headers": headers}
    asyncio.run(KeyGateMiddleware(_ok_app, settings=lambda: settings)(scope, receive, send))
    return sent, scope


@pytest.mark.parametrize(("path", "headers"), [
    ("/v1/score", []),
    ("/v1/score", [(b"x-api-key", b"fout")]),
    ("/v1/score", [(b"x-admin-key", ADMIN_KEY.encode())]),     # an admin key never opens /v1
    ("/v1/conversations/score", [(b"x-api-key", b"")]),
    ("/v1/bestaat-niet", []),                                  # unknown /v1 paths too: nothing to probe
    ("/v1", []),
    ("/v1/score/", []),
    ("/admin/reload", []),
    ("/admin/reload", [(b"x-api-key", API_KEY.encode())]),     # an API key never opens /admin
    ("/admin/reload", [(b"x-admin-key", b"fout")]),
    ("/v1/review/items", [(b"x-reviewer-key", b"fout")]),      # a wrong reviewer key on the review routes
    ("/v1/feedback", [(b"x-reviewer-key", b"")]),
    ("/v1/score", [(b"x-reviewer-key", REVIEWER_KEY.encode())]),  # a reviewer key opens only the review routes
])
def test_no_valid_key_is_a_401_without_reading_the_body(settings_for, path, headers):
    sent, scope = _call(settings_for(api_keys=API_KEY, admin_keys=ADMIN_KEY, reviewer_keys=REVIEWER_KEY), path, headers)
    assert sent[0]["status"] == 401
    assert (b"connection", b"close") in sent[0]["headers"]
    body = json.loads(sent[1]["body"])
    assert body["error"]["code"] == "unauthorized" and body["error"]["field"] is None
    assert scope["state"]["error_code"] == "unauthorized"


@pytest.mark.parametrize(("path", "headers"), [
    ("/v1/review/items", [(b"x-reviewer-key", b"wat-dan-ook")]),
    ("/v1/review/items/bestaat-niet", [(b"x-reviewer-key", b"")]),
    ("/v1/feedback", [(b"x-reviewer-key", REVIEWER_KEY.encode())]),
])
def test_without_reviewer_keys_a_reviewer_header_opens_nothing(settings_for, path, headers):
    """With API keys set and no reviewer keys, a reviewer header does not stand in for the API key:
    401 from the headers alone, the body never read."""
    sent, _ = _call(settings_for(api_keys=API_KEY, admin_keys=ADMIN_KEY), path, headers)
    assert sent[0]["status"] == 401
    assert json.loads(sent[1]["body"])["error"]["code"] == "unauthorized"


async def _body():
    return {"type": "http.request", "body": b"{}", "more_body": False}


@pytest.mark.parametrize(("overrides", "path", "headers"), [
    ({"api_keys": API_KEY}, "/v1/score", [(b"x-api-key", API_KEY.encode())]),
    ({"api_keys": f"oud,{API_KEY}"}, "/v1/score", [(b"x-api-key", API_KEY.encode())]),
    ({}, "/v1/score", []),                                               # no keys set: /v1 is open
    ({"api_keys": API_KEY}, "/healthz", []),                             # only /v1 and /admin are gated
    ({"api_keys": API_KEY}, "/v1x", []),
    ({"api_keys": API_KEY}, "/admin/reload", []),                        # no admin keys: the router's 404
    ({"admin_keys": ADMIN_KEY}, "/admin/reload", [(b"x-admin-key", ADMIN_KEY.encode())]),
])
def test_a_valid_key_or_an_open_path_passes(settings_for, overrides, path, headers):
    sent, _ = _call(settings_for(**overrides), path, headers, receive=_body)
    assert sent[0]["status"] == 200


def test_the_gate_works_below_a_root_path(settings_for):
    settings = settings_for(api_keys=API_KEY)
    sent, _ = _call(settings, "/v1/score", [], root_path="/signals")
    assert sent[0]["status"] == 401
    sent, _ = _call(settings, "/v1/score", [(b"x-api-key", API_KEY.encode())], receive=_body, root_path="/signals")
    assert sent[0]["status"] == 200


@pytest.mark.parametrize("keys", ["", API_KEY])
def test_a_trailing_slash_is_a_404_never_a_redirect(client_for, keys):
    with client_for(api_keys=keys) as c:
        headers = {"X-API-Key": API_KEY, "Host": "evil.example"}
        response = c.post("/v1/score/", json={"messages": [{"id": "1", "text": "hoi"}]}, headers=headers,
                          follow_redirects=False)
        assert "location" not in response.headers
        assert_envelope(response, 404, "not_found")
        if keys:
            anonymous = c.post("/v1/score/", json={}, headers={"Host": "evil.example"}, follow_redirects=False)
            assert_envelope(anonymous, 401, "unauthorized")
            assert "location" not in anonymous.headers


def test_the_route_dependency_still_checks_the_key_behind_the_gate(settings_for, service):
    """Defence in depth: with the gate taken out, the /v1 dependency still answers 401."""
    from fastapi.testclient import TestClient

    app = create_app(settings_for(api_keys=API_KEY), service)
    app.user_middleware = [m for m in app.user_middleware if m.cls is not KeyGateMiddleware]
    with TestClient(app) as c:
        response = c.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]})
        assert_envelope(response, 401, "unauthorized")
        assert c.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]},
                      headers={"X-API-Key": API_KEY}).status_code == 200


@pytest.mark.parametrize(("path", "headers"), [
    ("/v1/review/items", [(b"x-reviewer-key", REVIEWER_KEY.encode())]),
    ("/v1/review/items/m-1", [(b"x-reviewer-key", REVIEWER_KEY.encode())]),
    ("/v1/feedback", [(b"x-reviewer-key", REVIEWER_KEY.encode())]),
    ("/v1/review/items", [(b"x-api-key", API_KEY.encode())]),   # the routes decide what a scoring key may do
])
def test_the_review_routes_pass_the_gate_with_a_reviewer_key(settings_for, path, headers):
    async def body():
        return {"type": "http.request", "body": b"", "more_body": False}

    sent, _ = _call(settings_for(api_keys=API_KEY, admin_keys=ADMIN_KEY, reviewer_keys=REVIEWER_KEY), path, headers,
                    receive=body)
    assert sent[0]["status"] == 200
