"""Security fixtures: the API fixtures of ``tests/api`` (re-used, not copied) plus tampering helpers.

Every test that changes a model works on a copy of the session's tiny model under ``tmp_path``;
the shared model directory is never touched.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import pytest

# The fixtures and helpers of tests/api, re-used rather than copied (importing a fixture into a
# conftest makes it available below that folder).
from tests.api.conftest import API_DEFAULTS, assert_envelope, client, client_for, make_settings, settings_for  # noqa: F401

from signals.model.artifact import MANIFEST, WEIGHTS
from signals.model.bundle import SignalsModel

BUNDLE = WEIGHTS  # the one file that is unpickled

ADMIN_KEY = "beheer-sleutel-5c1d"
API_KEY = "api-sleutel-77e0"


def copy_model(source: Path, target: Path) -> Path:
    """A byte-for-byte copy of a model directory (``shutil.copytree``)."""
    shutil.copytree(source, target)
    return target


def flip_byte(path: Path, position: int = -1) -> None:
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))


def read_manifest(model_dir: Path) -> dict:
    return json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))


def write_manifest(model_dir: Path, manifest: dict) -> None:
    (model_dir / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")


def new_version(source: Path, target: Path, version: str) -> Path:
    """A genuinely different, valid model: the same model saved with another ``version`` (so the
    description and the manifest are recomputed, not hand-edited)."""
    model, _ = SignalsModel.load(source)
    model.spec = dataclasses.replace(model.spec, version=version)
    return model.save(target)


@pytest.fixture(scope="session")
def second_version(tiny_model_dir, tmp_path_factory) -> Path:
    """The tiny model re-written as version ``0.2.1-reload`` (outside any model root: copy it in)."""
    return new_version(tiny_model_dir, tmp_path_factory.mktemp("versions") / "signals-nl-0.2.1", "0.2.1-reload")
