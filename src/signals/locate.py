"""Which model directory a command uses: ``--model``, else ``SIGNALS_MODEL``, else the default model
in ``./models``, else the default model beside the installed package (a source checkout)."""

from __future__ import annotations

from pathlib import Path

from signals.errors import ModelNotFoundError
from signals.settings import DEFAULT_MODEL_DIR, Settings


def resolve_model_dir(explicit: Path | None, settings: Settings) -> Path:
    if explicit is not None:
        return Path(explicit)
    if "model_dir" in settings.model_fields_set:
        return Path(settings.model_dir)
    candidates = [Path.cwd() / DEFAULT_MODEL_DIR, Path(__file__).resolve().parents[2] / DEFAULT_MODEL_DIR]
    for candidate in candidates:
        if (candidate / "manifest.json").is_file():
            return candidate
    raise ModelNotFoundError(
        f"no model found: pass --model DIR or set SIGNALS_MODEL=DIR (looked in {candidates[0]} and {candidates[1]}); "
        "`make train` trains the default model")
