"""``make train``: config → data → features → calibrated models → model directory → evaluation.

    python -m training.train --config training/config.yaml [--out models/NAME-VERSION]

Prints progress on stderr, the headline metrics on stdout, and at the end the wall time and the
peak memory (RSS) of the run.
"""

from __future__ import annotations

import argparse
import collections
import ctypes
import gc
import json
import multiprocessing
import os
import pickle
import random
import resource
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.model_selection import GroupKFold

import signals
from signals.analysis import Analysis, Analyzer, context_vectors
from signals.detectors.registry import CUES_FILE, PATTERNS_FILE, DetectorRegistry, packaged_text
from signals.errors import ConfigError, SignalsError
from signals.model.artifact import check_replaceable, publish_model_dir
from signals.model.bundle import ModelSpec, SignalsModel, installed_versions
from signals.model.classifier import CategoryModel
from signals.model.conversation import TurnEvidence, length_points_to_json
from signals.model.conversation_fit import ConversationModel
from signals.model.features import FeatureParams, FeatureSpace
from signals.model.linear import LinearScorer
from signals.nlp.pipeline import Preprocessor
from signals.nlp.resources import LanguageResources
from signals.stopping import stop_signal, stop_signals_raise
from signals.taxonomy import CATEGORIES, CATEGORY_ROUTE, CONVERSATION_LABELS, TACTICS, Route
from training.config import TrainingConfig, load_config
from training.dataset import TrainingData, conversation_labels, dev_sets, load_training_data
from training.longchat import assemble
from training.report import evaluate_model, headline, write_reports

_T0 = time.time()
WARMUP_CHUNKS = 30_000


