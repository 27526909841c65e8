"""Model directories: a sha256 manifest is written with them, and nothing is unpickled unless the
directory holds exactly the files the manifest vouches for, all inside the directory."""

from __future__ import annotations

import json
import os
import re
import shutil
from pathlib import Path

import joblib
import pytest

from signals.errors import ArtifactIntegrityError, ModelNotFoundError
from signals.model import artifact
from signals.model.artifact import (
    BUNDLE,
    MANIFEST,
    load_model_dir,
    model_sha256,
    sha256_file,
    verify_model_dir,
    write_model_dir,
)

FILES = {"thresholds.json": '{"sextortion": 0.5}\n', "model_card.md": "# Model card\n\n## Intended use\n"}
BUNDLE_OBJECT = {"category_model": "tiny", "tactics": ["secrecy"], "weights": list(range(50))}


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return write_model_dir(tmp_path / "models" / "tiny", BUNDLE_OBJECT, FILES, {"name": "tiny", "version": "0.0.1"})


@pytest.fixture
def no_unpickling(monkeypatch):
    """Fail the test if anything is unpickled."""
    def refuse(*args, **kwargs):
        raise AssertionError("joblib.load called on an unverified model directory")
    monkeypatch.setattr(artifact.joblib, "load", refuse)


def read_manifest(model_dir: Path) -> dict:
    return json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))


def write_manifest(model_dir: Path, manifest: dict) -> None:
    (model_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


# -- happy path -----------------------------------------------------------------------------------

def test_round_trip(model_dir):
    bundle, manifest = load_model_dir(model_dir)
    assert bundle == BUNDLE_OBJECT
    assert manifest["name"] == "tiny" and manifest["version"] == "0.0.1"
    assert set(manifest["files"]) == {BUNDLE, *FILES}
    for name, digest in manifest["files"].items():
        assert digest == sha256_file(model_dir / name)
        assert len(digest) == 64 and int(digest, 16) >= 0


def test_write_leaves_no_staging_folder_and_replaces_an_old_model(model_dir):
    write_model_dir(model_dir, {"v": 2}, {"notes.txt": "tweede versie\n"}, {"name": "tiny", "version": "0.0.2"})
    assert sorted(p.name for p in model_dir.parent.iterdir()) == ["tiny"]
    bundle, manifest = load_model_dir(model_dir)
    assert bundle == {"v": 2}
    assert set(manifest["files"]) == {BUNDLE, "notes.txt"}
    assert not (model_dir / "thresholds.json").exists()


def test_a_failed_write_leaves_the_old_model_and_no_staging_folder(model_dir):
    class Unpicklable:
        def __reduce__(self):
            raise RuntimeError("kan niet")

    with pytest.raises(RuntimeError):
        write_model_dir(model_dir, Unpicklable(), FILES, {"name": "tiny"})
    assert sorted(p.name for p in model_dir.parent.iterdir()) == ["tiny"]
    assert load_model_dir(model_dir)[0] == BUNDLE_OBJECT


def test_inside_the_model_root(model_dir):
    assert verify_model_dir(model_dir, root=model_dir.parent)["name"] == "tiny"
    assert verify_model_dir(model_dir, root=model_dir)["name"] == "tiny"


def test_model_sha256_names_the_whole_model(model_dir):
    manifest = verify_model_dir(model_dir)
    assert model_sha256(manifest) == model_sha256(json.loads(json.dumps(manifest)))
    changed = dict(manifest, files=dict(manifest["files"], **{"model_card.md": "0" * 64}))
    assert model_sha256(changed) != model_sha256(manifest)


# -- tampering ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [BUNDLE, "thresholds.json", "model_card.md"])
@pytest.mark.parametrize("position", [0, -1])
def test_one_flipped_byte_is_refused(model_dir, no_unpickling, name, position):
    path = model_dir / name
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactIntegrityError, match=rf"{name}: sha256 does not match"):
        load_model_dir(model_dir)


@pytest.mark.parametrize("name", [BUNDLE, "thresholds.json"])
def test_a_deleted_file_is_refused(model_dir, no_unpickling, name):
    (model_dir / name).unlink()
    with pytest.raises(ArtifactIntegrityError, match=rf"{name}: listed in the manifest but missing"):
        load_model_dir(model_dir)


@pytest.mark.parametrize("name", ["extra.joblib", "sub/payload.pkl", ".hidden"])
def test_an_extra_file_is_refused(model_dir, no_unpickling, name):
    path = model_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"niet in het manifest")
    with pytest.raises(ArtifactIntegrityError, match=rf"{name}: file not listed in the manifest"):
        load_model_dir(model_dir)


def test_two_swapped_files_are_refused(model_dir, no_unpickling):
    a, b = model_dir / "thresholds.json", model_dir / "model_card.md"
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    with pytest.raises(ArtifactIntegrityError, match=r"(model_card\.md|thresholds\.json): sha256 does not match"):
        load_model_dir(model_dir)


