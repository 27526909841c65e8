"""Real public Dutch corpora, loaded with ``datasets`` from a configured path (or a hub id).

None of them is grooming or sextortion: they are benign and hard-negative material. Only
``split == "train"`` rows may be trained or tuned on; ``split == "test"`` rows only measure flag
rates. A missing corpus is reported, not fatal.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path

from signals.errors import CorpusError


@dataclass
class CorpusRows:
    name: str
    ids: list[str]
    texts: list[str]


def corpora_dir(configured: str | os.PathLike) -> Path:
    return Path(os.environ.get("SIGNALS_CORPORA_DIR", configured))


def load_local_corpus(directory: Path, name: str, split: str) -> CorpusRows | None:
    """Rows of ``<directory>/<name>.jsonl`` with the given split, or None (with a message) if absent."""
    path = directory / f"{name}.jsonl"
    if not path.is_file():
        print(f"[corpora] {path} not found: training and evaluation go on without {name}", file=sys.stderr)
        return None
    import datasets
    from datasets import load_dataset

    datasets.disable_progress_bars()  # our own progress lines are enough
    try:
        dataset = load_dataset("json", data_files=str(path), split="train")
    except Exception as exc:  # datasets raises several kinds on malformed files
        raise CorpusError(f"{path}: cannot be read as JSONL ({exc})") from exc
    missing = {"text", "split"} - set(dataset.column_names)
    if missing:
        raise CorpusError(f"{path}: missing fields {sorted(missing)}")
    dataset = dataset.filter(lambda row: row["split"] == split)
    ids = dataset["id"] if "id" in dataset.column_names else [f"{name}-{i}" for i in range(len(dataset))]
    return CorpusRows(name, [str(i) for i in ids], [str(t) for t in dataset["text"]])


def load_hub_corpus(spec: dict) -> CorpusRows | None:
    """A dataset from a hub id or a local dataset folder: ``{id, split, text_field}``."""
    from datasets import load_dataset

    try:
        dataset = load_dataset(spec["id"], split=spec.get("split", "train"))
    except Exception as exc:  # noqa: BLE001 - any failure of a hub fetch means "unavailable here"
        print(f"[corpora] hub dataset {spec['id']!r} unavailable ({exc.__class__.__name__}): skipped", file=sys.stderr)
        return None
    field = spec.get("text_field", "text")
    texts = [str(t) for t in dataset[field]]
    return CorpusRows(spec.get("name", spec["id"]), [f"{spec['id']}-{i}" for i in range(len(texts))], texts)


def load_corpora(config: dict, split: str) -> list[CorpusRows]:
    directory = corpora_dir(config["path"])
    if not directory.is_dir():
        print(f"[corpora] {directory} does not exist: no real-corpus negatives or flag rates "
              f"(set data.corpora.path or SIGNALS_CORPORA_DIR)", file=sys.stderr)
        return []
    loaded = [load_local_corpus(directory, name, split) for name in config.get("files", [])]
    return [c for c in loaded if c is not None]
