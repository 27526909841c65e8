"""GET /v1/model: name, version, sha256, thresholds per category, training data, headline metrics."""

from __future__ import annotations

from signals.taxonomy import CATEGORIES, CATEGORY_ROUTE


def test_model_names_the_served_model(client, service):
    response = client.get("/v1/model")
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("name", "version", "sha256")} == service.info.as_dict()


def test_model_lists_both_operating_points_per_category(client, service):
    body = client.get("/v1/model").json()
    points = service.category_model.operating_points_
    assert [c["name"] for c in body["categories"]] == list(CATEGORIES)
    for entry in body["categories"]:
        name = entry["name"]
        assert entry["route"] == CATEGORY_ROUTE[name]
        assert entry["high_precision"] == points.high_precision[name]
        assert entry["high_recall"] == points.high_recall[name]
        assert entry["threshold"] == service.thresholds[name]
    assert body["operating_point"] == "high_precision"
    assert body["precision_target"] == points.precision_target
    assert body["recall_target"] == points.recall_target


def test_model_reports_training_data_and_headline_metrics_from_the_manifest(client, service):
    body = client.get("/v1/model").json()
    manifest = service.info.manifest
    assert body["training_data"] == manifest["training_data"]
    assert body["metrics_headline"] == manifest["metrics_headline"]
    assert body["conversation_threshold"] == manifest["thresholds"]["conversation"]
    assert body["created"] == manifest.get("created")
