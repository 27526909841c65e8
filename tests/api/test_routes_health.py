"""/healthz, /readyz (loaded, verified, warmed up — else 503) and /metrics (Prometheus, no text)."""

from __future__ import annotations

import shutil

import pytest
from fastapi.testclient import TestClient

from signals.api import create_app

from .conftest import assert_envelope

SECRET_TEXT = "metrics-test-hoe-oud-ben-je-zeldzaam"
SECRET_ID = "metrics-id-zeldzaam-0815"


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


def test_readyz_when_ready(client, service):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json() == {"status": "ready", "model": service.info.as_dict()}


@pytest.mark.parametrize("path", ["/healthz", "/readyz"])
def test_health_answers_head_as_load_balancers_ask_it(client, path):
    response = client.head(path)
    assert response.status_code == 200 and response.content == b""


def test_the_schema_has_one_operation_per_route(client):
    """HEAD and GET shared one route, so both had one operation id: FastAPI warned on every start,
    a non-JSON line in the server's JSON log."""
    import warnings

    client.app.openapi_schema = None
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        schema = client.app.openapi()
    ids = [op["operationId"] for path in schema["paths"].values() for op in path.values()]
    assert len(ids) == len(set(ids)) and {"/healthz", "/readyz"} <= schema["paths"].keys()


def test_the_app_loads_the_model_itself_from_settings(settings_for, service):
    with TestClient(create_app(settings_for())) as c:
        assert c.get("/readyz").json()["model"] == service.info.as_dict()
        assert c.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]}).status_code == 200


def _tampered_copy(src, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(src, copy)
    with open(copy / "patterns.yaml", "a", encoding="utf-8") as handle:
        handle.write("\n# changed\n")
    return copy


def _extra_file_copy(src, tmp_path):
    copy = tmp_path / "model"
    shutil.copytree(src, copy)
    (copy / "onbekend.joblib").write_bytes(b"not listed")
    return copy


def _missing(src, tmp_path):
    return tmp_path / "bestaat-niet"


@pytest.mark.parametrize("make_dir,reason", [
    (_missing, "E200"),            # no model
    (_tampered_copy, "E201"),      # a file does not match the manifest
    (_extra_file_copy, "E201"),    # a file the manifest does not list
], ids=["missing", "tampered", "extra-file"])
def test_not_ready_when_the_model_cannot_be_loaded_or_verified(settings_for, tiny_model_dir, tmp_path,
                                                             make_dir, reason):
    with TestClient(create_app(settings_for(model_dir=make_dir(tiny_model_dir, tmp_path)))) as c:
        error = assert_envelope(c.get("/readyz"), 503, "not_ready")
        assert reason in error["message"]
        assert c.get("/healthz").status_code == 200, "alive, just not ready"
        assert_envelope(c.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]}), 503, "not_ready")
        assert_envelope(c.get("/v1/model"), 503, "not_ready")
        assert "signals_ready 0.0" in c.get("/metrics").text


def test_not_ready_when_a_served_model_directory_was_changed(settings_for, tiny_model_dir, tmp_path):
    from signals.service import ScoringService

    copy = tmp_path / "model"
    shutil.copytree(tiny_model_dir, copy)
    loaded = ScoringService.load(copy)
    (copy / "patterns.yaml").write_text("veranderd\n", encoding="utf-8")
    with TestClient(create_app(settings_for(), loaded)) as c:
        assert "E201" in assert_envelope(c.get("/readyz"), 503, "not_ready")["message"]


def test_not_ready_when_the_warm_up_fails(settings_for, service, monkeypatch):
    monkeypatch.setattr(service, "score_messages", lambda messages, explain=True: [])
    with TestClient(create_app(settings_for(), service)) as c:
        error = assert_envelope(c.get("/readyz"), 503, "not_ready")
        assert "warm-up" in error["message"]
        assert c.get("/readyz").headers["Retry-After"]


def test_not_ready_when_the_model_is_outside_the_model_root(settings_for, service, tmp_path):
    with TestClient(create_app(settings_for(model_root=tmp_path), service)) as c:
        assert "E201" in assert_envelope(c.get("/readyz"), 503, "not_ready")["message"]


# -- metrics ------------------------------------------------------------------------------------
def test_metrics_count_requests_per_route_template_and_status(client_for):
    with client_for() as c:
        c.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]})
        c.post("/v1/score", json={"messages": [{"id": "1", "text": ""}]})
        c.get("/v1/hoe-oud-ben-je")
        text = c.get("/metrics").text
    assert 'signals_http_requests_total{handler="/v1/score",method="POST",status="200"} 1.0' in text
    assert 'signals_http_requests_total{handler="/v1/score",method="POST",status="422"} 1.0' in text
    assert 'signals_http_requests_total{handler="unmatched",method="GET",status="404"} 1.0' in text
    assert 'signals_http_request_duration_seconds_bucket{handler="/v1/score"' in text
    assert "hoe-oud-ben-je" not in text


def test_metrics_count_predictions_per_category_and_route_without_text_or_ids(client_for, service):
    with client_for() as c:
        body = c.post("/v1/score", json={"messages": [
            {"id": SECRET_ID, "text": SECRET_TEXT},
            {"id": "2", "text": "kom op snap", "context": [
                {"speaker": "a", "text": "jij bent echt anders dan de rest"},
                {"speaker": "a", "text": "hoe oud ben je eigenlijk?"}]},
        ]}).json()
        c.post("/v1/conversations/score", json={"id": SECRET_ID, "turns": [{"speaker": SECRET_ID, "text": SECRET_TEXT}]})
        text = c.get("/metrics").text
    assert "signals_messages_scored_total 2.0" in text
    routes = [r["route"] for r in body["results"]]
    for route in set(routes):
        assert f'signals_message_routes_total{{route="{route}"}} {float(routes.count(route))}' in text
    for result in body["results"]:
        for category in result["labels"]:
            assert f'signals_predictions_total{{category="{category}"}}' in text
    assert 'signals_conversations_scored_total{label="benign"}' in text
    info = service.info
    assert (f'signals_model_info{{name="{info.name}",sha256="{info.sha256}",version="{info.version}"}} 1.0'
            in text)
    assert "signals_ready 1.0" in text
    assert SECRET_TEXT not in text and SECRET_ID not in text


def test_every_app_has_its_own_metrics_registry(client_for):
    with client_for() as first, client_for() as second:
        first.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]})
        assert 'handler="/v1/score",method="POST",status="200"} 1.0' in first.get("/metrics").text
        assert 'handler="/v1/score"' not in second.get("/metrics").text


def test_metrics_is_prometheus_text(client):
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
