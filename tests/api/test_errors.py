"""Bad input of every kind gets one envelope {"error": {"code", "message", "field"}} and a 4xx, never a 5xx."""

from __future__ import annotations

import pytest

from signals.api.errors import field_path

from .conftest import assert_envelope

OK_MESSAGE = {"id": "1", "text": "hoe oud ben je?"}
OK_TURN = {"speaker": "a", "text": "hoi"}

# (case, path, JSON body, status, code, field)
BAD_BODIES = [
    # missing fields
    ("no messages", "/v1/score", {}, 422, "validation_error", "messages"),
    ("no id", "/v1/score", {"messages": [{"text": "hoi"}]}, 422, "validation_error", "messages[0].id"),
    ("no text", "/v1/score", {"messages": [{"id": "1"}]}, 422, "validation_error", "messages[0].text"),
    ("no speaker", "/v1/score", {"messages": [{**OK_MESSAGE, "context": [{"text": "hoi"}]}]}, 422,
     "validation_error", "messages[0].context[0].speaker"),
    ("no turns", "/v1/conversations/score", {"id": "c"}, 422, "validation_error", "turns"),
    ("no conversation id", "/v1/conversations/score", {"turns": [OK_TURN]}, 422, "validation_error", "id"),
    # wrong types
    ("body is a list", "/v1/score", [OK_MESSAGE], 422, "validation_error", None),
    ("body is a string", "/v1/score", "hoi", 422, "validation_error", None),
    ("messages is an object", "/v1/score", {"messages": OK_MESSAGE}, 422, "validation_error", "messages"),
    ("messages is a string", "/v1/score", {"messages": "hoi"}, 422, "validation_error", "messages"),
    ("message is a string", "/v1/score", {"messages": ["hoi"]}, 422, "validation_error", "messages[0]"),
    ("text is a number", "/v1/score", {"messages": [{"id": "1", "text": 42}]}, 422, "validation_error",
     "messages[0].text"),
    ("text is a list", "/v1/score", {"messages": [{"id": "1", "text": ["hoi"]}]}, 422, "validation_error",
     "messages[0].text"),
    ("text is null", "/v1/score", {"messages": [{"id": "1", "text": None}]}, 422, "validation_error",
     "messages[0].text"),
    ("id is a bool", "/v1/score", {"messages": [{"id": True, "text": "hoi"}]}, 422, "validation_error",
     "messages[0].id"),
    ("id is a float", "/v1/score", {"messages": [{"id": 1.5, "text": "hoi"}]}, 422, "validation_error",
     "messages[0].id"),
    ("id is empty", "/v1/score", {"messages": [{"id": "", "text": "hoi"}]}, 422, "validation_error",
     "messages[0].id"),
    ("id is an object", "/v1/score", {"messages": [{"id": {"a": 1}, "text": "hoi"}]}, 422, "validation_error",
     "messages[0].id"),
    ("explain is a string", "/v1/score", {"messages": [OK_MESSAGE], "explain": "ja"}, 422, "validation_error",
     "explain"),
    ("context is a string", "/v1/score", {"messages": [{**OK_MESSAGE, "context": "eerder"}]}, 422,
     "validation_error", "messages[0].context"),
    ("context turn text a number", "/v1/score", {"messages": [{**OK_MESSAGE, "context": [{"speaker": "a",
     "text": 1}]}]}, 422, "validation_error", "messages[0].context[0].text"),
    ("turns is an object", "/v1/conversations/score", {"id": "c", "turns": OK_TURN}, 422, "validation_error",
     "turns"),
    ("speaker is null", "/v1/conversations/score", {"id": "c", "turns": [{"speaker": None, "text": "hoi"}]}, 422,
     "validation_error", "turns[0].speaker"),
    # empty collections and empty text
    ("no messages in the batch", "/v1/score", {"messages": []}, 422, "validation_error", "messages"),
    ("no turns in the conversation", "/v1/conversations/score", {"id": "c", "turns": []}, 422,
     "validation_error", "turns"),
    ("empty text", "/v1/score", {"messages": [{"id": "1", "text": ""}]}, 422, "empty_text", "messages[0].text"),
    ("whitespace text", "/v1/score", {"messages": [OK_MESSAGE, {"id": "2", "text": " \n\t "}]}, 422,
     "empty_text", "messages[1].text"),
    # extra fields are rejected, at every level
    ("extra top-level field", "/v1/score", {"messages": [OK_MESSAGE], "explian": True}, 422, "validation_error",
     "explian"),
    ("extra message field", "/v1/score", {"messages": [{**OK_MESSAGE, "contxt": []}]}, 422, "validation_error",
     "messages[0].contxt"),
    ("extra turn field", "/v1/conversations/score", {"id": "c", "turns": [{**OK_TURN, "tijd": "12:00"}]}, 422,
     "validation_error", "turns[0].tijd"),
    # limits (default settings: 5 000 characters)
    ("100k-character text", "/v1/score", {"messages": [{"id": "1", "text": "hoi " * 25_000}]}, 422,
     "limit_exceeded", "messages[0].text"),
]


