"""The Prometheus series: counted per closed label set, also for a model with its own categories."""

from __future__ import annotations

from signals.api.metrics import ApiMetrics
from signals.results import MessageResult


def _result(labels: list[str], route: str) -> MessageResult:
    return MessageResult(id="m", flagged=bool(labels), labels=labels,
                         category_scores={label: 0.9 for label in labels}, route=route, tactics=[])


def test_messages_routes_and_categories_are_counted():
    metrics = ApiMetrics()
    metrics.observe_messages([_result(["sextortion"], "review"), _result([], "none"),
                              _result(["recruitment", "disclosure"], "review")])
    text = metrics.render().decode()
    assert "signals_messages_scored_total 3.0" in text
    assert 'signals_message_routes_total{route="review"} 2.0' in text
    assert 'signals_message_routes_total{route="none"} 1.0' in text
    for category in ("sextortion", "recruitment", "disclosure"):
        assert f'signals_predictions_total{{category="{category}"}} 1.0' in text


def test_a_category_of_a_model_trained_with_other_categories_gets_its_own_series():
    metrics = ApiMetrics()
    metrics.observe_messages([_result(["phishing"], "review"), _result(["phishing"], "review")])
    assert 'signals_predictions_total{category="phishing"} 2.0' in metrics.render().decode()


def test_requests_are_counted_per_method_template_and_status():
    metrics = ApiMetrics()
    for status in (200, 200, 422):
        metrics.observe_request("POST", "/v1/score", status, 0.01)
    metrics.observe_request("BREW", "/v1/score", 405, 0.01)  # an unknown method is 'other'
    text = metrics.render().decode()
    assert 'signals_http_requests_total{handler="/v1/score",method="POST",status="200"} 2.0' in text
    assert 'signals_http_requests_total{handler="/v1/score",method="POST",status="422"} 1.0' in text
    assert 'signals_http_requests_total{handler="/v1/score",method="other",status="405"} 1.0' in text
