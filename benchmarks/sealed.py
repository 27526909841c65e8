"""The sealed test set (issue 10): scored ONCE per model release, never used to choose anything.

Writers who saw nothing of the repository wrote ``training/data/sealed/`` (messages and
conversations in all four registers). Nothing in training, thresholds or development reads it:
``training.data_sources`` refuses to, unless ``SIGNALS_READ_SEALED=1`` is set, and this module sets
it only while it reads the two files, then restores the environment.

The result is cached under ``<cache dir>/<model sha256>.json`` (default ``reports/sealed/``): a
later run for the same model (and the same sealed files) reuses it and says so, so a model is
measured on the sealed set once, not re-scored after every change. Messages: the category table
(P/R/F1, PR-AUC), the precision reached against the stated target, hard negatives, awareness and
advice texts (``negative_type == "awareness"``) and benign messages flagged, register gaps.
Conversations: the sealed conversations and long threads assembled from them with the
``subtitles_nl`` test split as filler (fixed seed), measured as in ``benchmarks.conversations``.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import random
import time
from pathlib import Path

from training.config import TrainingConfig
from training.data_sources import read_conversations, read_messages
from training.longchat import assemble

from benchmarks.accuracy import messages_report
from benchmarks.conversations import score_conversation_set
from benchmarks.writers import precision_against_target
from signals.evaluation import json_default
from signals.model.targets import precision_targets
from signals.service import ScoringService
from training import corpora as corpora_mod

ROOT = Path(__file__).resolve().parents[1]
SEALED_DIR = ROOT / "training" / "data" / "sealed"
FILES = ("messages.jsonl", "conversations.jsonl")
FILLER_CORPUS = "subtitles_nl"
LONG_THREADS = 120
SEED = 20_251_010
NOTE = ("The sealed set is scored once per model release and never used to choose anything "
        "(no threshold, feature, hyperparameter or data decision); dev is the development set.")
# issue 10's "done when" on the sealed set
TARGETS = {"flag_rate_hard_negative": 0.03, "flag_rate_awareness": 0.02, "flag_rate_benign": 0.005,
           "register_recall_gap": 0.03, "register_flag_rate_gap": 0.01}


@contextlib.contextmanager
def sealed_reading():
    """``SIGNALS_READ_SEALED=1`` for the duration of the block only."""
    before = os.environ.get("SIGNALS_READ_SEALED")
    os.environ["SIGNALS_READ_SEALED"] = "1"
    try:
        yield
    finally:
        if before is None:
            os.environ.pop("SIGNALS_READ_SEALED", None)
        else:
            os.environ["SIGNALS_READ_SEALED"] = before


def data_sha256(directory: Path = SEALED_DIR) -> str:
    digest = hashlib.sha256()
    for name in FILES:
        digest.update(name.encode() + b"\0" + (directory / name).read_bytes())
    return digest.hexdigest()


def long_threads(convs: list[dict], config: TrainingConfig, count: int = LONG_THREADS) -> list[dict]:
    filler_rows = corpora_mod.load_corpora({**config.data.corpora.model_dump(), "files": [FILLER_CORPUS]}, "test")
    filler = [{"text": t} for c in filler_rows for t in c.texts]
    benign = [c for c in convs if c.get("label") != "grooming"]
    grooming = [c for c in convs if c.get("label") == "grooming"]
    if not benign and not filler:
        return []
    return assemble(benign, grooming, filler, count, random.Random(SEED), 26, 500, prefix="sealed-long")


def score_sealed(service: ScoringService, config: TrainingConfig, directory: Path, log=print) -> dict:
    with sealed_reading():
        messages = read_messages(directory / "messages.jsonl", "sealed")
        convs = read_conversations(directory / "conversations.jsonl")
    categories, thresholds = service.categories, service.thresholds
    log(f"sealed: scoring {len(messages)} messages and {len(convs)} conversations")
    entry = messages_report(messages, service.score_texts(messages.texts), thresholds, categories)
    entry["precision_reached"] = precision_against_target(
        entry["categories"], precision_targets(service.model.thresholds["messages"]))
    entry["flag_rate_awareness"] = entry.get("flag_rate_by_negative_type", {}).get("awareness")
    threads = long_threads(convs, config)
    log(f"sealed: {len(threads)} long threads assembled with {FILLER_CORPUS} (test split) as filler")
    conversations = {"sealed_conversations": score_conversation_set(service, convs)}
    if threads:
        conversations["sealed_long_threads"] = score_conversation_set(service, threads)
    return {"messages": entry, "conversations": conversations,
            "sizes": {"messages": len(messages), "conversations": len(convs), "long_threads": len(threads)}}


def run_sealed(service: ScoringService, config: TrainingConfig, cache_dir: Path, log=print,
               directory: Path = SEALED_DIR) -> dict:
    if not all((directory / name).is_file() for name in FILES):
        return {"skipped": f"no sealed test set at {directory}"}
    sha = service.info.sha256
    data_hash = data_sha256(directory)
    cache = Path(cache_dir) / f"{sha}.json"
    if cache.is_file():
        cached = json.loads(cache.read_text(encoding="utf-8"))
        if cached.get("data_sha256") == data_hash:
            log(f"sealed: reusing {cache} (scored {cached.get('scored_at')})")
            return dict(cached, reused=True, cache=str(cache))
        log("sealed: the sealed files changed since the cached result: scoring the new files once")
    result = {"model_sha256": sha, "model": service.info.as_dict(), "data_sha256": data_hash,
              "scored_at": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "note": NOTE, "targets": TARGETS,
              **score_sealed(service, config, directory, log)}
    cache.parent.mkdir(parents=True, exist_ok=True)
    partial = cache.with_name(f".{cache.name}.partial")
    partial.write_text(json.dumps(result, indent=1, ensure_ascii=False, default=json_default) + "\n", encoding="utf-8")
    os.replace(partial, cache)
    return dict(result, reused=False, cache=str(cache))

