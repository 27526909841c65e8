"""The HTTP API: a thin FastAPI front over ``signals.service.ScoringService`` (see docs/api.md)."""

from signals.api.app import create_app

__all__ = ["create_app"]
