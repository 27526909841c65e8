"""Every limit from settings: at the limit is scored, one over is a 422 (fields) or 413 (body)."""

from __future__ import annotations

import json

import pytest

from .conftest import SMALL_LIMITS, assert_envelope

CHARS = SMALL_LIMITS["max_text_chars"]
BATCH = SMALL_LIMITS["max_batch"]
CONTEXT = SMALL_LIMITS["max_context_turns"]
TURNS = SMALL_LIMITS["max_turns"]
BODY = SMALL_LIMITS["max_body_bytes"]


def _messages(n: int, text: str = "hoi") -> list[dict]:
    return [{"id": str(i), "text": text} for i in range(n)]


def _context(n: int, text: str = "hoe oud ben je?") -> list[dict]:
    return [{"speaker": "a", "text": text} for _ in range(n)]


def _turns(n: int, text: str = "hoi") -> list[dict]:
    return [{"speaker": "ab"[i % 2], "text": text} for i in range(n)]


# (case, path, body, field or None when it is within the limits)
LIMIT_CASES = [
    ("text at the limit", "/v1/score", {"messages": [{"id": "1", "text": "a" * CHARS}]}, None),
    ("text one over", "/v1/score", {"messages": [{"id": "1", "text": "a" * (CHARS + 1)}]}, "messages[0].text"),
    ("emoji text over, counted in characters", "/v1/score",
     {"messages": [{"id": "1", "text": "😀" * (CHARS + 1)}]}, "messages[0].text"),
    ("emoji text at the limit", "/v1/score", {"messages": [{"id": "1", "text": "😀" * CHARS}]}, None),
    ("second text over", "/v1/score",
     {"messages": [{"id": "1", "text": "hoi"}, {"id": "2", "text": "b" * (CHARS + 1)}]}, "messages[1].text"),
    ("batch at the limit", "/v1/score", {"messages": _messages(BATCH)}, None),
    ("batch one over", "/v1/score", {"messages": _messages(BATCH + 1)}, "messages"),
    ("context at the limit", "/v1/score", {"messages": [{"id": "1", "text": "kom op snap",
                                                           "context": _context(CONTEXT)}]}, None),
    ("context one over", "/v1/score", {"messages": [{"id": "1", "text": "kom op snap",
                                                       "context": _context(CONTEXT + 1)}]}, "messages[0].context"),
    ("context turn text over", "/v1/score",
     {"messages": [{"id": "1", "text": "hoi", "context": _context(1, "c" * (CHARS + 1))}]},
     "messages[0].context[0].text"),
    ("turns at the limit", "/v1/conversations/score", {"id": "c", "turns": _turns(TURNS)}, None),
    ("turns one over", "/v1/conversations/score", {"id": "c", "turns": _turns(TURNS + 1)}, "turns"),
    ("turn text over", "/v1/conversations/score", {"id": "c", "turns": _turns(2, "d" * (CHARS + 1))},
     "turns[0].text"),
]


@pytest.mark.parametrize("case,path,body,field", LIMIT_CASES, ids=[c[0] for c in LIMIT_CASES])
def test_field_limits(small_client, case, path, body, field):
    assert len(json.dumps(body, ensure_ascii=False).encode()) <= BODY, "keep the case under the body limit"
    response = small_client.post(path, json=body)
    if field is None:
        assert response.status_code == 200, response.text
    else:
        error = assert_envelope(response, 422, "limit_exceeded", field)
        assert "limit" in error["message"]


def _oversized_body() -> bytes:
    return json.dumps({"messages": [{"id": "1", "text": "a" * BODY}]}).encode()


def test_body_over_the_limit_by_content_length_is_413(small_client):
    response = small_client.post("/v1/score", content=_oversized_body(), headers={"Content-Type": "application/json"})
    assert_envelope(response, 413, "body_too_large")
    assert response.headers["X-Request-ID"]


def test_body_over_the_limit_without_content_length_is_413_while_reading(small_client):
    def chunks():
        body = _oversized_body()
        for start in range(0, len(body), 500):
            yield body[start:start + 500]

    response = small_client.post("/v1/score", content=chunks(), headers={"Content-Type": "application/json"})
    assert "content-length" not in {k.lower() for k in response.request.headers}
    assert_envelope(response, 413, "body_too_large")


def test_body_at_the_limit_is_read(small_client):
    prefix, suffix = b'{"messages": [{"id": "1", "text": "', b'"}]}'
    body = prefix + b"a" * (BODY - len(prefix) - len(suffix)) + suffix
    assert len(body) == BODY
    response = small_client.post("/v1/score", content=body, headers={"Content-Type": "application/json"})
    # Within the body limit, then the text limit applies: a field error, not a 413.
    assert_envelope(response, 422, "limit_exceeded", "messages[0].text")


def test_the_key_is_checked_before_the_body_limit(client_for):
    """Without a valid key the body is never read, so an oversized one is a 401, not a 413."""
    with client_for(api_keys="k", **SMALL_LIMITS) as c:
        response = c.post("/v1/score", content=_oversized_body(), headers={"Content-Type": "application/json"})
        assert_envelope(response, 401, "unauthorized")
        assert response.headers["connection"] == "close"
        response = c.post("/v1/score", content=_oversized_body(),
                          headers={"Content-Type": "application/json", "X-API-Key": "k"})
        assert_envelope(response, 413, "body_too_large")


def test_default_limits_reject_a_100k_character_text(client):
    response = client.post("/v1/score", json={"messages": [{"id": "lang", "text": "hoe oud ben je? " * 6_250}]})
    assert_envelope(response, 422, "limit_exceeded", "messages[0].text")
