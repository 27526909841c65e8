"""Runtime settings (environment variables ``SIGNALS_*`` or a ``.env`` file), read in one place."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_MODEL_DIR = Path("models/signals-nl-0.1.0")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="SIGNALS_", env_file=".env", extra="ignore",
                                      protected_namespaces=())

    model_dir: Path = Field(DEFAULT_MODEL_DIR, description="trained model directory")
    model_root: Path | None = Field(None, description="models may only be loaded from below this folder")
    batch_size: int = Field(512, ge=1, le=100_000, description="spaCy nlp.pipe batch size")

    # API
    api_keys: str = Field("", description="comma-separated keys; empty = no auth on /v1")
    admin_keys: str = Field("", description="comma-separated keys for /admin routes; empty = admin routes off")
    max_text_chars: int = Field(5_000, ge=1)
    max_batch: int = Field(256, ge=1)
    max_context_turns: int = Field(50, ge=0)
    max_turns: int = Field(200, ge=1)
    max_body_bytes: int = Field(2_000_000, ge=1_000)
    workers: int = Field(2, ge=1, le=64, description="threads that run CPU-bound scoring")
    shutdown_timeout: int = Field(10, ge=0, description="seconds in-flight requests get after SIGTERM")

    # Human review (signals.review): the queue, decisions, the review page
    review_db: str = Field("var/review.sqlite3", description=(
        "the review store: a SQLite file path (WAL, created on start-up) or a SQLAlchemy URL such as "
        "postgresql+psycopg://user@host/db; 'sqlite://' is an in-memory store (tests)"))
    reviewer_keys: str = Field("", description="comma-separated keys for reviewers (X-Reviewer-Key, the /review page); "
                                               "empty = the queue is closed")
    review_retention_days: int = Field(30, ge=1, description="days after enqueueing when text, context and notes are deleted")
    review_purge_interval: int = Field(3600, ge=0, description="seconds between purges in the app; 0 = no timer")
    review_max_note_chars: int = Field(1000, ge=0, description="longest reviewer note")
    review_session_hours: int = Field(12, ge=1, le=24 * 7, description="how long a review page login lasts")
    review_page_size: int = Field(50, ge=1, le=500, description="items per queue page (GET /v1/review/items)")

    @field_validator("api_keys", "admin_keys", "reviewer_keys")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    def keys(self, which: str = "api") -> list[str]:
        """The configured keys of one kind: ``api``, ``admin`` or ``reviewer``."""
        raw = {"api": self.api_keys, "admin": self.admin_keys, "reviewer": self.reviewer_keys}[which]
        return [k.strip() for k in raw.split(",") if k.strip()]
