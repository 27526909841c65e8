"""Prometheus metrics, one ``CollectorRegistry`` per app (so several apps in one process never clash).

Labels are closed sets only: HTTP method, route template (never the raw path), status, category,
taxonomy route, conversation label, and the model's name/version/sha256. Never message text or ids.
"""

from __future__ import annotations

from collections.abc import Iterable

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Gauge, Histogram, generate_latest

from signals.results import ConversationResult, MessageResult
from signals.service import ModelInfo
from signals.taxonomy import Category, ConversationLabel, Route

UNMATCHED = "unmatched"  # the handler label of requests that match no route (404s)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def bounded_method(method: str) -> str:
    """The HTTP method as a closed set for logs and labels: a known method, or ``other``."""
    return method if method in METHODS else "other"


class ApiMetrics:
    content_type = CONTENT_TYPE_LATEST

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        http = ["method", "handler", "status"]
        self.requests = Counter("signals_http_requests_total", "HTTP requests by route template and status",
                                http, registry=self.registry)
        self.latency = Histogram("signals_http_request_duration_seconds",
                                 "HTTP request latency by route template and status", http, registry=self.registry)
        self.messages = Counter("signals_messages_scored_total", "messages scored (POST /v1/score)",
                                registry=self.registry)
        self.predictions = Counter("signals_predictions_total", "scored messages flagged, per category",
                                   ["category"], registry=self.registry)
        self.routes = Counter("signals_message_routes_total", "scored messages per taxonomy route",
                              ["route"], registry=self.registry)
        self.conversations = Counter("signals_conversations_scored_total", "conversations scored, per label",
                                     ["label"], registry=self.registry)
        self.model_info = Gauge("signals_model_info", "the model being served (value 1)",
                                ["name", "version", "sha256"], registry=self.registry)
        self.ready = Gauge("signals_ready", "1 when the model is loaded, verified and warmed up",
                           registry=self.registry)
        for category in Category:
            self.predictions.labels(category.value)
        for route in Route:
            self.routes.labels(route.value)
        for label in ConversationLabel:
            self.conversations.labels(label.value)

    def observe_request(self, method: str, handler: str, status: int, seconds: float) -> None:
        method = bounded_method(method)
        self.requests.labels(method, handler, str(status)).inc()
        self.latency.labels(method, handler, str(status)).observe(seconds)

    def observe_messages(self, results: Iterable[MessageResult]) -> None:
        for result in results:
            self.messages.inc()
            self.routes.labels(result.route).inc()
            for category in result.labels:
                self.predictions.labels(category).inc()

    def observe_conversation(self, result: ConversationResult) -> None:
        self.conversations.labels(result.label).inc()

    def set_model(self, info: ModelInfo | None) -> None:
        """The model info gauge and readiness; a hot reload calls this again with the new model."""
        self.model_info.clear()
        if info is not None:
            self.model_info.labels(info.name, info.version, info.sha256).set(1)
        self.ready.set(1 if info is not None else 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
