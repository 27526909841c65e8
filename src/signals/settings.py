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

    @field_validator("api_keys", "admin_keys")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    def keys(self, which: str = "api") -> list[str]:
        raw = self.api_keys if which == "api" else self.admin_keys
        return [k.strip() for k in raw.split(",") if k.strip()]
