"""Models load only from the configured place and only when every file matches the sha256 manifest.

Each row tampers with a copy of the tiny model in one way. The load is refused before anything is
unpickled, with an error naming the file; an app configured with that directory stays up but never
becomes ready (/readyz and /v1 answer 503 with the reason, the log line names the file).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import joblib
import pytest
from fastapi.testclient import TestClient

from signals.api import create_app
from signals.errors import ArtifactIntegrityError, ModelNotFoundError, SignalsError
from signals.model import artifact
from signals.model.artifact import MANIFEST, sha256_bytes
from signals.service import ScoringService

from .conftest import BUNDLE, assert_envelope, copy_model, flip_byte, read_manifest, write_manifest


@dataclass(frozen=True)
class Tampering:
    """``make(model, tmp)`` changes the copy ``model`` and returns (model_dir to load, model_root)."""

    make: Callable[[Path, Path], tuple[Path, Path | None]]
    error: type[SignalsError]
    message: str  # regex over the error message; it names the offending file


def _flip(name: str, position: int) -> Callable[[Path, Path], tuple[Path, None]]:
    def make(model: Path, tmp: Path) -> tuple[Path, None]:
        flip_byte(model / name, position)
        return model, None
    return make


def _swap_two_files(model: Path, tmp: Path) -> tuple[Path, None]:
    a, b = model / "thresholds.json", model / "metrics.json"
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    return model, None


def _swap_bundle(model: Path, tmp: Path) -> tuple[Path, None]:
    """Another perfectly valid joblib file in the bundle's place: only the hash can tell."""
    joblib.dump({"category_model": "niet dit model"}, model / BUNDLE)
    return model, None


def _delete(name: str) -> Callable[[Path, Path], tuple[Path, None]]:
    def make(model: Path, tmp: Path) -> tuple[Path, None]:
        (model / name).unlink()
        return model, None
    return make


def _extra(name: str) -> Callable[[Path, Path], tuple[Path, None]]:
    def make(model: Path, tmp: Path) -> tuple[Path, None]:
        path = model / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"niet in het manifest")
        return model, None
    return make


def _manifest_entry_outside(model: Path, tmp: Path) -> tuple[Path, None]:
    outside = tmp / "outside.txt"
    outside.write_text("buiten de map\n", encoding="utf-8")
    manifest = read_manifest(model)
    manifest["files"]["../outside.txt"] = sha256_bytes(outside.read_bytes())  # the hash matches: never read from there
    write_manifest(model, manifest)
    return model, None


def _symlinked_file(model: Path, tmp: Path) -> tuple[Path, None]:
    """The weights moved out and linked back: same bytes, so only the link check can refuse them."""
    outside = tmp / "weights-elsewhere.joblib"
    (model / BUNDLE).rename(outside)
    (model / BUNDLE).symlink_to(outside)
    return model, None


def _outside_the_model_root(model: Path, tmp: Path) -> tuple[Path, Path]:
    root = tmp / "trusted-models"
    root.mkdir()
    return root / ".." / model.name, root  # an intact model, but `..` leads out of SIGNALS_MODEL_ROOT


def _symlink_out_of_the_model_root(model: Path, tmp: Path) -> tuple[Path, Path]:
    root = tmp / "trusted-models"
    root.mkdir()
    (root / "signals-nl").symlink_to(model, target_is_directory=True)
    return root / "signals-nl", root


