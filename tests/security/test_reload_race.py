"""A pinned reload cannot be raced, and a refused model never ran any of its code.

An attacker who can write inside the model root builds a self-consistent model (its manifest matches
its files) whose weights hold a pickle that runs code, and flips a symlink between it and the real
model while reloads run. Files are read once, through the directory opened once, checked against
the manifest and the pin, and parsed from those same bytes; the weights are unpickled with a loader
that builds arrays and nothing else. So every reload either loads the pinned model or is refused,
and the crafted code never runs (its marker file never appears).
"""

from __future__ import annotations

import io
import os
import threading
from pathlib import Path

import joblib
import pytest
from fastapi.testclient import TestClient

from signals.api import create_app
from signals.errors import ArtifactIntegrityError
from signals.model.artifact import WEIGHTS, read_model_files, write_model_dir
from signals.model.bundle import SignalsModel

from .conftest import ADMIN_KEY, copy_model

ADMIN = {"X-Admin-Key": ADMIN_KEY}


class Payload:
    """Unpickling this creates ``marker`` (a harmless stand-in for any code an attacker would run)."""

    def __init__(self, marker: Path) -> None:
        self.marker = str(marker)

    def __reduce__(self):
        return (open, (self.marker, "w"))


def crafted_model(source: Path, target: Path, marker: Path) -> Path:
    """``source``'s files with weights that run code when unpickled, under a manifest that matches."""
    files = read_model_files(source).files
    buffer = io.BytesIO()
    joblib.dump({"features": Payload(marker), "category": {}}, buffer)
    return write_model_dir(target, {**files, WEIGHTS: buffer.getvalue()}, {"name": "signals-nl", "version": "9.9.9"})


@pytest.fixture
def race_root(tmp_path, second_version) -> tuple[Path, Path, str]:
    root = tmp_path / "models"
    real = copy_model(second_version, root / "real")
    marker = tmp_path / "code-ran"
    crafted_model(real, root / "crafted", marker)
    (root / "current").symlink_to(real, target_is_directory=True)
    return root, marker, read_model_files(real).sha256


class Flipper(threading.Thread):
    """Swaps ``root/current`` between the real and the crafted model as fast as it can."""

    def __init__(self, root: Path) -> None:
        super().__init__(daemon=True)
        self.root = root
        self.stop = threading.Event()
        self.flips = 0

    def run(self) -> None:
        targets = [self.root / "crafted", self.root / "real"]
        while not self.stop.is_set():
            temporary = self.root / f".current-{self.flips}"
            temporary.symlink_to(targets[self.flips % 2], target_is_directory=True)
            os.replace(temporary, self.root / "current")  # atomic swap of the link
            self.flips += 1


def test_the_crafted_model_alone_is_refused_and_its_code_never_runs(race_root):
    root, marker, _ = race_root
    with pytest.raises(ArtifactIntegrityError, match="refused to load"):
        SignalsModel.load(root / "crafted", root)
    assert not marker.exists()


def test_100_pinned_loads_while_a_symlink_flips_never_run_the_crafted_pickle(race_root):
    root, marker, pinned = race_root
    flipper = Flipper(root)
    flipper.start()
    loaded = refused = 0
    try:
        for _ in range(100):
            try:
                model, files = SignalsModel.load(root / "current", root, expected_sha256=pinned)
            except ArtifactIntegrityError:
                refused += 1
            else:
                assert files.sha256 == pinned and model.spec.version == "0.2.1-reload"
                loaded += 1
    finally:
        flipper.stop.set()
        flipper.join()
    assert not marker.exists(), "the crafted pickle ran"
    assert loaded + refused == 100 and flipper.flips > 100
    assert loaded > 0 and refused > 0, (loaded, refused)  # both sides of the race were hit


def test_100_unpinned_loads_while_a_symlink_flips_never_run_the_crafted_pickle(race_root):
    root, marker, _ = race_root
    flipper = Flipper(root)
    flipper.start()
    outcomes = set()
    try:
        for _ in range(100):
            try:
                outcomes.add(SignalsModel.load(root / "current", root)[0].spec.version)
            except ArtifactIntegrityError as exc:
                outcomes.add(type(exc).__name__)
    finally:
        flipper.stop.set()
        flipper.join()
    assert not marker.exists(), "the crafted pickle ran"
    assert outcomes <= {"0.2.1-reload", "ArtifactIntegrityError"}


def test_reloads_through_the_api_while_a_symlink_flips(race_root, settings_for, tiny_model_dir):
    root, marker, pinned = race_root
    copy_model(tiny_model_dir, root / "start")
    app = create_app(settings_for(model_dir=root / "start", model_root=root, admin_keys=ADMIN_KEY))
    flipper = Flipper(root)
    with TestClient(app) as client:
        flipper.start()
        try:
            statuses = [client.post("/admin/reload", json={"model_dir": "current", "sha256": pinned},
                                    headers=ADMIN).status_code for _ in range(10)]
        finally:
            flipper.stop.set()
            flipper.join()
        assert set(statuses) <= {200, 409}, statuses
        assert client.get("/readyz").status_code == 200
        served = client.get("/v1/model").json()["sha256"]
    assert not marker.exists(), "the crafted pickle ran"
    assert served in {pinned, read_model_files(root / "start").sha256}
