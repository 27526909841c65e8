"""Which model directory a command uses: ``--model``, else ``SIGNALS_MODEL``, else the default model
in ``./models``, else the default model beside the installed package (a source checkout)."""

from __future__ import annotations

from pathlib import Path

from signals.settings import Settings


def resolve_model_dir(explicit: Path | None, settings: Settings) -> Path:
    return Path(explicit) if explicit is not None else settings.require_model_dir()
