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

from signals.errors import ConfigError, CorpusError, one_line


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
    # a null or blank text is no row (str(None) was trained as the text "None"), as the hub loader has it
    kept = [(str(i), t) for i, t in zip(ids, dataset["text"]) if isinstance(t, str) and t.strip()]
    return CorpusRows(name, [i for i, _ in kept], [t for _, t in kept])


def _is_local(dataset_id: str) -> bool:
    """A local path (a dataset folder) rather than a hub id (``org/name``)."""
    return dataset_id.startswith(("/", ".", "~")) or Path(dataset_id).expanduser().exists()


def load_hub_corpus(spec: dict, key: str = "data.hub") -> CorpusRows | None:
    """A dataset from a hub id or a local dataset folder: ``{id, split, text_field}``, read as benign
    text. A hub id that cannot be fetched is skipped with a message (no network here); a local folder
    that is not there, a split the dataset does not have and a missing text field are ``ConfigError``s
    naming ``key`` (``data.hub.<i>``): they are typos, not an outage."""
    import datasets
    from datasets import load_dataset

    datasets.disable_progress_bars()
    dataset_id, split, field = spec["id"], spec.get("split", "train"), spec.get("text_field", "text")
    local = _is_local(dataset_id)
    if local and not Path(dataset_id).expanduser().is_dir():
        found = "a file, not a dataset folder" if Path(dataset_id).expanduser().exists() else "not there"
        raise ConfigError(f"{key}.id: {dataset_id} is {found} (a local dataset is a folder of data files)")
    try:
        dataset = load_dataset(str(Path(dataset_id).expanduser()) if local else dataset_id, split=split)
    except Exception as exc:  # noqa: BLE001 - any other failure of a hub fetch means "unavailable here"
        reason = one_line(exc)
        if "unknown split" in reason.lower():  # the dataset was reached: it has no such split
            raise ConfigError(f"{key}.split: {dataset_id}: {reason}") from None
        if local:
            raise ConfigError(f"{key}.id: {dataset_id} cannot be read as a dataset ({reason})") from None
        print(f"[corpora] hub dataset {dataset_id!r} unavailable ({exc.__class__.__name__}): skipped", file=sys.stderr)
        return None
    if field not in dataset.column_names:
        raise ConfigError(f"{key}.text_field: {dataset_id} has no column {field!r} (it has {dataset.column_names})")
    values = dataset[field]
    texts = [t for t in values if isinstance(t, str) and t.strip()]
    if len(texts) < len(values):  # None would become the text "None"
        print(f"[corpora] hub dataset {dataset_id!r}: {len(values) - len(texts)} rows without text in {field!r} left out",
              file=sys.stderr)
    return CorpusRows(spec.get("name") or dataset_id, [f"{dataset_id}-{i}" for i in range(len(texts))], texts)


def load_corpora(config: dict, split: str) -> list[CorpusRows]:
    directory = corpora_dir(config["path"])
    if not directory.is_dir():
        print(f"[corpora] {directory} does not exist: no real-corpus negatives or flag rates "
              f"(set data.corpora.path or SIGNALS_CORPORA_DIR)", file=sys.stderr)
        return []
    loaded = [load_local_corpus(directory, name, split) for name in config.get("files", [])]
    return [c for c in loaded if c is not None]
