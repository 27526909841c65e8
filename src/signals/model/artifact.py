"""Model directories: write them with a sha256 manifest, and load only what the manifest vouches for.

A joblib file is code when it is loaded, so ``load`` checks, before unpickling anything, that the
directory holds exactly the files the manifest lists (no missing, changed or extra file) and that
every path stays inside the directory.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import joblib

from signals.errors import ArtifactIntegrityError, ModelNotFoundError

MANIFEST = "manifest.json"
BUNDLE = "model.joblib"


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _files_under(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.is_file() and p.name != MANIFEST)


def write_model_dir(target: Path, bundle: object, files: dict[str, str], manifest: dict) -> Path:
    """Write ``bundle`` and text ``files`` into ``target`` atomically, then the sha256 manifest."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        joblib.dump(bundle, staging / BUNDLE, compress=3)
        for name, text in files.items():
            (staging / name).write_text(text, encoding="utf-8")
        manifest = dict(manifest)
        manifest["files"] = {name: sha256_file(staging / name) for name in _files_under(staging)}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        if target.exists():
            shutil.rmtree(target)
        os.replace(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def verify_model_dir(model_dir: Path, root: Path | None = None) -> dict:
    """The manifest, after checking every file against it; raises ``ArtifactIntegrityError``."""
    model_dir = Path(model_dir)
    if root is not None:
        resolved, resolved_root = model_dir.resolve(), Path(root).resolve()
        if resolved != resolved_root and resolved_root not in resolved.parents:
            raise ArtifactIntegrityError(f"model directory {model_dir} is outside the model root {root}")
    manifest_path = model_dir / MANIFEST
    if not manifest_path.is_file():
        raise ModelNotFoundError(f"no model at {model_dir} (missing {MANIFEST}); run `make train` first")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        expected: dict[str, str] = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ArtifactIntegrityError(f"{manifest_path}: unreadable manifest ({exc})") from exc
    if not isinstance(expected, dict) or not all(isinstance(k, str) and isinstance(v, str) for k, v in expected.items()):
        raise ArtifactIntegrityError(f"{manifest_path}: unreadable manifest ('files' must map names to sha256)")
    present = set(_files_under(model_dir))
    for name in sorted(expected):
        path = (model_dir / name).resolve()
        if model_dir.resolve() not in path.parents:
            raise ArtifactIntegrityError(f"manifest entry {name!r} points outside {model_dir}")
        if name not in present:
            raise ArtifactIntegrityError(f"{model_dir / name}: listed in the manifest but missing")
        if sha256_file(model_dir / name) != expected[name]:
            raise ArtifactIntegrityError(f"{model_dir / name}: sha256 does not match the manifest")
    extra = sorted(present - set(expected))
    if extra:
        raise ArtifactIntegrityError(f"{model_dir / extra[0]}: file not listed in the manifest")
    return manifest


def load_model_dir(model_dir: Path, root: Path | None = None) -> tuple[object, dict]:
    """Verify, then unpickle the bundle from the very bytes that were hashed (no swap in between)."""
    manifest = verify_model_dir(model_dir, root)
    data = (Path(model_dir) / BUNDLE).read_bytes()
    if hashlib.sha256(data).hexdigest() != manifest["files"].get(BUNDLE):
        raise ArtifactIntegrityError(f"{Path(model_dir) / BUNDLE}: changed while it was being loaded")
    return joblib.load(io.BytesIO(data)), manifest


def model_sha256(manifest: dict) -> str:
    """One hash naming the whole model: the sha256 of its sorted file hashes."""
    joined = "\n".join(f"{name} {digest}" for name, digest in sorted(manifest["files"].items()))
    return hashlib.sha256(joined.encode()).hexdigest()
