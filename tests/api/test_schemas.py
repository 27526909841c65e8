"""The OpenAPI schema takes categories, tactics and routes from the taxonomy and shows Dutch examples."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from signals.api.schemas import ConversationRequest, MessageIn, ScoreRequest, TurnIn
from signals.taxonomy import CATEGORIES, TACTICS, ConversationLabel, Route


@pytest.fixture(scope="module")
def spec(client):
    return client.get("/openapi.json").json()


@pytest.mark.parametrize("schema,field,values", [
    ("MessageResult", "route", [r.value for r in Route]),
    ("ConversationResponse", "label", [c.value for c in ConversationLabel]),
])
def test_routes_and_labels_come_from_the_taxonomy(spec, schema, field, values):
    assert spec["components"]["schemas"][schema]["properties"][field]["enum"] == values


def test_categories_and_tactics_are_the_served_models(client, service):
    body = client.get("/v1/model").json()
    assert [c["name"] for c in body["categories"]] == list(CATEGORIES)
    result = client.post("/v1/score", json={"messages": [{"id": "m", "text": "vertel het aan niemand"}],
                                             "explain": True}).json()["results"][0]
    assert set(result["category_scores"]) == set(CATEGORIES)
    assert {t["tactic"] for t in result["tactics"]} <= set(TACTICS)


@pytest.mark.parametrize("path,needle", [
    ("/v1/score", "kom op snap"),
    ("/v1/score", "hoe laat ben je thuis"),
    ("/v1/conversations/score", "vertel het aan niemand"),
])
def test_dutch_examples_in_the_openapi_schema(spec, path, needle):
    examples = spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"]
    assert any(needle in str(example["value"]) for example in examples.values())


@pytest.mark.parametrize("path,model", [("/v1/score", ScoreRequest), ("/v1/conversations/score", ConversationRequest)])
def test_the_examples_are_valid_requests(spec, client, path, model):
    for example in spec["paths"][path]["post"]["requestBody"]["content"]["application/json"]["examples"].values():
        model.model_validate(example["value"])
        assert client.post(path, json=example["value"]).status_code == 200


def test_v1_routes_declare_the_api_key(spec):
    assert spec["components"]["securitySchemes"]["APIKeyHeader"]["name"] == "X-API-Key"
    for path in ("/v1/score", "/v1/conversations/score", "/v1/model"):
        operation = next(iter(spec["paths"][path].values()))
        assert operation["security"] == [{"APIKeyHeader": []}]
    assert "security" not in spec["paths"]["/healthz"]["get"]


@pytest.mark.parametrize("value,expected", [("abc", "abc"), (7, "7"), (0, "0")])
def test_ids_and_speakers_become_strings(value, expected):
    assert MessageIn(id=value, text="hoi").id == expected
    assert TurnIn(speaker=value, text="hoi").speaker == expected


@pytest.mark.parametrize("value", [True, False, 1.5, None, "", [], {}])
def test_bad_ids_are_rejected(value):
    with pytest.raises(ValidationError):
        MessageIn(id=value, text="hoi")


def test_requests_reject_unknown_fields():
    with pytest.raises(ValidationError) as raised:
        ScoreRequest.model_validate({"messages": [{"id": 1, "text": "hoi"}], "explian": True})
    assert raised.value.errors()[0]["type"] == "extra_forbidden"
