"""Shared fixtures: one small model trained once per test session through the real `make train` path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """Train ``training/config.tiny.yaml`` into a temp folder (or reuse SIGNALS_TEST_MODEL_DIR)."""
    reuse = os.environ.get("SIGNALS_TEST_MODEL_DIR")
    if reuse and (Path(reuse) / "manifest.json").is_file():
        return Path(reuse)
    from training.config import load_config
    from training.train import train

    out = tmp_path_factory.mktemp("models") / "signals-nl-tiny"
    cwd = os.getcwd()
    os.chdir(ROOT)
    try:
        assert train(load_config(ROOT / "training" / "config.tiny.yaml"), out) == 0
    finally:
        os.chdir(cwd)
    return out


@pytest.fixture(scope="session")
def service(tiny_model_dir):
    from signals.service import ScoringService

    return ScoringService.load(tiny_model_dir)
