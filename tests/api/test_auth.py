"""X-API-Key on /v1 when SIGNALS_API_KEYS is set; health and metrics stay open."""

from __future__ import annotations

import pytest

from signals.api.deps import key_matches

from .conftest import assert_envelope

SCORE = ("POST", "/v1/score", {"messages": [{"id": "1", "text": "hoe oud ben je?"}]})
CONVERSATION = ("POST", "/v1/conversations/score", {"id": "c", "turns": [{"speaker": "a", "text": "hoi"}]})
MODEL = ("GET", "/v1/model", None)
V1_CALLS = [SCORE, CONVERSATION, MODEL]
OPEN_CALLS = [("GET", "/healthz", None), ("GET", "/readyz", None), ("GET", "/metrics", None)]

KEYS = "sleutel-oud-1234, sleutel-nieuw-5678"   # two keys during a rotation


@pytest.fixture(scope="module")
def auth_client(client_for):
    with client_for(api_keys=KEYS) as c:
        yield c


def _call(client, method, path, body, headers=None):
    return client.request(method, path, json=body, headers=headers or {})


@pytest.mark.parametrize("method,path,body", V1_CALLS)
@pytest.mark.parametrize("headers,ok", [
    ({}, False),                                          # missing key
    ({"X-API-Key": ""}, False),                           # empty key
    ({"X-API-Key": "verkeerd"}, False),                   # wrong key
    ({"X-API-Key": "sleutel-oud-1234x"}, False),          # a valid key plus a character
    ({"X-API-Key": "sleutel-oud"}, False),                # a prefix of a valid key
    ({"X-API-Key": "sleutel-oud-1234, sleutel-nieuw-5678"}, False),  # the whole setting is not a key
    ({"Authorization": "Bearer sleutel-oud-1234"}, False),  # wrong header
    ({"X-API-Key": b"sl\xe9utel"}, False),                # not ASCII: still a clean 401
    ({"X-API-Key": "sleutel-oud-1234"}, True),            # first key
    ({"X-API-Key": "sleutel-nieuw-5678"}, True),          # second (rotated) key
    ({"x-api-key": "sleutel-nieuw-5678"}, True),          # header names are case-insensitive
])
def test_v1_needs_one_of_the_configured_keys(auth_client, method, path, body, headers, ok):
    response = _call(auth_client, method, path, body, headers)
    if ok:
        assert response.status_code == 200, response.text
    else:
        assert_envelope(response, 401, "unauthorized")


@pytest.mark.parametrize("method,path,body", OPEN_CALLS)
def test_health_and_metrics_stay_open(auth_client, method, path, body):
    assert _call(auth_client, method, path, body).status_code == 200


@pytest.mark.parametrize("method,path,body", V1_CALLS)
def test_without_keys_auth_is_off(client, method, path, body):
    assert _call(client, method, path, body).status_code == 200


def test_auth_comes_before_validation(auth_client):
    """An unauthenticated caller learns nothing about the body's problems."""
    response = auth_client.post("/v1/score", json={"messages": [{"id": "1", "text": ""}], "onbekend": 1})
    assert_envelope(response, 401, "unauthorized")
    response = auth_client.post("/v1/score", content="tekst", headers={"Content-Type": "text/plain"})
    assert_envelope(response, 401, "unauthorized")


@pytest.mark.parametrize("given,keys,expected", [
    ("a", ["a"], True),
    ("b", ["a", "b"], True),
    ("c", ["a", "b"], False),
    ("", ["a"], False),
    ("é", ["é"], True),
    ("a", [], False),
])
def test_key_matches(given, keys, expected):
    assert key_matches(given, keys) is expected