def test_a_bundle_swapped_for_another_valid_bundle_is_refused(model_dir, no_unpickling, tmp_path):
    other = write_model_dir(tmp_path / "models" / "other", {"evil": True}, FILES, {"name": "other"})
    shutil.copyfile(other / BUNDLE, model_dir / BUNDLE)
    with pytest.raises(ArtifactIntegrityError, match=rf"{BUNDLE}: sha256 does not match"):
        load_model_dir(model_dir)


@pytest.mark.parametrize("entry", ["../outside.txt", "sub/../../outside.txt", "../tiny-copy/model.joblib"])
def test_a_manifest_entry_outside_the_folder_is_refused(model_dir, no_unpickling, entry):
    outside = (model_dir / entry).resolve()
    outside.parent.mkdir(parents=True, exist_ok=True)
    outside.write_text("buiten de map\n", encoding="utf-8")
    manifest = read_manifest(model_dir)
    manifest["files"][entry] = sha256_file(outside)    # a matching hash: only the path check can refuse it
    write_manifest(model_dir, manifest)
    with pytest.raises(ArtifactIntegrityError, match=re.escape(repr(entry)) + " points outside"):
        load_model_dir(model_dir)


def test_an_absolute_manifest_entry_is_refused(model_dir, no_unpickling, tmp_path):
    outside = tmp_path / "outside.txt"
    outside.write_text("x", encoding="utf-8")
    manifest = read_manifest(model_dir)
    manifest["files"][str(outside)] = sha256_file(outside)
    write_manifest(model_dir, manifest)
    with pytest.raises(ArtifactIntegrityError, match="points outside"):
        load_model_dir(model_dir)


def test_a_symlink_to_a_file_outside_is_refused(model_dir, no_unpickling, tmp_path):
    outside = tmp_path / "elsewhere.joblib"
    shutil.copyfile(model_dir / BUNDLE, outside)       # same bytes, so the hash alone would pass
    (model_dir / BUNDLE).unlink()
    os.symlink(outside, model_dir / BUNDLE)
    with pytest.raises(ArtifactIntegrityError, match=rf"'{BUNDLE}' points outside"):
        load_model_dir(model_dir)


def test_a_folder_outside_the_model_root_is_refused(model_dir, no_unpickling, tmp_path):
    root = tmp_path / "trusted"
    root.mkdir()
    with pytest.raises(ArtifactIntegrityError, match="outside the model root"):
        load_model_dir(model_dir, root)


def test_a_symlinked_folder_escaping_the_model_root_is_refused(model_dir, no_unpickling, tmp_path):
    root = tmp_path / "trusted"
    root.mkdir()
    os.symlink(model_dir, root / "tiny")
    with pytest.raises(ArtifactIntegrityError, match="outside the model root"):
        load_model_dir(root / "tiny", root)


def test_dot_dot_in_the_folder_path_is_resolved_before_the_root_check(model_dir, no_unpickling, tmp_path):
    root = tmp_path / "trusted"
    root.mkdir()
    with pytest.raises(ArtifactIntegrityError, match="outside the model root"):
        load_model_dir(root / ".." / "models" / "tiny", root)


def test_missing_manifest_is_model_not_found(model_dir, no_unpickling):
    (model_dir / MANIFEST).unlink()
    with pytest.raises(ModelNotFoundError, match="missing manifest.json"):
        load_model_dir(model_dir)


def test_missing_folder_is_model_not_found(tmp_path, no_unpickling):
    with pytest.raises(ModelNotFoundError, match="no model at"):
        load_model_dir(tmp_path / "nergens")


@pytest.mark.parametrize("text", ["{niet json", "[]", '{"name": "tiny"}', ""])
def test_unreadable_manifest_is_refused(model_dir, no_unpickling, text):
    (model_dir / MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(ArtifactIntegrityError, match="unreadable manifest"):
        load_model_dir(model_dir)


@pytest.mark.parametrize("files", [None, [BUNDLE, "thresholds.json", "model_card.md"], 3])
def test_manifest_files_of_the_wrong_type_is_an_integrity_error(model_dir, no_unpickling, files):
    manifest = read_manifest(model_dir)
    manifest["files"] = files
    write_manifest(model_dir, manifest)
    with pytest.raises(ArtifactIntegrityError):
        load_model_dir(model_dir)


def test_the_manifest_itself_may_not_be_listed(model_dir, no_unpickling):
    manifest = read_manifest(model_dir)
    manifest["files"][MANIFEST] = "0" * 64
    write_manifest(model_dir, manifest)
    with pytest.raises(ArtifactIntegrityError, match="manifest.json: listed in the manifest but missing"):
        load_model_dir(model_dir)


def test_joblib_loads_exactly_the_bytes_that_were_verified(model_dir, monkeypatch):
    calls = []
    real_load = joblib.load

    def spy(source):
        calls.append(source.getvalue())
        source.seek(0)
        return real_load(source)

    monkeypatch.setattr(artifact.joblib, "load", spy)
    load_model_dir(model_dir)
    assert calls == [(model_dir / BUNDLE).read_bytes()]
