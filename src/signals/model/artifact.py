"""Model directories: written with a sha256 manifest; read once, verified, and parsed from those bytes.

Loading a model is a security boundary (a pickle is code when it is loaded), so ``read_model_files``:
- opens the directory once and reads every file relative to that open directory, refusing symbolic
  links and anything that is not a regular file or a folder (``O_NOFOLLOW``): swapping a link or a
  file while a model loads cannot change what is read;
- reads each file's bytes once, hashes those bytes, and compares them with the manifest (no missing,
  changed or extra file); the model's one sha256 is computed from them and compared with a pin
  before anything is parsed;
- hands out only those bytes: everything the model is built from is parsed from them.
The weights file holds nothing but arrays and plain data, and ``load_weights`` refuses anything else
(a restricted unpickler): a crafted file cannot run code even when its hash matches the manifest.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import pickle
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

import joblib
from joblib.numpy_pickle import NumpyArrayWrapper, NumpyUnpickler

from signals.errors import ArtifactIntegrityError, ConfigError, ModelNotFoundError

MANIFEST = "manifest.json"
WEIGHTS = "weights.joblib"
MAX_FILE_BYTES = 512 * 1024 * 1024
_ALLOWED_CLASSES = frozenset({("joblib.numpy_pickle", "NumpyArrayWrapper"), ("numpy", "dtype"), ("numpy", "ndarray")})


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def model_sha256(manifest: dict) -> str:
    """One hash naming the whole model: the sha256 of its sorted file hashes."""
    joined = "\n".join(f"{name} {digest}" for name, digest in sorted(manifest["files"].items()))
    return hashlib.sha256(joined.encode()).hexdigest()


@dataclass(frozen=True)
class ModelFiles:
    """A model directory's verified contents: the manifest and every file's bytes."""

    path: Path
    manifest: dict
    files: dict[str, bytes] = field(repr=False)
    sha256: str

    def text(self, name: str) -> str:
        return self.files[name].decode("utf-8")

    def json(self, name: str) -> dict:
        return json.loads(self.files[name])


def _read_tree(dir_fd: int, prefix: str, out: dict[str, bytes], where: Path) -> None:
    for entry in os.scandir(dir_fd):
        name = f"{prefix}{entry.name}"
        if entry.is_symlink():
            raise ArtifactIntegrityError(f"{where / name}: symbolic links are not allowed in a model directory")
        if entry.is_dir(follow_symlinks=False):
            child = os.open(entry.name, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW, dir_fd=dir_fd)
            try:
                _read_tree(child, f"{name}/", out, where)
            finally:
                os.close(child)
            continue
        if not entry.is_file(follow_symlinks=False):
            raise ArtifactIntegrityError(f"{where / name}: not a regular file")
        fd = os.open(entry.name, os.O_RDONLY | os.O_NOFOLLOW, dir_fd=dir_fd)
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                raise ArtifactIntegrityError(f"{where / name}: not a regular file")
            if info.st_size > MAX_FILE_BYTES:
                raise ArtifactIntegrityError(f"{where / name}: larger than {MAX_FILE_BYTES} bytes")
            with os.fdopen(os.dup(fd), "rb") as handle:
                out[name] = handle.read(MAX_FILE_BYTES + 1)
        finally:
            os.close(fd)


def _check_root(model_dir: Path, root: Path | None) -> None:
    if root is None:
        return
    resolved, resolved_root = model_dir.resolve(), Path(root).resolve()
    if resolved != resolved_root and resolved_root not in resolved.parents:
        raise ArtifactIntegrityError(f"model directory {model_dir} is outside the model root {root}")


def _opened_path(fd: int, fallback: Path) -> Path:
    """The real path of an open directory (Linux: from /proc, immune to a link swapped after open)."""
    try:
        return Path(os.readlink(f"/proc/self/fd/{fd}"))
    except OSError:
        return fallback


def read_model_files(model_dir: Path, root: Path | None = None, expected_sha256: str | None = None) -> ModelFiles:
    """Read and verify a model directory (see the module docstring). Raises ``ModelNotFoundError``
    or ``ArtifactIntegrityError``; nothing is parsed beyond the manifest before every check passed."""
    model_dir = Path(model_dir)
    _check_root(model_dir, root)
    try:
        dir_fd = os.open(model_dir, os.O_RDONLY | os.O_DIRECTORY)
    except (FileNotFoundError, NotADirectoryError):
        raise ModelNotFoundError(f"no model at {model_dir} (no such folder); `make train` trains one") from None
    except OSError as exc:
        raise ArtifactIntegrityError(f"{model_dir}: cannot read the model folder ({exc.strerror})") from None
    try:
        _check_root(_opened_path(dir_fd, model_dir), root)  # the directory opened is the one checked
        try:  # before reading the tree: a folder given by mistake (a home folder) is not read whole
            os.stat(MANIFEST, dir_fd=dir_fd, follow_symlinks=False)
        except FileNotFoundError:
            raise ModelNotFoundError(f"no model at {model_dir} (missing {MANIFEST}); `make train` trains one") from None
        contents: dict[str, bytes] = {}
        _read_tree(dir_fd, "", contents, model_dir)
    except OSError as exc:  # a file or folder in it that cannot be read (permissions)
        raise ArtifactIntegrityError(f"{model_dir}: cannot read the model ({exc.strerror})") from None
    finally:
        os.close(dir_fd)
    if MANIFEST not in contents:
        raise ModelNotFoundError(f"no model at {model_dir} (missing {MANIFEST}); `make train` trains one")
    try:
        manifest = json.loads(contents.pop(MANIFEST))
        expected: dict[str, str] = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ArtifactIntegrityError(f"{model_dir / MANIFEST}: unreadable manifest ({exc})") from exc
    if not isinstance(expected, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in expected.items()):
        raise ArtifactIntegrityError(f"{model_dir / MANIFEST}: unreadable manifest ('files' must map names to sha256)")
    for name in sorted(expected):
        if name not in contents:
            raise ArtifactIntegrityError(f"{model_dir / name}: listed in the manifest but missing")
        if sha256_bytes(contents[name]) != expected[name]:
            raise ArtifactIntegrityError(f"{model_dir / name}: sha256 does not match the manifest")
    extra = sorted(set(contents) - set(expected))
    if extra:
        raise ArtifactIntegrityError(f"{model_dir / extra[0]}: file not listed in the manifest")
    sha = model_sha256(manifest)
    if expected_sha256 is not None and sha != expected_sha256:
        raise ArtifactIntegrityError(f"{model_dir}: model sha256 {sha} is not the expected {expected_sha256}")
    return ModelFiles(model_dir, manifest, contents, sha)


class _ArraysOnly(NumpyUnpickler):
    """joblib's unpickler, allowed to build numpy arrays of numbers and plain Python data and nothing
    else. Arrays of Python objects are refused before they are read: joblib reads them with a nested
    pickle stream, which older joblib versions did not route through ``find_class``."""

    def find_class(self, module: str, name: str):
        if (module, name) not in _ALLOWED_CLASSES:
            raise ArtifactIntegrityError(f"refused to load {module}.{name} from a model file: "
                                         "model weights hold only arrays and plain data")
        return super().find_class(module, name)

    def load_build(self) -> None:
        target, state = self.stack[-2], self.stack[-1]
        if isinstance(target, NumpyArrayWrapper) and isinstance(state, dict) \
                and getattr(state.get("dtype"), "hasobject", True):
            raise ArtifactIntegrityError("refused an array of Python objects in a model file: "
                                         "model weights hold only arrays of numbers and plain data")
        super().load_build()

    dispatch: ClassVar[dict] = {**NumpyUnpickler.dispatch, pickle.BUILD[0]: load_build}


def dump_weights(weights: dict) -> bytes:
    buffer = io.BytesIO()
    joblib.dump(weights, buffer)
    return buffer.getvalue()


def load_weights(data: bytes) -> dict:
    try:
        weights = _ArraysOnly("", io.BytesIO(data), "auto").load()
    except ArtifactIntegrityError:
        raise
    except Exception as exc:  # a truncated or malformed stream: a refused model, never a crash
        raise ArtifactIntegrityError(f"{WEIGHTS}: unreadable ({type(exc).__name__})") from exc
    if not isinstance(weights, dict):
        raise ArtifactIntegrityError(f"{WEIGHTS}: expected a mapping of arrays")
    return weights


def check_replaceable(target: Path) -> None:
    """Refuse a target that writing a model there would destroy: a file, or a folder that holds
    something other than a signals model (only an earlier model directory is replaced)."""
    target = Path(target)
    if target.is_symlink() or (target.exists() and not target.is_dir()):
        raise ConfigError(f"{target} exists and is not a folder: refusing to replace it with a model")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise ConfigError(f"{target} is a folder that holds no signals model (no {MANIFEST}): "
                          "refusing to replace it; choose another output folder")
    for above in Path(os.path.abspath(target)).parents:   # a folder inside a model would break that model
        if (above / MANIFEST).is_file():
            raise ConfigError(f"{target} is inside the model at {above}: writing there would break it; "
                              "choose a folder outside it")
    ancestor = target.parent
    while not ancestor.exists():
        ancestor = ancestor.parent
    try:  # the one reliable test, for root too: create something there
        os.rmdir(tempfile.mkdtemp(prefix=f".{target.name}-check-", dir=ancestor))
    except OSError as exc:
        raise ConfigError(f"cannot create the model folder {target}: {ancestor} is not a writable folder "
                          f"({exc.strerror})") from None


def write_model_dir(target: Path, files: dict[str, bytes], manifest: dict) -> Path:
    """Write ``files`` (relative name → bytes) into ``target`` atomically, then the sha256 manifest.
    An earlier model directory there is replaced; anything else is refused (``check_replaceable``)."""
    target = Path(target)
    check_replaceable(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        for name, data in files.items():
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
        manifest = {**manifest, "files": {name: sha256_bytes(data) for name, data in sorted(files.items())}}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def publish_model_dir(source: Path, target: Path) -> Path:
    """Move a finished model directory (written and evaluated beside ``target``) to ``target``,
    replacing an earlier model there only now, when everything about the new one is done."""
    target = Path(target)
    check_replaceable(target)
    if target.exists():
        shutil.rmtree(target)
    os.replace(source, target)
    return target


def verify_model_dir(model_dir: Path, root: Path | None = None) -> dict:
    """The manifest, after checking every file against it (no parsing of anything else)."""
    return read_model_files(model_dir, root).manifest
