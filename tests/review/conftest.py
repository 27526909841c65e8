"""Review fixtures: every store and API test runs against SQLite (a file, WAL) and a real
PostgreSQL server (``postgres.py``), through the parametrised ``review_db`` fixture.

PostgreSQL is skipped, with the reason, only when its binaries are absent and ``CI`` is not set;
under CI their absence fails the run (``make test`` installs them: the ``postgres`` target).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

import pytest
from fastapi.testclient import TestClient

# The API fixtures of tests/api, re-used (importing a fixture into a conftest makes it available here).
from tests.api.conftest import API_DEFAULTS, assert_envelope, client_for, make_settings, settings_for  # noqa: F401

from signals.api import create_app
from signals.review.store import ReviewStore

from .postgres import PostgresServer, start_server

API_KEY = "scoring-key-4f1a"
REVIEWER_KEY = "reviewer-key-9c2e"
ADMIN_KEY = "admin-key-11d0"
BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    try:
        server = start_server()
    except Exception as exc:  # noqa: BLE001 -- report why, and fail (a server that will not start is a bug)
        pytest.fail(f"PostgreSQL did not start: {type(exc).__name__}: {getattr(exc, 'stderr', b'')!r}")
    if server is None:
        reason = ("PostgreSQL server binaries (initdb, pg_ctl) not found: `make postgres` or "
                  "`apt-get install postgresql` installs them")
        if os.environ.get("CI"):
            pytest.fail(reason + " (CI is set, so this is a failure, not a skip)")
        pytest.skip(reason)
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(params=BACKENDS)
def review_db(request, tmp_path) -> Iterator[str]:
    """The ``SIGNALS_REVIEW_DB`` of one test: a fresh SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield str(tmp_path / "review" / "review.sqlite3")
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    name = server.create_database()
    try:
        yield server.url(name)
    finally:
        server.drop_database(name)


@pytest.fixture
def store(review_db) -> Iterator[ReviewStore]:
    opened = ReviewStore.open(review_db)
    try:
        yield opened
    finally:
        opened.close()


@pytest.fixture
def review_client(review_db, tiny_model_dir, service) -> Callable[..., AbstractContextManager[TestClient]]:
    """``with review_client(**overrides) as client:`` an app on this test's store, with a scoring key
    and a reviewer key set (override them to test other set-ups)."""

    @contextmanager
    def open_client(**overrides) -> Iterator[TestClient]:
        settings = make_settings(tiny_model_dir, **{"review_db": review_db, "api_keys": API_KEY, "reviewer_keys": REVIEWER_KEY,
                                   **overrides})
        with TestClient(create_app(settings, service)) as client:
            yield client

    return open_client


SCORING = {"X-API-Key": API_KEY}
REVIEWER = {"X-Reviewer-Key": REVIEWER_KEY}
