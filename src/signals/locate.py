"""Which model directory a command uses: ``--model``, else ``SIGNALS_MODEL``, else the default model
in ``./models``, else the default model beside the installed package (a source checkout)."""

from __future__ import annotations

import argparse
from pathlib import Path

from signals.settings import Settings


def resolve_model_dir(explicit: Path | None, settings: Settings) -> Path:
    return Path(explicit) if explicit is not None else settings.require_model_dir()


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    """``--model`` and ``--env-file``, the same for every command that loads a model."""
    parser.add_argument("--model", type=Path, default=None,
                        help="model directory (default: SIGNALS_MODEL, else models/<default model> here or in the checkout)")
    add_env_file_argument(parser)


def add_env_file_argument(parser: argparse.ArgumentParser) -> None:
    """``--env-file``, the same for every command that reads settings."""
    parser.add_argument("--env-file", default=None, metavar="FILE",
                        help="read SIGNALS_* settings from FILE too (default: SIGNALS_ENV_FILE; never ./.env on its own)")