TAMPERING = {
    "flip-byte-bundle-start": Tampering(_flip(BUNDLE, 0), ArtifactIntegrityError,
                                        rf"{BUNDLE}: sha256 does not match the manifest"),
    "flip-byte-bundle-end": Tampering(_flip(BUNDLE, -1), ArtifactIntegrityError,
                                      rf"{BUNDLE}: sha256 does not match the manifest"),
    "flip-byte-patterns": Tampering(_flip("patterns.yaml", 200), ArtifactIntegrityError,
                                    r"patterns\.yaml: sha256 does not match the manifest"),
    "swap-two-files": Tampering(_swap_two_files, ArtifactIntegrityError,
                                r"(metrics|thresholds)\.json: sha256 does not match the manifest"),
    "swap-bundle-for-another-pickle": Tampering(_swap_bundle, ArtifactIntegrityError,
                                                rf"{BUNDLE}: sha256 does not match the manifest"),
    "delete-bundle": Tampering(_delete(BUNDLE), ArtifactIntegrityError,
                               rf"{BUNDLE}: listed in the manifest but missing"),
    "delete-patterns": Tampering(_delete("patterns.yaml"), ArtifactIntegrityError,
                                 r"patterns\.yaml: listed in the manifest but missing"),
    "delete-manifest": Tampering(_delete(MANIFEST), ModelNotFoundError, rf"missing {MANIFEST}"),
    "extra-file": Tampering(_extra("extra.joblib"), ArtifactIntegrityError,
                            r"extra\.joblib: file not listed in the manifest"),
    "extra-file-in-subfolder": Tampering(_extra("sub/payload.pkl"), ArtifactIntegrityError,
                                         r"sub/payload\.pkl: file not listed in the manifest"),
    "manifest-entry-with-dot-dot": Tampering(_manifest_entry_outside, ArtifactIntegrityError,
                                             r"\.\./outside\.txt: listed in the manifest but missing"),
    "symlinked-file-inside": Tampering(_symlinked_file, ArtifactIntegrityError, r"symbolic links are not allowed"),
    "flip-byte-lexicon": Tampering(_flip("lexicon/straattaal.tsv", 5), ArtifactIntegrityError,
                                   r"lexicon/straattaal\.tsv: sha256 does not match the manifest"),
    "model-dir-outside-model-root": Tampering(_outside_the_model_root, ArtifactIntegrityError,
                                              r"is outside the model root"),
    "symlink-out-of-model-root": Tampering(_symlink_out_of_the_model_root, ArtifactIntegrityError,
                                           r"is outside the model root"),
}


@pytest.fixture
def tampered(request, tiny_model_dir, tmp_path) -> tuple[Path, Path | None, Tampering]:
    case = TAMPERING[request.param]
    model = copy_model(tiny_model_dir, tmp_path / "signals-nl")
    model_dir, root = case.make(model, tmp_path)
    return model_dir, root, case


@pytest.fixture
def no_unpickling(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("weights unpickled from a model directory that failed verification")
    monkeypatch.setattr(artifact, "load_weights", refuse)
    monkeypatch.setattr("signals.model.bundle.load_weights", refuse)


@pytest.mark.parametrize("tampered", list(TAMPERING), indirect=True)
def test_tampered_model_is_refused_at_load(tampered, no_unpickling):
    model_dir, root, case = tampered
    with pytest.raises(case.error, match=case.message):
        ScoringService.load(model_dir, root)


@pytest.mark.parametrize("tampered", list(TAMPERING), indirect=True)
def test_app_with_a_tampered_model_never_becomes_ready(tampered, settings_for, caplog):
    model_dir, root, case = tampered
    caplog.set_level(logging.INFO, logger="signals.api")
    with TestClient(create_app(settings_for(model_dir=model_dir, model_root=root))) as client:
        error = assert_envelope(client.get("/readyz"), 503, "not_ready")
        assert f"model load failed ({case.error.code} {case.error.__name__})" in error["message"]
        assert client.get("/readyz").status_code == 503, "stays not ready"
        assert client.get("/healthz").status_code == 200, "alive, so the orchestrator sees why"
        assert_envelope(client.post("/v1/score", json={"messages": [{"id": "1", "text": "hoi"}]}), 503, "not_ready")
        assert_envelope(client.get("/v1/model"), 503, "not_ready")
        assert "signals_ready 0.0" in client.get("/metrics").text
    [record] = [r for r in caplog.records if r.getMessage() == "model_unavailable"]
    assert re.search(case.message, record.fields["error"]), record.fields
    assert record.fields["error_code"] == case.error.code
    assert not any(r.getMessage() == "model_ready" for r in caplog.records)


def test_the_untouched_copy_loads(tiny_model_dir, tmp_path, settings_for, service):
    """The control row: copying alone changes nothing, so every refusal above is the tampering's."""
    model = copy_model(tiny_model_dir, tmp_path / "models" / "signals-nl")
    with TestClient(create_app(settings_for(model_dir=model, model_root=tmp_path / "models"))) as client:
        assert client.get("/readyz").json()["model"] == service.info.as_dict()


def test_readyz_reason_names_no_path(tiny_model_dir, tmp_path, settings_for):
    """/readyz is open: it gives the error code and type, the file name is only in the log."""
    model = copy_model(tiny_model_dir, tmp_path / "geheime-map")
    flip_byte(model / "patterns.yaml")
    with TestClient(create_app(settings_for(model_dir=model))) as client:
        message = client.get("/readyz").json()["error"]["message"]
    assert "geheime-map" not in message and "patterns.yaml" not in message
