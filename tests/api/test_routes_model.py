"""GET /v1/model: name, version, sha256, thresholds per category, training data, headline metrics."""

from __future__ import annotations

import json

from signals.taxonomy import CATEGORIES, CATEGORY_ROUTE


def test_model_names_the_served_model(client, service):
    response = client.get("/v1/model")
    assert response.status_code == 200, response.text
    body = response.json()
    assert {k: body[k] for k in ("name", "version", "sha256")} == service.info.as_dict()


def test_model_lists_both_operating_points_per_category(client, service):
    body = client.get("/v1/model").json()
    points = json.loads((service.model_dir / "thresholds.json").read_text(encoding="utf-8"))["messages"]
    assert [c["name"] for c in body["categories"]] == list(CATEGORIES)
    for entry in body["categories"]:
        name = entry["name"]
        assert entry["route"] == CATEGORY_ROUTE[name]
        assert entry["high_precision"] == points["high_precision"][name]
        assert entry["high_recall"] == points["high_recall"][name]
        assert entry["threshold"] == service.thresholds[name]
        assert entry["precision_target"] == points.get("precision_targets", {}).get(name, points["precision_target"])
    assert body["operating_point"] == "high_precision"
    assert body["precision_target"] == points["precision_target"]
    assert body["recall_target"] == points["recall_target"]


def test_model_lists_the_conversation_operating_points(client, service):
    body = client.get("/v1/model").json()
    points = json.loads((service.model_dir / "thresholds.json").read_text(encoding="utf-8"))["conversations"]
    assert body["conversation_operating_points"] == points
    assert body["conversation_threshold"] == points["high_precision"]
    assert 0 < points["high_recall"] <= points["high_precision"] < 1
    assert set(points["reached"]) == {"precision", "recall", "benign_flag_rate"}
    assert points["reached"]["benign_flag_rate"] <= points["benign_flag_target"] + 0.01


def test_model_reports_training_data_and_headline_metrics_from_its_description(client, service):
    body = client.get("/v1/model").json()
    spec = json.loads((service.model_dir / "model.json").read_text(encoding="utf-8"))
    assert body["training_data"] == spec["training_data"]
    assert body["metrics_headline"] == spec["metrics_headline"]
    assert body["created"] == spec["created"]
    assert body["tactics"] == spec["tactics"] and body["libraries"] == spec["libraries"]
