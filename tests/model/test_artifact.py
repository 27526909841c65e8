"""Model directories: written with a sha256 manifest; read once (no symlinks, regular files only),
verified, pinned, and parsed from those same bytes; weights hold only arrays and plain data."""

from __future__ import annotations

import io
import json
import os
import pickle
import shutil
from pathlib import Path

import joblib
import numpy as np
import pytest

from signals.errors import ArtifactIntegrityError, ConfigError, ModelNotFoundError
from signals.model.artifact import (
    MANIFEST,
    WEIGHTS,
    check_replaceable,
    dump_weights,
    load_weights,
    model_sha256,
    read_model_files,
    sha256_bytes,
    verify_model_dir,
    write_model_dir,
)

WEIGHT_DATA = {"coef": np.arange(12, dtype=np.float32).reshape(4, 3), "vocab": np.array([3, 1, 2], np.uint64),
               "intercept": 0.5, "names": ["a", "b"], "nested": {"x": (1, 2)}}
FILES = {WEIGHTS: dump_weights(WEIGHT_DATA), "thresholds.json": b'{"sextortion": 0.5}\n',
         "lexicon/chat.tsv": b"ff\teven\n", "model_card.md": b"# Model card\n"}


@pytest.fixture
def model_dir(tmp_path: Path) -> Path:
    return write_model_dir(tmp_path / "models" / "tiny", FILES, {"name": "tiny", "version": "0.0.1"})


def read_manifest(model_dir: Path) -> dict:
    return json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))


