"""X-API-Key on /v1 when SIGNALS_API_KEYS is set; health and metrics stay open."""

from __future__ import annotations

from contextlib import ExitStack

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


REVIEWER_KEY = "beoordelaar-sleutel-42"
REVIEW_SETUPS = {
    "keys": {"api_keys": KEYS, "reviewer_keys": REVIEWER_KEY},
    "no reviewer keys": {"api_keys": KEYS, "reviewer_keys": ""},
    "open, no reviewer keys": {"api_keys": "", "reviewer_keys": ""},
    "open": {"api_keys": "", "reviewer_keys": REVIEWER_KEY},
}
ENQUEUE = ("POST", "/v1/review/items", {"items": [{"id": "a-1", "text": "hoi"}]})
DELETE = ("DELETE", "/v1/review/items/a-1", None)
QUEUE = ("GET", "/v1/review/items", None)
FEEDBACK = ("POST", "/v1/feedback", {"id": "onbekend", "decision": "dismissed", "reviewer": "rev-1"})
SCORING = {"X-API-Key": "sleutel-oud-1234"}
REVIEWER = {"X-Reviewer-Key": REVIEWER_KEY}

# 401 only for a missing or invalid key; 403, saying why, for a valid key that does not open the
# route or while the queue is closed. (set-up, call, headers, status, code, what the message says)
REVIEW_AUTH = [
    ("keys", ENQUEUE, REVIEWER, 403, "forbidden", "a reviewer key cannot enqueue"),  # was 401 "invalid X-API-Key"
    ("keys", DELETE, REVIEWER, 403, "forbidden", "a reviewer key cannot enqueue or delete"),  # was 401
    ("keys", ENQUEUE, {**REVIEWER, "X-API-Key": "verkeerd"}, 401, "unauthorized", "invalid X-API-Key"),
    ("keys", ENQUEUE, {"X-Reviewer-Key": "verkeerd"}, 401, "unauthorized", "invalid X-Reviewer-Key"),
    ("keys", ENQUEUE, {}, 401, "unauthorized", "invalid X-API-Key"),
    ("keys", ENQUEUE, SCORING, 200, None, None),
    ("keys", QUEUE, SCORING, 403, "forbidden", "a scoring key cannot read the review queue"),
    ("keys", QUEUE, {"X-Reviewer-Key": "sleutel-oud-1234"}, 401, "unauthorized", "invalid X-Reviewer-Key"),
    ("keys", QUEUE, REVIEWER, 200, None, None),
    ("keys", FEEDBACK, {"X-Reviewer-Key": ""}, 401, "unauthorized", "invalid X-Reviewer-Key"),
    ("no reviewer keys", QUEUE, SCORING, 403, "forbidden", "the review queue is closed"),
    ("no reviewer keys", FEEDBACK, {**SCORING, **REVIEWER}, 403, "forbidden", "the review queue is closed"),  # was 401
    ("open, no reviewer keys", FEEDBACK, REVIEWER, 403, "forbidden", "the review queue is closed"),  # was 401
    ("open, no reviewer keys", QUEUE, REVIEWER, 403, "forbidden", "the review queue is closed"),
    ("open, no reviewer keys", FEEDBACK, {}, 404, "not_found", "no review item"),  # an open API stays open
    ("open", ENQUEUE, REVIEWER, 200, None, None),
]


@pytest.fixture(scope="module")
def review_clients(client_for):
    with ExitStack() as stack:
        yield {name: stack.enter_context(client_for(**settings)) for name, settings in REVIEW_SETUPS.items()}


@pytest.mark.parametrize("setup,call,headers,status,code,says", REVIEW_AUTH)
def test_review_routes_answer_401_only_for_a_missing_or_invalid_key(review_clients, setup, call, headers, status,
                                                                    code, says):
    response = _call(review_clients[setup], *call, headers)
    if code is None:
        assert response.status_code == status, response.text
    else:
        assert says in assert_envelope(response, status, code, "id" if status == 404 else None)["message"]
