"""Engines for the review store and its migrations.

``SIGNALS_REVIEW_DB`` is a SQLite file path (the default, ``var/review.sqlite3``: created with its
folder, no set-up) or a SQLAlchemy URL (``postgresql+psycopg://user@host:5432/db`` for several API
replicas on one database). SQLite runs in WAL mode with ``secure_delete`` (deleted text is
overwritten in the file, not just unlinked) and starts every transaction with ``BEGIN IMMEDIATE``,
so writers queue up on the database lock instead of failing half-way; PostgreSQL uses row locks
(``SELECT ... FOR UPDATE``) where decisions are written (``decisions.py``).

``migrate(engine)`` runs the packaged Alembic scripts to ``head``; the app calls it on start-up,
under a PostgreSQL advisory lock so that replicas starting together migrate one after the other.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

MIGRATIONS = "signals.review:migrations"
MIGRATION_LOCK = 7_311_013  # PostgreSQL advisory lock id held while migrating
SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "signals_read_only"


def database_url(review_db: str) -> str:
    """A SQLAlchemy URL from the setting: a URL as it is, a file path as ``sqlite:///<absolute path>``."""
    if "://" in review_db:
        return review_db
    path = Path(review_db).expanduser().resolve()
    return f"sqlite:///{path}"


def _private_file(path: Path) -> None:
    """Create the database file (and a missing folder) readable by its owner only: it holds message
    text. SQLite gives its -wal and -shm files the same permissions."""
    if not path.parent.exists():
        path.parent.mkdir(parents=True, mode=0o700)
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    dbapi_connection.isolation_level = None  # SQLAlchemy's "begin" event below issues BEGIN itself
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "foreign_keys=ON", f"busy_timeout={SQLITE_BUSY_TIMEOUT_MS}",
                   "secure_delete=ON", "synchronous=NORMAL"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # Writers take the write lock at BEGIN (so a transaction never fails half-way on a lock it
    # cannot upgrade); readers (``read_only`` engines, see ``readers``) start deferred and never wait.
    deferred = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if deferred else "BEGIN IMMEDIATE")


def make_engine(review_db: str) -> Engine:
    """The engine for ``review_db`` (see the module docstring); a SQLite file's folder is created."""
    url = make_url(database_url(review_db))
    if url.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True, future=True)
    database = url.database or ""
    memory = _memory_database(database)
    kwargs: dict[str, Any] = {"connect_args": {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000}}
    if memory:
        # One connection holds the whole database, so there is one and it is lent to one thread at a
        # time: a pool of one that never closes it (a StaticPool lent it to every thread at once, and
        # their transactions interleaved on it: 500s and writes lost, see tests/review/test_store_concurrency.py).
        kwargs.update(poolclass=QueuePool, pool_size=1, max_overflow=0, pool_timeout=SQLITE_BUSY_TIMEOUT_MS / 1000,
                      pool_recycle=-1)
    else:
        _private_file(Path(database))
    engine = create_engine(url, **kwargs)
    event.listen(engine, "connect", _sqlite_pragmas)
    event.listen(engine, "begin", _sqlite_begin)
    return engine


def _memory_database(database: str) -> bool:
    return database in ("", ":memory:")


def is_memory(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and _memory_database(engine.url.database or "")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def readers(engine: Engine) -> sessionmaker[Session]:
    """Sessions for reading only: on SQLite they do not take the write lock."""
    return sessionmaker(engine.execution_options(**{READ_ONLY: True}), expire_on_commit=False)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", MIGRATIONS)
    return config


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the store to ``revision`` (the packaged Alembic scripts), one migrator at a time."""
    config = alembic_config()
    with engine.connect() as connection:
        postgres = connection.dialect.name == "postgresql"
        if postgres:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": MIGRATION_LOCK})
            connection.commit()
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
        finally:
            if postgres:
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": MIGRATION_LOCK})
                connection.commit()


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
