"""Runtime settings, read in one place: environment variables ``SIGNALS_*`` and, only when asked
for, an env file (``--env-file`` or ``SIGNALS_ENV_FILE``). A ``.env`` in the working directory is
never read on its own: whoever can write the working directory must not be able to choose the model.

A named env file was written for signals, so every ``SIGNALS_*`` key in it must be a setting, and so
must a key that is a setting's variable misspelt (``SIGNAL_MODEL``): either is refused with the file,
the line and the nearest setting, where a misspelt limit would otherwise be ignored without a word.
Other keys (``MODEL``, ``DATABASE_URL``) are left alone, for the other programs that share the file.
The variables of the process's own environment are not checked: other programs' may be there.
"""

from __future__ import annotations

import difflib
import io
import os
from pathlib import Path

from dotenv.parser import parse_stream
from pydantic import AliasChoices, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from signals.errors import ConfigError, ModelNotFoundError

PREFIX = "SIGNALS_"
ENV_FILE_VARIABLE = "SIGNALS_ENV_FILE"
MODEL_VARIABLE = "SIGNALS_MODEL"
MODEL_HINT = f"give the model directory with --model DIR or {MODEL_VARIABLE}=DIR"
DEFAULT_MODEL_NAME = "signals-nl-0.2.0"


def default_model_dirs() -> list[Path]:
    """Where a model is looked for when none is given: ./models, then the source checkout's models."""
    here = Path.cwd() / "models" / DEFAULT_MODEL_NAME
    checkout = Path(__file__).resolve().parents[2] / "models" / DEFAULT_MODEL_NAME
    return [here] if here == checkout else [here, checkout]


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix=PREFIX, env_file=None, extra="ignore",
                                      protected_namespaces=(), populate_by_name=True)

    # SIGNALS_MODEL, or the older name SIGNALS_MODEL_DIR; never from a .env file nobody named. When it is
    # not set, require_model_dir() looks in the default places (./models, the source checkout).
    model_dir: Path | None = Field(None, validation_alias=AliasChoices(MODEL_VARIABLE, "SIGNALS_MODEL_DIR"),
                                   description="trained model directory (SIGNALS_MODEL; SIGNALS_MODEL_DIR also works)")
    model_root: Path | None = Field(None, description="models may only be loaded from below this folder")
    batch_size: int = Field(512, ge=1, le=100_000, description="spaCy nlp.pipe batch size")

    # Input limits, for the command line and the API alike.
    max_text_chars: int = Field(5_000, ge=1, le=50_000, description=(
        "characters per text, counted as sent and after NFKC normalisation (whichever is larger)"))
    max_line_bytes: int = Field(8_000_000, ge=1_000, le=2**31 - 1, description="bytes per JSONL input line (CLI)")
    max_nesting: int = Field(64, ge=4, le=500, description="JSON nesting depth per input line (CLI)")

    # API
    api_keys: str = Field("", description="comma-separated keys; empty = no auth on /v1")
    admin_keys: str = Field("", description="comma-separated keys for /admin routes; empty = admin routes off")
    max_batch: int = Field(256, ge=1)
    max_context_turns: int = Field(50, ge=0)
    max_turns: int = Field(200, ge=1)
    max_body_bytes: int = Field(2_000_000, ge=1_000)
    workers: int = Field(2, ge=1, le=64, description="threads per server process that run CPU-bound scoring")
    processes: int = Field(1, ge=1, le=64, description=(
        "server processes, each with its own copy of the model (scoring is Python: one process uses about one "
        "core); /metrics and /admin/reload then answer for the process that takes the request"))
    shutdown_timeout: int = Field(10, ge=0, description="seconds in-flight requests get after SIGTERM")
    body_timeout: float = Field(10.0, gt=0, description="seconds a client has to send the whole request body (408)")
    max_connections: int = Field(256, ge=1, description="open connections before uvicorn answers 503")
    max_buffered_bytes: int = Field(64_000_000, ge=1_000, description=(
        "request body bytes held by all requests being read at once; over it a request gets 503"))
    request_budget_s: float = Field(30.0, gt=0, description=(
        "seconds a request may spend waiting for and being scored before it is answered 503"))
    chunk_chars: int = Field(20_000, ge=1, description="normalised characters scored per service call")
    chunk_messages: int = Field(64, ge=1, description="messages scored per service call")
    inline_chars: int = Field(4096, ge=0, le=20_000, description=(
        "small requests waiting together are scored on the event loop's own thread when their "
        "normalised characters are at most this and their documents (messages and context turns) at "
        "most chunk_messages (no hand-over to a scoring thread); 0: never"))
    chunk_seconds: float = Field(0.02, gt=0, description="time one chunk should take; chunks shrink to it")
    max_heavy_requests: int = Field(1, ge=1, description=(
        "requests of more than one chunk scored at once (at most workers - 1, so one worker stays free)"))

    # Human review (signals.review): the queue, decisions, the review page
    review_db: str = Field("var/review.sqlite3", description=(
        "the review store: a SQLite file path (WAL, created on start-up) or a SQLAlchemy URL such as "
        "postgresql+psycopg://user@host/db; 'sqlite://' is an in-memory store (tests)"))
    reviewer_keys: str = Field("", description="comma-separated keys for reviewers (X-Reviewer-Key, the /review page); "
                                               "empty = the queue is closed")
    review_retention_days: int = Field(30, ge=1, le=36_500, description="days after enqueueing when text, context and notes are deleted")
    review_purge_interval: int = Field(3600, ge=0, description="seconds between purges in the app; 0 = no timer")
    review_max_note_chars: int = Field(1000, ge=0, description="longest reviewer note")
    review_session_hours: int = Field(12, ge=1, le=24 * 7, description="how long a review page login lasts")
    review_page_size: int = Field(50, ge=1, le=500, description="items per queue page (GET /v1/review/items)")

    @field_validator("model_dir", "model_root", mode="before")
    @classmethod
    def _not_empty(cls, value: object) -> object:
        # an empty SIGNALS_MODEL= was the current folder: every file below it read before a clear error
        if isinstance(value, str) and not value.strip():
            raise ValueError("is empty: unset it or name a folder")
        return value

    @field_validator("api_keys", "admin_keys", "reviewer_keys")
    @classmethod
    def _strip(cls, value: str) -> str:
        return value.strip()

    def keys(self, which: str = "api") -> list[str]:
        """The configured keys of one kind: ``api``, ``admin`` or ``reviewer``."""
        raw = {"api": self.api_keys, "admin": self.admin_keys, "reviewer": self.reviewer_keys}[which]
        return [k.strip() for k in raw.split(",") if k.strip()]

    def require_model_dir(self) -> Path:
        """The model directory: the setting, else the default model in ``./models``, else the default
        model of the source checkout the package runs from; ``ModelNotFoundError`` naming both ways to
        give one when there is none."""
        if self.model_dir is not None:
            return self.model_dir
        candidates = default_model_dirs()
        for candidate in candidates:
            if (candidate / "manifest.json").is_file():
                return candidate
        raise ModelNotFoundError(f"no model given and none in {' or '.join(map(str, candidates))}: {MODEL_HINT} "
                                 "(`make train` trains the default model)")


