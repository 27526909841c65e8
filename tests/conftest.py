"""Shared fixtures: one small model trained once per test run through the real `make train` path."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def pytest_collection_modifyitems(items):
    """One node id per test. Schemathesis names an operation's test ``test_x[POST /v1/score]`` but, under
    pytest 9, gives every operation the node id of the bare function; pytest-xdist (``make test`` runs
    two workers) hands tests out by node id and ran one operation of the twelve."""
    for item in items:
        label = getattr(item, "operation_label", None)
        if label and not item.nodeid.endswith("]"):
            if hasattr(item, "_id"):  # pytest 9: a structured id
                item._id = item._id.with_params(label)
            else:
                item._nodeid = f"{item.nodeid}[{label}]"


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    """Train ``training/config.tiny.yaml`` once per run (or reuse SIGNALS_TEST_MODEL_DIR). Under
    pytest-xdist the workers share it: the first to take the lock trains it in the run's folder, the
    others wait for it and read it (no test writes into it). Each worker training its own copy took
    about 60 s on two cores where one took 44 s."""
    reuse = os.environ.get("SIGNALS_TEST_MODEL_DIR")
    if reuse and (Path(reuse) / "manifest.json").is_file():
        return Path(reuse)
    from training.config import load_config
    from training.train import train

    run_folder = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        run_folder = run_folder.parent  # above the workers' own folders: this run's, no other run's
    out = run_folder / "shared-models" / "signals-nl-tiny"
    with open(run_folder / "shared-models.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (out / "manifest.json").is_file():  # training writes the folder whole or not at all
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


CLI_VARIABLES = ("SIGNALS_MODEL", "SIGNALS_MODEL_DIR", "SIGNALS_MODEL_ROOT", "SIGNALS_BATCH_SIZE", "SIGNALS_ENV_FILE",
                 "SIGNALS_MAX_TEXT_CHARS", "SIGNALS_MAX_LINE_BYTES", "SIGNALS_MAX_NESTING")


@pytest.fixture
def clean_cli_environment(monkeypatch, tmp_path):
    """No settings from the caller's environment, a working directory of the test's own, and no
    default model from the source checkout (``make train`` puts one there): the default place is
    ``./models`` of that working directory only."""
    from signals.settings import DEFAULT_MODEL_NAME

    for name in CLI_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr("signals.settings.default_model_dirs", lambda: [Path.cwd() / "models" / DEFAULT_MODEL_NAME])


@pytest.fixture
def loaded(tiny_model_dir, service, monkeypatch) -> Path:
    """``signals.cli`` reuses the session's loaded service (loading is covered by the tests that do not use this)."""
    def load(model_dir, settings):
        assert Path(model_dir) == Path(tiny_model_dir)
        return service

    monkeypatch.setattr("signals.cli._verified_service", load)
    return tiny_model_dir