@pytest.mark.parametrize("case,path,body,status,code,field", BAD_BODIES, ids=[c[0] for c in BAD_BODIES])
def test_bad_bodies_get_the_envelope(client, case, path, body, status, code, field):
    assert_envelope(client.post(path, json=body), status, code, field)


def test_validation_messages_never_echo_the_input(client):
    secret = "geheime-tekst-die-niet-terug-mag"
    response = client.post("/v1/score", json={"messages": [{"id": 1, "text": 42, secret: secret}]})
    assert response.status_code == 422
    assert "geheime" not in response.json()["error"]["message"]


# (case, raw body, content type, status, code)
BAD_RAW = [
    ("malformed JSON", b'{"messages": [', "application/json", 400, "invalid_json"),
    ("trailing comma", b'{"messages": [],}', "application/json", 400, "invalid_json"),
    ("single quotes", b"{'messages': []}", "application/json", 400, "invalid_json"),
    ("not JSON at all", b"hoe oud ben je", "application/json", 400, "invalid_json"),
    ("invalid UTF-8", b'{"messages": [{"id": "1", "text": "\xff\xfe"}]}', "application/json", 400, "bad_request"),
    # JSON is UTF-8: a decoder that guesses the encoding would read these
    ("UTF-16", '{"messages": [{"id": "1", "text": "hoi"}]}'.encode("utf-16"), "application/json", 400, "bad_request"),
    ("UTF-16-LE", '{"messages": [{"id": "1", "text": "hoi"}]}'.encode("utf-16-le"), "application/json", 400, "bad_request"),
    ("UTF-32", '{"messages": [{"id": "1", "text": "hoi"}]}'.encode("utf-32"), "application/json", 400, "bad_request"),
    ("deeply nested", b"[" * 100_000 + b"]" * 100_000, "application/json", 400, "bad_request"),
    ("empty body", b"", "application/json", 422, "validation_error"),
    ("null body", b"null", "application/json", 422, "validation_error"),
    ("plain text", b"hoe oud ben je", "text/plain", 415, "unsupported_media_type"),
    ("form", b"messages=hoi", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
    ("no content type", b'{"messages": []}', None, 415, "unsupported_media_type"),
    ("xml", b"<messages/>", "application/xml", 415, "unsupported_media_type"),
]


@pytest.mark.parametrize("case,raw,content_type,status,code", BAD_RAW, ids=[c[0] for c in BAD_RAW])
@pytest.mark.parametrize("path", ["/v1/score", "/v1/conversations/score"])
def test_bad_raw_bodies_get_the_envelope(client, case, raw, content_type, status, code, path):
    headers = {"Content-Type": content_type} if content_type else {}
    assert_envelope(client.post(path, content=raw, headers=headers), status, code)


@pytest.mark.parametrize("content_type", ["application/json", "application/json; charset=utf-8",
                                          "Application/JSON", "application/vnd.signals+json"])
def test_json_content_types_are_accepted(client, content_type):
    response = client.post("/v1/score", content=b'{"messages": [{"id": "1", "text": "hoi"}]}',
                           headers={"Content-Type": content_type})
    assert response.status_code == 200, response.text


@pytest.mark.parametrize("method,path,status,code", [
    ("GET", "/v1/onbekend", 404, "not_found"),
    ("GET", "/", 404, "not_found"),
    ("POST", "/v2/score", 404, "not_found"),
    ("GET", "/v1/score", 405, "method_not_allowed"),
    ("PUT", "/v1/score", 405, "method_not_allowed"),
    ("DELETE", "/v1/model", 405, "method_not_allowed"),
    ("POST", "/healthz", 405, "method_not_allowed"),
])
def test_unknown_routes_and_methods_get_the_envelope(client, method, path, status, code):
    assert_envelope(client.request(method, path), status, code)


def test_an_unexpected_exception_is_a_500_envelope_with_the_request_id(client_for, service, monkeypatch):
    with client_for(raise_server_exceptions=False) as c:
        def broken(*args, **kwargs):
            raise RuntimeError("kapot: hoe oud ben je")

        monkeypatch.setattr(service, "score_messages", broken)
        response = c.post("/v1/score", json={"messages": [OK_MESSAGE]}, headers={"X-Request-ID": "req-500"})
    error = assert_envelope(response, 500, "internal_error")
    assert "kapot" not in error["message"]
    assert response.headers["X-Request-ID"] == "req-500"


def test_openapi_documents_the_envelope_for_422(client):
    spec = client.get("/openapi.json").json()
    schema = spec["paths"]["/v1/score"]["post"]["responses"]["422"]["content"]["application/json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/ErrorResponse"}
    assert "HTTPValidationError" not in spec["components"]["schemas"]


@pytest.mark.parametrize("loc,expected", [
    (("body",), None),
    (("body", "messages"), "messages"),
    (("body", "messages", 0, "text"), "messages[0].text"),
    (("body", "messages", 2, "context", 1, "speaker"), "messages[2].context[1].speaker"),
    (("body", "turns", 3), "turns[3]"),
])
def test_field_path(loc, expected):
    assert field_path(loc) == expected


def test_none_of_the_bad_inputs_gives_a_5xx(client):
    """The whole table again through one client, collecting statuses, so a regression shows at once."""
    statuses = [client.post(path, json=body).status_code for _, path, body, *_ in BAD_BODIES]
    statuses += [client.post("/v1/score", content=raw, headers={"Content-Type": ct} if ct else {}).status_code
                 for _, raw, ct, *_ in BAD_RAW]
    assert all(400 <= s < 500 for s in statuses), statuses


def test_an_unknown_field_is_named_but_not_echoed_whole(client):
    """A 500,000-character unknown key came back whole in `field` (a 500 KB error body)."""
    key = "k" * 500_000
    response = client.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi", key: 1}]})
    assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"
    field = response.json()["error"]["field"]
    assert field.startswith("messages[0].kkk") and len(field) <= 201 and len(response.content) < 2_000


@pytest.mark.parametrize(("method", "path", "body", "name"), [
    ("post", "/v1/score?explain=true", {"messages": [{"id": "1", "text": "kom op snap"}]}, "explain"),
    ("post", "/v1/conversations/score?lang=nl", {"id": "c", "turns": [{"speaker": "a", "text": "hoi"}]}, "lang"),
    ("get", "/v1/model?operating_point=high_recall", None, "operating_point"),
])
def test_a_query_parameter_on_a_route_that_takes_none_is_refused(client, method, path, body, name):
    """POST /v1/score?explain=true answered without tactics, as if the parameter had been read."""
    response = getattr(client, method)(path, **({"json": body} if body is not None else {}))
    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "validation_error" and error["field"] == f"query.{name}"
    assert name in error["message"]