def _setting_variables() -> list[str]:
    """The variables a setting is read from: ``SIGNALS_<FIELD>``, or the field's own aliases."""
    variables: list[str] = []
    for name, field in Settings.model_fields.items():
        alias = field.validation_alias
        if isinstance(alias, AliasChoices):
            variables += [choice for choice in alias.choices if isinstance(choice, str)]
        else:
            variables.append(PREFIX + name.upper())
    return variables


SETTING_VARIABLES = _setting_variables()
# how alike (difflib's ratio) a key and a setting's variable are when the key is that variable misspelt:
# SIGNAL_MODEL 0.96, SIGNALS_MAX_CHARS 0.87; not MAX_TEXT_CHARS 0.78 (another program's, or a prefix left out)
NEAR_MISS = 0.85


def load_settings(env_file: str | Path | None = None) -> Settings:
    """Settings from the environment, plus ``env_file`` (or the file named by ``SIGNALS_ENV_FILE``)
    when one is given; variables already set in the environment win over the file."""
    chosen = env_file if env_file is not None else os.environ.get(ENV_FILE_VARIABLE) or None
    if chosen is not None:
        _check_env_file(Path(chosen))
    try:
        return Settings(_env_file=chosen)
    except ValidationError as exc:
        problems = "; ".join(f"{_variable(e['loc'])}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"invalid setting{'s' if len(exc.errors()) > 1 else ''}: {problems}") from None


def _variable(loc: tuple) -> str:
    if not loc:
        return "settings"
    name = "_".join(str(part) for part in loc).upper()
    return name if name.startswith(PREFIX) else PREFIX + name   # an alias is the variable's own name


def _check_env_file(path: Path) -> None:
    """An env file that cannot be read whole, or that holds a key no setting reads (``_check_key``), is
    an error: python-dotenv would skip a line it cannot parse with a warning, pydantic-settings a key
    it does not know without one, and the setting meant would silently fall back to its default."""
    if not path.is_file():
        raise ConfigError(f"env file not found: {path}")
    try:
        text = path.read_bytes().decode("utf-8")
    except OSError as exc:
        raise ConfigError(f"cannot read env file {path}: {exc.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"env file {path} is not UTF-8 text") from None
    for binding in parse_stream(io.StringIO(text)):
        if binding.error:
            raise ConfigError(f"{path}:{binding.original.line}: cannot parse this line (KEY=value, quotes closed)")
        if binding.key is not None:
            _check_key(binding.key, f"{path}:{binding.original.line}")


def _check_key(key: str, where: str) -> None:
    """A key of a named env file is a setting's variable, or not signals' at all: a ``SIGNALS_*`` key
    that is no setting, or a near miss of one, is refused (it would be ignored and its setting keep
    its default). Keys are compared as pydantic-settings reads them, whatever their case."""
    name = key.upper()
    if name in SETTING_VARIABLES:
        return
    closest = difflib.get_close_matches(name, SETTING_VARIABLES, n=1, cutoff=NEAR_MISS)
    if name.startswith(PREFIX) or closest:
        hint = f"; did you mean {closest[0]}?" if closest else ""
        raise ConfigError(f"{where}: unknown setting {key}{hint}")