def log(message: str) -> None:
    print(f"[train {time.time() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def release_freed_memory() -> None:
    """Hand the memory that the steps before freed back to the system before a memory-heavy step.

    Counting n-grams and building the feature rows frees many small blocks that glibc keeps in its
    heap, where the next step does not find them: liblinear copies the training matrix once per
    thread (16 bytes per non-zero). Trimmed before the mining fits and before the fold fits: on the
    same 112,914 rows the mining step peaked at 1,685 instead of 1,874 MiB and the whole run at 1,889
    instead of 1,934-1,982 MiB. A no-op where the C library has no ``malloc_trim`` (musl, macOS)."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the signals model from a config file.")
    parser.add_argument("--config", type=Path, default=Path("training/config.yaml"))
    parser.add_argument("--out", type=Path, default=None, help="model directory (default: output_root/name-version)")
    args = parser.parse_args(argv)
    try:
        with stop_signals_raise():
            config = load_config(args.config)
            out = args.out or default_output(config)
            preflight(config, out)
            return train(config, out)
    except SignalsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as exc:   # Ctrl-C, SIGTERM or SIGHUP: the staging folder is gone
        signum = stop_signal(exc)
        print(f"stopped by {signum.name}: no model was written and an earlier one is kept", file=sys.stderr)
        return 128 + signum


def default_output(config: TrainingConfig) -> Path:
    return Path(config.output_root) / f"{config.name}-{config.version}"


def preflight(config: TrainingConfig, out: Path) -> None:
    """What would otherwise fail minutes into training, or at its very end: the data folders the
    config names, and an output folder that can be written without destroying anything."""
    for key, folder in (("data.handwritten_dir", config.data.handwritten_dir), ("data.dev_dir", config.data.dev_dir)):
        if not Path(folder).is_dir():
            raise ConfigError(f"{key}: folder not found: {folder} (paths are relative to where training runs)")
    for i, file in enumerate(config.data.feedback):
        if not Path(file).is_file():
            raise ConfigError(f"data.feedback.{i}: file not found: {file} (write it with `signals feedback export`; "
                              "paths are relative to where training runs)")
    handwritten = Path(config.data.handwritten_dir).resolve()
    if handwritten == Path(config.data.dev_dir).resolve() or handwritten.name in ("heldout", "sealed"):
        raise ConfigError(f"data.handwritten_dir: {config.data.handwritten_dir} is a development, held-out or sealed "
                          "set: those measure the model and are never trained on")
    check_replaceable(out)
    dev_sets(config)   # read now: a malformed dev file failed at the very end, after the model was written


def check_folds(config: TrainingConfig, groups: Sequence[str], conversations: Sequence[dict]) -> None:
    """Before the minutes of preprocessing: enough writers for the folds the config asks for."""
    writers = len(set(groups))
    if config.model.folds > writers:
        raise ConfigError(f"model.folds: {config.model.folds} folds for {writers} fold groups (writers, corpora); "
                          f"use at most {writers}")
    if not conversations:   # was "need at least one array to concatenate", after the message model was fitted
        raise ConfigError("data.conversation_files: no conversations to train the conversation model on: put "
                          "conversations*.jsonl files (by two or more writers, grooming and harmless ones) in "
                          "data.handwritten_dir")
    conversation_writers = len({writer_of(c) for c in conversations})
    if conversation_writers < 2:
        raise ConfigError("data.conversation_files: the conversations come from one writer; the conversation model "
                          "needs two or more for its writer-disjoint folds")
    labels = {c.get("label") for c in conversations}
    if len(labels) < 2:     # the risk is calibrated between the two: one class was a traceback at the end
        raise ConfigError(f"data.conversation_files: every conversation is {labels.pop()!r}; the conversation model "
                          f"needs both {' and '.join(CONVERSATION_LABELS)} ones")


def check_fold_classes(folds: int, Y: np.ndarray, W: np.ndarray, groups: np.ndarray, categories: Sequence[str]) -> None:
    """Before fitting: each category's fold models (``CategoryModel.fit``'s group-disjoint folds, the
    same ``GroupKFold``) each learn from rows of both classes. Rows of one fold group (a ``source``)
    are never split, so a category whose positives all come from one writer, or from writers that
    land in one fold, left that fold's model nothing to learn: a scikit-learn traceback about
    "multiclass classification"."""
    splits = list(GroupKFold(n_splits=folds).split(np.zeros(len(groups)), groups=groups))
    for c, category in enumerate(categories):
        for k, (train, held) in enumerate(splits):
            seen = Y[train[W[train, c] > 0], c]
            if seen.any() and not seen.all():
                continue
            lacking, value = ("positive", 1) if not seen.any() else ("harmless", 0)
            holders = sorted(set(groups[held[(Y[held, c] == value) & (W[held, c] > 0)]].tolist()))
            shown = ", ".join(holders[:5]) + (f" and {len(holders) - 5} more" if len(holders) > 5 else "")
            raise ConfigError(f"model.folds: fold {k + 1} of {folds} would fit {category} on no {lacking} rows: "
                              f"they all come from the fold groups it holds out ({shown or 'none'}). Rows of one "
                              f"`source` are one writer and never split across folds: give each independent writer, "
                              f"team or export its own `source`, or add {category} rows by more writers "
                              "(training/data/README.md, \"Your own labels\")")


def check_threshold_sources(config: TrainingConfig, origins: list[str]) -> None:
    """The listed threshold sources must give rows between them (else every threshold would be 0.5);
    a listed source without rows (the corpora absent here) is reported."""
    sources = config.thresholds.sources
    empty = [source for source in sources if source not in origins]
    if len(empty) == len(sources):
        raise ConfigError(f"thresholds.sources: {sources} match no training rows (no rows from "
                          f"{', '.join(empty)}): the thresholds would be chosen on nothing")
    if empty:
        log(f"thresholds.sources: no {', '.join(empty)} rows here; the thresholds are chosen on the others")


def check_threshold_positives(sources: list[str], origins: list[str], labels: np.ndarray,
                              categories: tuple[str, ...]) -> None:
    """Every category needs positive rows among the threshold sources' rows: without them its
    operating point would be chosen on harmless rows alone (``thresholds.sources: [corpus]``, or
    reviewer feedback that confirmed only one category), a guess written to the model with exit 0."""
    chosen = np.isin(np.asarray(origins), sources)
    counts = np.asarray(labels).reshape(len(origins), len(categories))[chosen].sum(axis=0)
    missing = [category for category, n in zip(categories, counts.tolist()) if n == 0]
    if missing:
        raise ConfigError(f"thresholds.sources: {sources} hold no positive rows for {missing}: their thresholds "
                          "would be chosen on harmless rows alone (add a source with labelled rows, e.g. writer)")


def warmup_chunks(texts: list[str]) -> list[str]:
    """The most frequent whitespace chunks of normalised text (spaCy's tokenizer cache, see build_nlp)."""
    counts = collections.Counter(chunk for text in texts for chunk in text.split())
    return [chunk for chunk, n in counts.most_common(WARMUP_CHUNKS) if n >= 2]


def turn_group(conv: dict) -> str:
    """The fold group of a training conversation's turns: its writer's. A conversation built around
    one message writer's fragments ("fragments_writer_a") goes with that writer's messages, so no
    fold model is trained on lines of the writer it is scored on."""
    origin = "synthconv" if conv.get("source") == "synth" else "conv"
    source = str(conv.get("template", conv.get("source", "conv")))
    if source.startswith("fragments_writer_"):
        return f"writer:{source.removeprefix('fragments_')}"
    return f"{origin}:{source}"


def threshold_row_mask(source: np.ndarray, copies: np.ndarray, sources: list[str]) -> np.ndarray | None:
    """Rows whose out-of-fold scores choose the operating points: from the named sources, as written
    (noisy copies left out: the targets are precisions on text as people write it). None: all rows."""
    return (np.isin(source, sources) & ~copies) if sources else None


ANALYSIS_CHUNK = 4096  # texts per task when preprocessing runs in several processes
_FORKED: dict = {}     # the analyzer a forked preprocessing worker inherits


def _analyze_chunk(texts: list[str]) -> Analysis:
    return _FORKED["analyzer"].analyze(texts)


def analyze_in_processes(analyzer: Analyzer, texts: Sequence[str], workers: int) -> Analysis:
    """``analyzer.analyze(texts)``, in ``workers`` forked processes where the system can fork: spaCy
    and the detectors are pure Python, so threads would not help, and a text's analysis does not
    depend on the others in its batch (the same result as one process, in the same order). The
    workers inherit the loaded analyzer and exit before the memory-heavy steps."""
    texts = list(texts)
    if workers <= 1 or len(texts) <= ANALYSIS_CHUNK or "fork" not in multiprocessing.get_all_start_methods():
        return analyzer.analyze(texts)
    _ = analyzer.preprocessor.nlp  # built once here, so every worker inherits it
    _FORKED["analyzer"] = analyzer
    pool = multiprocessing.get_context("fork").Pool(workers)
    try:
        parts = pool.map(_analyze_chunk, [texts[i:i + ANALYSIS_CHUNK] for i in range(0, len(texts), ANALYSIS_CHUNK)])
        pool.close()
    except BaseException:
        pool.terminate()
        raise
    finally:
        pool.join()
        _FORKED.clear()
    return Analysis.concat(parts, len(analyzer.tactics), len(analyzer.cue_names))


def conversation_turn_rows(data: TrainingData, analyzer: Analyzer, categories: tuple[str, ...], workers: int = 1):
    """Turn rows of the training conversations with their context, labels, weights and groups."""
    texts = [t["text"] for c in data.conversations for t in c["turns"]]
    analysis = analyze_in_processes(analyzer, texts, workers)
    context = np.zeros_like(analysis.tactics)
    Y = np.zeros((len(texts), len(categories)), int)
    W = np.ones(Y.shape)
    groups, bounds, cursor = [], [], 0
    sext = TACTICS.index("threat_exposure")
    for conv in data.conversations:
        n = len(conv["turns"])
        block = slice(cursor, cursor + n)
        context[block] = context_vectors(analysis.tactics[block])
        Y[block], W[block] = conversation_labels(conv, analysis.tactics[block], categories, sext)
        groups += [turn_group(conv)] * n
        bounds.append((cursor, cursor + n))
        cursor += n
    return analysis, context, Y, W, groups, bounds


MINING_CHUNK = 4096  # pool texts analysed and scored at a time: the pool is never held whole


def mine_hard_negatives(model_cfg, X, Y, W, texts: Sequence[str], analyzer: Analyzer, features: FeatureSpace,
                        top: int) -> sparse.csr_matrix:
    """Feature rows of the ``top`` pool texts (benign corpus look-alikes) a quick full-data model scores highest."""
    if not len(texts) or not top:
        return sparse.csr_matrix((0, X.shape[1]))
    # only the ranking of the pool matters here: tol 1e-2 instead of 1e-3 cut the mining step from
    # 34 s to 26 s, with leave-writer-out scores equal to the third decimal
    quick = CategoryModel(categories=tuple(CATEGORIES), C=model_cfg.C, class_weight=model_cfg.class_weight, tol=1e-2)

    def fit(c: int):
        return quick.fit_weighted(X, Y[:, c], W[:, c], f"mining, {CATEGORIES[c]}")  # unknown labels weigh 0

    # one model per category, fitted in parallel threads as the fold models are (liblinear releases the GIL);
    # the pool is analysed after the fits, a chunk at a time, so that it adds nothing to their peak memory
    with ThreadPoolExecutor(max_workers=max(1, model_cfg.workers)) as threads:
        classifiers = list(threads.map(fit, range(Y.shape[1])))
    scores = []
    for begin in range(0, len(texts), MINING_CHUNK):
        chunk = features.matrix(analyzer.analyze(texts[begin:begin + MINING_CHUNK]))
        scores.append(np.max([clf.decision_function(chunk) for clf in classifiers], axis=0))
    picked = np.argsort(-np.concatenate(scores), kind="stable")[:top]
    return features.matrix(analyzer.analyze([texts[i] for i in picked]))


def train(config: TrainingConfig, out: Path | None = None) -> int:
    out = out or default_output(config)
    categories = tuple(CATEGORIES)
    resources = LanguageResources.default()
    patterns_text, cues_text = packaged_text(PATTERNS_FILE), packaged_text(CUES_FILE)
    registry = DetectorRegistry.from_texts(patterns_text, cues_text, TACTICS)
    analyzer = Analyzer(registry, Preprocessor(512, resources))

    log("loading data")
    data = load_training_data(config, categories)
    rows = data.messages
    check_folds(config, rows.groups, data.conversations)
    mined = {"corpus"} if data.corpus_pool and config.data.corpora.hard_negative_top else set()  # see below
    check_threshold_sources(config, sorted(set(rows.origin) | mined))
    check_threshold_positives(config.thresholds.sources, rows.origin, np.array(rows.labels), categories)
    log(f"preprocessing {len(rows)} messages with spaCy")
    analysis = analyze_in_processes(analyzer, rows.texts, config.model.workers)
    log(f"preprocessing {len(data.conversations)} training conversations")
    conv_analysis, conv_context, Y_conv, W_conv, conv_groups, bounds = conversation_turn_rows(
        data, analyzer, categories, config.model.workers)

    params = FeatureParams(**config.features.model_dump())
    everything = Analysis.concat([analysis, conv_analysis], len(TACTICS), len(registry.cue_names))
    original = np.concatenate([~np.array(rows.augmented, bool), np.ones(len(conv_analysis), bool)])
    features = FeatureSpace.fit(everything, params, rows=original)
    log(f"vocabularies: {len(features.chars)} character n-grams, {len(features.words)} word n-grams")
    X = sparse.vstack([features.matrix(analysis), features.matrix(conv_analysis, conv_context)], format="csr")
    Y = np.vstack([np.array(rows.labels).reshape(-1, len(categories)), Y_conv])
    W = np.vstack([np.repeat(np.array(rows.weights)[:, None], len(categories), axis=1),
                   W_conv * config.data.conversation_turn_weight])
    G = np.array(rows.groups + conv_groups)
    n_messages = len(rows)
    release_freed_memory()

    corpora_cfg = config.data.corpora
    if data.corpus_pool and corpora_cfg.hard_negative_top:
        picked = mine_hard_negatives(config.model, X, Y, W, data.corpus_pool, analyzer, features,
                                     corpora_cfg.hard_negative_top)
        X = sparse.vstack([X, picked], format="csr")
        Y = np.vstack([Y, np.zeros((picked.shape[0], len(categories)), int)])
        W = np.vstack([W, np.full((picked.shape[0], len(categories)), corpora_cfg.hard_negative_weight)])
        G = np.concatenate([G, [f"corpus:mined:{i % 60}" for i in range(picked.shape[0])]])
        log(f"hard-negative mining: added {picked.shape[0]} of {len(data.corpus_pool)} corpus rows, the ones a "
            f"first model scored highest")

    # the rows the operating points are chosen on: the sources named (a conversation's turns are "conv"
    # whatever their fold group), hand-written text as written (not its noisy copies)
    n_turns = len(conv_groups)
    source = np.array(list(rows.origin) + ["synthconv" if g.startswith("synthconv:") else "conv" for g in conv_groups]
                      + [g.split(":", 1)[0] for g in G[n_messages + n_turns:]])
    copies = np.concatenate([np.array(rows.augmented, bool), np.zeros(len(G) - n_messages, bool)])
    threshold_rows = threshold_row_mask(source, copies, config.thresholds.sources)
    check_fold_classes(config.model.folds, Y, W, G, categories)
    release_freed_memory()
    log(f"fitting on {X.shape[0]} rows x {X.shape[1]} features ({int(Y.sum())} positive labels), "
        f"{config.model.folds} group-disjoint folds, {config.model.workers} threads")
    model = CategoryModel(categories=categories, C=config.model.C, class_weight=config.model.class_weight,
                          folds=config.model.folds, precision_target=config.model.precision_target,
                          precision_targets=config.model.precision_targets, recall_target=config.model.recall_target, n_jobs=config.model.workers, seed=config.seed,
                          tol=config.model.tol)
    model.fit(X, Y, W, G, threshold_rows=threshold_rows, progress=log)

    if os.environ.get("SIGNALS_DUMP_OUT_OF_FOLD"):  # development aid: study leave-writer-out misses by slice
        with open(os.environ["SIGNALS_DUMP_OUT_OF_FOLD"], "wb") as handle:
            pickle.dump({"proba": model.oof_proba_[:n_messages], "Y": Y[:n_messages], "origin": list(rows.origin),
                         "augmented": list(rows.augmented), "records": rows.records, "categories": categories,
                         "ops": model.operating_points_.as_dict(), "groups": rows.groups, "texts": rows.texts}, handle)
    log("fitting the conversation model on out-of-fold turn scores")
    all_tactics = np.vstack([analysis.tactics, conv_analysis.tactics])
    # conversations are scored turn by turn without the context features (the conversation model
    # reads the turns around each one itself); their out-of-fold scores are taken the same way
    turn_proba = model.oof_proba_.copy()
    conv_rows = np.arange(n_messages, n_messages + len(conv_analysis))
    turn_proba[conv_rows] = model.oof_proba_for(features.matrix(conv_analysis), conv_rows)
    conversation_model, conversation_info = fit_conversation_model(config, data, turn_proba, all_tactics, bounds,
                                                                   n_messages, categories)
    thresholds = {"messages": model.operating_points_.as_dict(),
                  "conversations": {"high_precision": conversation_model.threshold_,
                                    "high_recall": conversation_model.high_recall_,
                                    "by_length": length_points_to_json(conversation_model.by_length_),
                                    "benign_flag_target": conversation_model.benign_flag_target,
                                    "recall_target": conversation_model.recall_target,
                                    "reached": conversation_model.reached_}}
    spec = ModelSpec(config.name, config.version, categories, dict(CATEGORY_ROUTE), tuple(TACTICS),
                     tuple(registry.cue_names), params, installed_versions(),
                     {"created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seed": config.seed,
                      "signals_version": signals.__version__, "training_data": {**data.summary, **conversation_info,
                                                                                "training_rows": int(X.shape[0])}})
    signals_model = SignalsModel(spec, resources, patterns_text, cues_text, features,
                                 LinearScorer(model.coef_, model.intercept_, model.calibration_, features.n_sparse),
                                 thresholds, conversation_model.scorer(), warmup_chunks(everything.texts))
    # written beside --out and evaluated there through the real, verified loading path; an earlier model
    # at --out is replaced only once the new one is complete (a run that fails or is stopped keeps it)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}-training-", dir=out.parent))
    try:
        written = signals_model.save(staging / "model")
        log("evaluating")
        metrics = evaluate_model(written, config, data, model, Y, W, G, np.array(rows.augmented), conversation_model)
        metrics["training"] = {"seconds": round(time.time() - _T0, 1), "peak_rss_mib": round(peak_rss_mib(), 1),
                               "rows": int(X.shape[0]), "features": int(X.shape[1])}
        write_reports(signals_model, written, config, metrics)
        publish_model_dir(written, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    log(f"wrote {out}")
    print(json.dumps(headline(metrics), indent=2))
    log(f"done in {time.time() - _T0:.0f} s, peak memory (RSS) {peak_rss_mib():.0f} MiB")
    return 0


def writer_of(conversation: dict) -> str:
    return str(conversation.get("source", "conv")).removeprefix("assembled:")


def writer_folds(conversations: Sequence[dict], folds: int) -> dict[str, int]:
    """Each writer's fold: the largest writers first, each into the fold with the fewest turns so far
    (as GroupKFold balances them)."""
    turns: dict[str, int] = {}
    for conversation in conversations:
        turns[writer_of(conversation)] = turns.get(writer_of(conversation), 0) + len(conversation["turns"])
    load = [0] * max(1, min(folds, len(turns)))
    out = {}
    for writer in sorted(turns, key=lambda w: (-turns[w], w)):
        k = load.index(min(load))
        out[writer] = k
        load[k] += turns[writer]
    return out


def fit_conversation_model(config: TrainingConfig, data: TrainingData, proba: np.ndarray, tactics: np.ndarray,
                           bounds: list[tuple[int, int]], offset: int, categories: tuple[str, ...]):
    """Evidence from out-of-fold turn scores: the training conversations as written, plus long
    threads assembled from them and real dialogue lines (``training.longchat``)."""
    review = [i for i, c in enumerate(categories) if CATEGORY_ROUTE[c] == Route.REVIEW.value]
    support = [i for i, c in enumerate(categories) if CATEGORY_ROUTE[c] == Route.SUPPORT.value]
    turns_by_conv = []
    for conv, (lo, hi) in zip(data.conversations, bounds):
        turns_by_conv.append({**conv, "turns": [{"speaker": t["speaker"], "text": t["text"], "row": offset + lo + k}
                                                for k, t in enumerate(conv["turns"])]})
    items = list(turns_by_conv)
    # writers are put in folds first, and a long thread is stitched from one fold's conversations, so
    # no conversation is in one fold alone and in another inside a thread
    fold_of = writer_folds(data.conversations, config.conversation.folds)
    long_cfg = config.data.long_chats
    filler = []
    for name in long_cfg.filler_corpora:
        filler += [{"text": data.messages.texts[row], "row": row} for row in data.filler.get(name, [])]
    if long_cfg.count:
        benign = [c for c in turns_by_conv if c.get("label") != "grooming"]
        grooming = [c for c in turns_by_conv if c.get("label") == "grooming"]
        rows = data.messages
        spikes = [{"text": rows.texts[i], "row": i} for i in range(len(rows))
                  if rows.origin[i] == "writer" and not rows.augmented[i] and rows.records[i].get("kind") == "hard_negative"
                  ] if long_cfg.spike_rate > 0 else []
        items += assemble(benign, grooming, filler, long_cfg.count, random.Random(config.seed),
                          long_cfg.min_turns, long_cfg.max_turns, prefix="train-long",
                          spikes=spikes, spike_rate=long_cfg.spike_rate,
                          group_of=lambda c: str(fold_of.get(writer_of(c), 0)))
    evidence, suspects, groups = [], [], []
    for conv in items:
        rows = np.array([t["row"] for t in conv["turns"]], dtype=int)
        p = proba[rows]
        evidence.append(TurnEvidence(p[:, review].max(axis=1), p[:, support].max(axis=1) if support else np.zeros(len(p)),
                                     tactics[rows], [t["speaker"] for t in conv["turns"]], [t["text"] for t in conv["turns"]]))
        suspects.append(conv.get("suspect") if conv.get("label") == "grooming" else None)
        groups.append(f"fold:{fold_of.get(writer_of(conv), 0)}")
    if os.environ.get("SIGNALS_DUMP_CONVERSATION_EVIDENCE"):  # development aid: study the conversation model
        with open(os.environ["SIGNALS_DUMP_CONVERSATION_EVIDENCE"], "wb") as handle:
            pickle.dump((evidence, suspects, groups), handle)
    cc = config.conversation
    fitted = ConversationModel(C=cc.C, folds=cc.folds, benign_flag_target=cc.benign_flag_target,
                               recall_target=cc.recall_target).fit(evidence, suspects, groups, TACTICS)
    lengths = [len(e.speakers) for e in evidence]
    return fitted, {"conversation_model_conversations": len(items), "conversation_model_turns": int(sum(lengths)),
                    "conversation_model_longest": int(max(lengths)) if lengths else 0}


if __name__ == "__main__":
    raise SystemExit(main())
