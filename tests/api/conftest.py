"""API fixtures: apps built with ``create_app(settings, service)`` around the session's tiny model,
entered with ``with TestClient(...)`` so the lifespan (verify, warm up, ready) really runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from signals.api import create_app
from signals.settings import Settings

# Every API setting is given explicitly, so SIGNALS_* variables or a .env of the machine running
# the tests cannot change what the tests see.
API_DEFAULTS = {"api_keys": "", "admin_keys": "", "max_text_chars": 5_000, "max_batch": 256,
                "max_context_turns": 50, "max_turns": 200, "max_body_bytes": 2_000_000, "workers": 2,
                "inline_chars": 4096,
                "batch_size": 512, "model_root": None, "review_db": "sqlite://", "reviewer_keys": "",
                "review_purge_interval": 0}

# Small limits for the limit tests.
SMALL_LIMITS = {"max_text_chars": 200, "max_batch": 3, "max_context_turns": 2, "max_turns": 4,
                "max_body_bytes": 2_000}


def make_settings(default_model_dir: Path, **overrides) -> Settings:
    return Settings(_env_file=None, **{**API_DEFAULTS, "model_dir": default_model_dir, **overrides})


@pytest.fixture(scope="session")
def settings_for(tiny_model_dir) -> Callable[..., Settings]:
    return lambda **overrides: make_settings(tiny_model_dir, **overrides)


@pytest.fixture(scope="session")
def client_for(settings_for, service) -> Callable[..., AbstractContextManager[TestClient]]:
    """``with client_for(api_keys="a,b") as client:`` an app serving the session's service."""

    @contextmanager
    def open_client(*, raise_server_exceptions: bool = True, **overrides) -> Iterator[TestClient]:
        app = create_app(settings_for(**overrides), service)
        with TestClient(app, raise_server_exceptions=raise_server_exceptions) as client:
            yield client

    return open_client


@pytest.fixture(scope="module")
def client(client_for) -> Iterator[TestClient]:
    """Auth off, default limits."""
    with client_for() as c:
        yield c


@pytest.fixture(scope="module")
def small_client(client_for) -> Iterator[TestClient]:
    """Auth off, small limits (``SMALL_LIMITS``)."""
    with client_for(**SMALL_LIMITS) as c:
        yield c


def assert_envelope(response, status: int, code: str, field: str | None = None) -> dict:
    assert response.status_code == status, response.text
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "field"}
    assert body["error"]["code"] == code, body
    assert body["error"]["field"] == field, body
    assert body["error"]["message"]
    return body["error"]