def write_manifest(model_dir: Path, manifest: dict) -> None:
    (model_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def weights_equal(a: dict, b: dict) -> bool:
    return all(np.array_equal(a[k], b[k]) if isinstance(a[k], np.ndarray) else a[k] == b[k] for k in a) and a.keys() == b.keys()


# -- happy path -----------------------------------------------------------------------------------

def test_round_trip(model_dir):
    files = read_model_files(model_dir)
    assert files.files == FILES
    assert files.manifest["name"] == "tiny" and files.manifest["version"] == "0.0.1"
    assert set(files.manifest["files"]) == set(FILES)
    for name, digest in files.manifest["files"].items():
        assert digest == sha256_bytes((model_dir / name).read_bytes())
    assert files.sha256 == model_sha256(files.manifest)
    assert weights_equal(load_weights(files.files[WEIGHTS]), WEIGHT_DATA)


def test_write_leaves_no_staging_folder_and_replaces_an_old_model(model_dir):
    write_model_dir(model_dir, {"notes.txt": b"tweede versie\n"}, {"name": "tiny", "version": "0.0.2"})
    assert sorted(p.name for p in model_dir.parent.iterdir()) == ["tiny"]
    assert read_model_files(model_dir).files == {"notes.txt": b"tweede versie\n"}
    assert not (model_dir / "thresholds.json").exists()


def test_a_failed_write_leaves_the_old_model_and_no_staging_folder(model_dir):
    with pytest.raises(TypeError):
        write_model_dir(model_dir, {"a.txt": b"ok", "b.txt": 3}, {"name": "tiny"})  # type: ignore[dict-item]
    assert sorted(p.name for p in model_dir.parent.iterdir()) == ["tiny"]
    assert read_model_files(model_dir).files == FILES


def test_a_folder_that_is_no_model_is_never_replaced(tmp_path):
    """`--out` pointed at a folder of one's own must not wipe it."""
    victim = tmp_path / "mijn-map"
    (victim / "sub").mkdir(parents=True)
    (victim / "notes.txt").write_text("belangrijk\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="holds no signals model"):
        write_model_dir(victim, FILES, {"name": "tiny"})
    assert sorted(p.name for p in victim.iterdir()) == ["notes.txt", "sub"]
    assert (victim / "notes.txt").read_text(encoding="utf-8") == "belangrijk\n"


@pytest.mark.parametrize(("make", "message"), [
    (lambda p: p.write_text("x"), "is not a folder"),                        # a file
    (lambda p: p.symlink_to(p.parent), "is not a folder"),                   # a link to somewhere else
    (lambda p: None, None),                                                  # nothing there yet: fine
    (lambda p: p.mkdir(), None),                                             # an empty folder: fine
])
def test_what_a_model_may_replace(tmp_path, make, message):
    target = tmp_path / "out"
    make(target)
    if message is None:
        check_replaceable(target)
    else:
        with pytest.raises(ConfigError, match=message):
            check_replaceable(target)


def test_an_output_folder_that_cannot_be_created_is_refused_before_training(tmp_path):
    with pytest.raises(ConfigError, match="not a writable folder"):
        check_replaceable(Path("/proc/no-such-dir/model"))


def test_the_writability_probe_leaves_nothing_behind(tmp_path):
    check_replaceable(tmp_path / "models" / "nieuw")
    assert list(tmp_path.iterdir()) == []


def test_inside_the_model_root(model_dir):
    assert verify_model_dir(model_dir, root=model_dir.parent)["name"] == "tiny"
    assert verify_model_dir(model_dir, root=model_dir)["name"] == "tiny"


def test_model_sha256_names_the_whole_model(model_dir):
    manifest = verify_model_dir(model_dir)
    changed = dict(manifest, files=dict(manifest["files"], **{"model_card.md": "0" * 64}))
    assert model_sha256(changed) != model_sha256(manifest)


def test_a_pinned_hash_is_checked_on_the_bytes_read(model_dir):
    sha = read_model_files(model_dir).sha256
    assert read_model_files(model_dir, expected_sha256=sha).sha256 == sha
    with pytest.raises(ArtifactIntegrityError, match=f"model sha256 {sha} is not the expected {'0' * 64}"):
        read_model_files(model_dir, expected_sha256="0" * 64)


# -- tampering ------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", [WEIGHTS, "thresholds.json", "lexicon/chat.tsv"])
@pytest.mark.parametrize("position", [0, -1])
def test_one_flipped_byte_is_refused(model_dir, name, position):
    path = model_dir / name
    data = bytearray(path.read_bytes())
    data[position] ^= 0x01
    path.write_bytes(bytes(data))
    with pytest.raises(ArtifactIntegrityError, match=rf"{name}: sha256 does not match"):
        read_model_files(model_dir)


@pytest.mark.parametrize("name", [WEIGHTS, "lexicon/chat.tsv"])
def test_a_deleted_file_is_refused(model_dir, name):
    (model_dir / name).unlink()
    with pytest.raises(ArtifactIntegrityError, match=rf"{name}: listed in the manifest but missing"):
        read_model_files(model_dir)


@pytest.mark.parametrize("name", ["extra.joblib", "sub/payload.pkl", ".hidden", "lexicon/extra.tsv"])
def test_an_extra_file_is_refused(model_dir, name):
    path = model_dir / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"niet in het manifest")
    with pytest.raises(ArtifactIntegrityError, match=rf"{name}: file not listed in the manifest"):
        read_model_files(model_dir)


def test_two_swapped_files_are_refused(model_dir):
    a, b = model_dir / "thresholds.json", model_dir / "model_card.md"
    data_a, data_b = a.read_bytes(), b.read_bytes()
    a.write_bytes(data_b)
    b.write_bytes(data_a)
    with pytest.raises(ArtifactIntegrityError, match=r"(model_card\.md|thresholds\.json): sha256 does not match"):
        read_model_files(model_dir)


@pytest.mark.parametrize("entry", ["../outside.txt", "sub/../../outside.txt", "/etc/hostname"])
def test_a_manifest_entry_outside_the_folder_is_never_read(model_dir, entry):
    manifest = read_manifest(model_dir)
    manifest["files"][entry] = "0" * 64
    write_manifest(model_dir, manifest)
    with pytest.raises(ArtifactIntegrityError, match="listed in the manifest but missing"):
        read_model_files(model_dir)


@pytest.mark.parametrize("name", [WEIGHTS, "lexicon/chat.tsv"])
def test_a_symlinked_file_is_refused_even_with_the_right_bytes(model_dir, tmp_path, name):
    outside = tmp_path / "elsewhere"
    shutil.copyfile(model_dir / name, outside)       # same bytes, so the hash alone would pass
    (model_dir / name).unlink()
    os.symlink(outside, model_dir / name)
    with pytest.raises(ArtifactIntegrityError, match="symbolic links are not allowed"):
        read_model_files(model_dir)


def test_a_symlinked_subfolder_is_refused(model_dir, tmp_path):
    shutil.move(model_dir / "lexicon", tmp_path / "lexicon")
    os.symlink(tmp_path / "lexicon", model_dir / "lexicon")
    with pytest.raises(ArtifactIntegrityError, match="symbolic links are not allowed"):
        read_model_files(model_dir)


def test_a_fifo_is_refused(model_dir):
    os.mkfifo(model_dir / "pipe")
    with pytest.raises(ArtifactIntegrityError, match="not a regular file"):
        read_model_files(model_dir)


def test_a_folder_outside_the_model_root_is_refused(model_dir, tmp_path):
    root = tmp_path / "trusted"
    root.mkdir()
    with pytest.raises(ArtifactIntegrityError, match="outside the model root"):
        read_model_files(model_dir, root)


def test_a_symlinked_folder_escaping_the_model_root_is_refused(model_dir, tmp_path):
    root = tmp_path / "trusted"
    root.mkdir()
    os.symlink(model_dir, root / "tiny")
    with pytest.raises(ArtifactIntegrityError, match="outside the model root"):
        read_model_files(root / "tiny", root)


def test_dot_dot_in_the_folder_path_is_resolved_before_the_root_check(model_dir, tmp_path):
    root = tmp_path / "trusted"
    root.mkdir()
    with pytest.raises(ArtifactIntegrityError, match="outside the model root"):
        read_model_files(root / ".." / "models" / "tiny", root)


def test_missing_manifest_is_model_not_found(model_dir):
    (model_dir / MANIFEST).unlink()
    with pytest.raises(ModelNotFoundError, match="missing manifest.json"):
        read_model_files(model_dir)


def test_a_folder_without_a_manifest_is_refused_before_its_files_are_read(tmp_path, monkeypatch):
    """A home folder given by mistake was read whole (400 MB in memory) before "missing manifest"."""
    (tmp_path / "archief.bin").write_bytes(b"x" * 1000)
    read: list[str] = []
    monkeypatch.setattr("signals.model.artifact._read_tree", lambda *args: read.append("tree"))
    with pytest.raises(ModelNotFoundError, match="missing manifest.json"):
        read_model_files(tmp_path)
    assert read == []


def test_missing_folder_is_model_not_found(tmp_path):
    with pytest.raises(ModelNotFoundError, match=r"no model at .*nergens \(no such folder\); `make train` trains one"):
        read_model_files(tmp_path / "nergens")


@pytest.mark.parametrize("text", ["{niet json", "[]", '{"name": "tiny"}', ""])
def test_unreadable_manifest_is_refused(model_dir, text):
    (model_dir / MANIFEST).write_text(text, encoding="utf-8")
    with pytest.raises(ArtifactIntegrityError, match="unreadable manifest"):
        read_model_files(model_dir)


@pytest.mark.parametrize("files", [None, [WEIGHTS, "thresholds.json"], 3])
def test_manifest_files_of_the_wrong_type_is_an_integrity_error(model_dir, files):
    manifest = read_manifest(model_dir)
    manifest["files"] = files
    write_manifest(model_dir, manifest)
    with pytest.raises(ArtifactIntegrityError):
        read_model_files(model_dir)


# -- weights: arrays and plain data only ----------------------------------------------------------

class Payload:
    ran = False

    def __reduce__(self):
        return (Payload._run, ())

    @staticmethod
    def _run():
        Payload.ran = True
        return "ran"


@pytest.mark.parametrize("evil", [
    {"coef": Payload()},
    {"coef": np.array([Payload()], dtype=object)},   # an object array: joblib's nested pickle
    {"coef": os.system},
    {"coef": pickle.loads},
])
def test_weights_with_anything_but_arrays_and_plain_data_are_refused_without_running_it(evil):
    buffer = io.BytesIO()
    joblib.dump(evil, buffer)
    Payload.ran = False
    with pytest.raises(ArtifactIntegrityError, match="refused to load|refused an array of Python objects"):
        load_weights(buffer.getvalue())
    assert not Payload.ran


def test_an_array_of_python_objects_is_refused_even_when_it_holds_plain_data():
    """Object arrays are refused before joblib reads their nested pickle (whatever joblib's version)."""
    with pytest.raises(ArtifactIntegrityError, match="array of Python objects"):
        load_weights(dump_weights({"vocab": np.array(["hoi", 3], dtype=object)}))


@pytest.mark.parametrize("data", [b"", b"\x80\x05", b"niet een pickle", dump_weights({"a": 1})[:-3]])
def test_truncated_or_garbage_weights_are_an_integrity_error(data):
    with pytest.raises(ArtifactIntegrityError, match="unreadable|expected a mapping|refused"):
        load_weights(data)


def test_weights_must_be_a_mapping():
    with pytest.raises(ArtifactIntegrityError, match="expected a mapping"):
        load_weights(dump_weights([1, 2, 3]))  # type: ignore[arg-type]
