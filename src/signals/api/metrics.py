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
        # The series of closed label sets, looked up once (``labels()`` costs more than the increment,
        # and these are counted on every request).
        self._predictions = {category.value: self.predictions.labels(category.value) for category in Category}
        self._routes = {route.value: self.routes.labels(route.value) for route in Route}
        self._conversations = {label.value: self.conversations.labels(label.value) for label in ConversationLabel}
        self._http: dict[tuple[str, str, int], tuple] = {}  # (method, template, status): bounded too

    def observe_request(self, method: str, handler: str, status: int, seconds: float) -> None:
        key = (bounded_method(method), handler, status)
        series = self._http.get(key)
        if series is None:
            labels = (key[0], handler, str(status))
            series = self._http[key] = (self.requests.labels(*labels), self.latency.labels(*labels))
        series[0].inc()
        series[1].observe(seconds)

    def observe_messages(self, results: Iterable[MessageResult]) -> None:
        count = 0
        for result in results:
            count += 1
            self._series(self._routes, self.routes, result.route).inc()
            for category in result.labels:
                self._series(self._predictions, self.predictions, category).inc()
        if count:
            self.messages.inc(count)

    def observe_conversation(self, result: ConversationResult) -> None:
        self._series(self._conversations, self.conversations, result.label).inc()

    @staticmethod
    def _series(known: dict, metric: Counter, label: str):
        """The series of ``label`` (a model trained with its own categories may name one not listed yet)."""
        series = known.get(label)
        if series is None:
            series = known[label] = metric.labels(label)
        return series

    def set_model(self, info: ModelInfo | None) -> None:
        """The model info gauge and readiness; a hot reload calls this again with the new model."""
        self.model_info.clear()
        if info is not None:
            self.model_info.labels(info.name, info.version, info.sha256).set(1)
        self.ready.set(1 if info is not None else 0)

    def render(self) -> bytes:
        return generate_latest(self.registry)
