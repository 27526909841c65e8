"""``make train``: config → data → features → calibrated model → evaluation → model directory.

    python -m training.train --config training/config.yaml [--out models/NAME-VERSION]
"""

from __future__ import annotations

import argparse
import json
import platform
import sys
import time
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

import signals
from signals.analysis import Analyzer, context_vectors
from signals.detectors import DetectorRegistry
from signals.errors import SignalsError
from signals.model.artifact import write_model_dir
from signals.model.classifier import CategoryModel
from signals.model.conversation import ConversationModel
from signals.service import Conversation, ScoringService, Turn
from signals.taxonomy import CATEGORIES, TACTICS, Category
from training import corpora as corpora_mod
from training.data_sources import MessageSet, handwritten, read_conversations, read_messages, synthetic
from training.evaluate import conversation_metrics, corpus_flag_rate, message_metrics
from training.model_card import render_model_card

_T0 = time.time()
_SEXTORTION_TACTICS = (TACTICS.index("threat_exposure"),)


def log(message: str) -> None:
    print(f"[train {time.time() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def load_config(path: Path) -> dict:
    try:
        return yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise SignalsError(f"cannot read config {path}: {exc}") from exc


def conversation_rows(conversations: list[dict], analyzer: Analyzer, group_prefix: str):
    """Turn rows for the message model: every turn with the context before it.

    The suspect's turns from the first grooming turn on are positive for the conversation's
    category (sextortion when the suspect threatens exposure, else recruitment), with the other
    review category unknown (weight 0). Victims' turns are negative for review and unknown for
    disclosure; benign conversations are negative throughout.
    """
    texts = [t["text"] for c in conversations for t in c["turns"]]
    analysis = analyzer.analyze(texts)
    contexts = np.zeros_like(analysis.tactics)
    Y = np.zeros((len(texts), len(CATEGORIES)), dtype=int)
    W = np.ones_like(Y, dtype=float)
    groups, bounds, cursor = [], [], 0
    rec, sext, disc = (CATEGORIES.index(c.value) for c in (Category.RECRUITMENT, Category.SEXTORTION, Category.DISCLOSURE))
    for conv in conversations:
        n = len(conv["turns"])
        block = slice(cursor, cursor + n)
        contexts[block] = context_vectors(analysis.tactics[block])
        if conv.get("label") == "grooming":
            suspect_rows = [cursor + k for k, t in enumerate(conv["turns"]) if t["speaker"] == conv["suspect"]]
            is_sext = analysis.tactics[suspect_rows][:, _SEXTORTION_TACTICS].max() > 0 if suspect_rows else False
            positive, unknown = (sext, rec) if is_sext else (rec, sext)
            first = conv.get("first_grooming_turn") or 0
            for k, turn in enumerate(conv["turns"]):
                row = cursor + k
                if turn["speaker"] == conv["suspect"]:
                    if k >= first:
                        Y[row, positive] = 1
                        W[row, unknown] = 0.0
                else:
                    W[row, disc] = 0.0
        origin = "synthconv" if conv.get("source") == "synth" else group_prefix
        groups.extend([f"{origin}:{conv.get('template', conv['id'])}"] * n)
        bounds.append((cursor, cursor + n))
        cursor += n
    return analysis, contexts, Y, W, groups, bounds


def threshold_rows(groups: np.ndarray, config: dict) -> np.ndarray | None:
    """Rows whose out-of-fold scores choose the thresholds (config ``model.threshold_sources``)."""
    sources = config.get("thresholds", {}).get("sources")
    if not sources:
        return None
    rows = np.array([g.split(":", 1)[0] in sources for g in groups])
    return rows if rows.any() else None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Train the signals model from a config file.")
    parser.add_argument("--config", type=Path, default=Path("training/config.yaml"))
    parser.add_argument("--out", type=Path, default=None, help="model directory (default: output_root/name-version)")
    args = parser.parse_args(argv)
    try:
        return train(load_config(args.config), args.out)
    except SignalsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


def train(config: dict, out: Path | None = None) -> int:
    seed = int(config["seed"])
    data = config["data"]
    out = out or Path(config.get("output_root", "models")) / f"{config['name']}-{config['version']}"
    registry = DetectorRegistry.from_config()
    analyzer = Analyzer(registry)

    log("loading data")
    hand_msgs, hand_convs = handwritten(Path(data["handwritten_dir"]))
    augment_cfg = data.get("augment") or {}
    if augment_cfg.get("copies", 0):
        from training.augment import augment

        originals = len(hand_msgs)
        hand_msgs.records.extend(augment(hand_msgs.records, seed, int(augment_cfg["copies"])))
        log(f"augmented hand-written messages: +{len(hand_msgs) - originals} noisy copies")
    synth_cfg = data["synth"]
    synth_train, synth_test, synth_conv_train, synth_conv_test = synthetic(
        synth_cfg["messages"], synth_cfg["conversations"], seed, synth_cfg["test_fraction"])
    corpus_train = corpora_mod.load_corpora(data["corpora"], "train")
    corpus_train += [c for c in (corpora_mod.load_hub_corpus(s) for s in data.get("hub", [])) if c]
    rng = np.random.default_rng(seed)
    cap = int(data["corpora"].get("max_train_per_corpus", 10**9))
    corpus_rows, corpus_pool = [], []
    for corpus in corpus_train:
        order = rng.permutation(len(corpus.texts))
        corpus_rows += [(corpus.name, corpus.texts[i], f"{corpus.name}:{i % 60}") for i in order[:cap]]
        corpus_pool += [corpus.texts[i] for i in order[cap:cap + int(data["corpora"].get("mining_pool", 5000))]]
    log(f"handwritten {len(hand_msgs)} messages / {len(hand_convs)} conversations; synth train {len(synth_train)}, "
        f"test {len(synth_test)}; corpus rows {len(corpus_rows)} (+{len(corpus_pool)} mining pool)")

    # messages: hand-written (grouped by writer), synth (grouped by template), corpora (benign)
    texts = hand_msgs.texts + synth_train.texts + [t for _, t, _ in corpus_rows]
    Y_msg = np.vstack([hand_msgs.labels, synth_train.labels, np.zeros((len(corpus_rows), len(CATEGORIES)), int)])
    groups = ([f"writer:{s}" for s in hand_msgs.column("source", "handwritten")]
              + [f"synth:{t}" for t in synth_train.column("template")]
              + [f"corpus:{g}" for _, _, g in corpus_rows])
    is_corpus = np.array([False] * (len(hand_msgs) + len(synth_train)) + [True] * len(corpus_rows))
    log(f"preprocessing {len(texts)} messages with spaCy")
    analysis = analyzer.analyze(texts)
    frame = analyzer.frame(analysis)

    conversations = hand_convs + synth_conv_train
    log(f"preprocessing {len(conversations)} training conversations")
    conv_analysis, conv_ctx, Y_conv, W_conv, conv_groups, conv_bounds = conversation_rows(conversations, analyzer, "conv")
    conv_frame = analyzer.frame(conv_analysis, conv_ctx)

    X = pd.concat([frame, conv_frame], ignore_index=True)
    Y = np.vstack([Y_msg, Y_conv])
    kinds = np.array(hand_msgs.column("kind") + synth_train.column("kind") + ["corpus"] * len(corpus_rows))
    W_msg = np.ones_like(Y_msg, dtype=float)
    W_msg[kinds == "hard_negative"] = float(data.get("hard_negative_kind_weight", 1.0))
    augmented = np.array([bool(r.get("augmented")) for r in hand_msgs.records]
                         + [False] * (len(synth_train) + len(corpus_rows)))
    W_msg[augmented] *= float(augment_cfg.get("weight", 1.0))
    W_msg[len(hand_msgs):len(hand_msgs) + len(synth_train)] *= float(synth_cfg.get("weight", 1.0))
    W = np.vstack([W_msg, W_conv])
    G = np.array(groups + conv_groups)
    model_params = dict(config["model"])
    model = CategoryModel(feature_params=config["features"], seed=seed, **model_params)

    log(f"fitting on {len(X)} rows ({int(Y.sum())} positive labels), {model.folds} group-disjoint folds")
    model.fit(X, Y, G, W, threshold_rows=threshold_rows(G, config), progress=log)

    # hard negatives: corpus rows the first pass scored highest (out of fold), plus the mining pool
    mining = data["corpora"]
    if is_corpus.any() and mining.get("hard_negative_top", 0):
        corpus_index = np.where(np.concatenate([is_corpus, np.zeros(len(Y_conv), bool)]))[0]
        top = corpus_index[np.argsort(-model.oof_proba_[corpus_index].max(axis=1))[: mining["hard_negative_top"]]]
        W[top] *= float(mining.get("hard_negative_weight", 3.0))
        extra = []
        if corpus_pool:
            pool_analysis = analyzer.analyze(corpus_pool)
            pool_frame = analyzer.frame(pool_analysis)
            pool_scores = model.predict_proba(pool_frame).max(axis=1)
            pick = np.argsort(-pool_scores)[: mining["hard_negative_top"]]
            extra = [pool_frame.iloc[pick]]
        log(f"hard-negative mining: up-weighted {len(top)} corpus rows, added {len(extra[0]) if extra else 0} from the pool")
        if extra:
            X = pd.concat([X] + extra, ignore_index=True)
            n_extra = len(extra[0])
            Y = np.vstack([Y, np.zeros((n_extra, len(CATEGORIES)), int)])
            W = np.vstack([W, np.full((n_extra, len(CATEGORIES)), float(mining.get("hard_negative_weight", 3.0)))])
            G = np.concatenate([G, [f"corpus:mined:{i % 60}" for i in range(n_extra)]])
        model.refit_final(X, Y, W, progress=log)

    log("fitting the conversation model on out-of-fold turn scores")
    offset = len(frame)
    conv_items = []
    for conv, (lo, hi) in zip(conversations, conv_bounds):
        conv_items.append((model.oof_proba_[offset + lo: offset + hi], conv_analysis.tactics[lo:hi],
                           [t["speaker"] for t in conv["turns"]],
                           conv.get("suspect") if conv.get("label") == "grooming" else None))
    conversation_model = ConversationModel().fit(conv_items)

    bundle = {"category_model": model, "conversation_model": conversation_model, "tactics": registry.tactics}
    patterns_text = resources.files("signals.detectors").joinpath("patterns.yaml").read_text(encoding="utf-8")
    summary = {
        "handwritten_messages": len(hand_msgs), "handwritten_conversations": len(hand_convs),
        "writers": sorted(set(hand_msgs.column("source"))),
        "synth_train_messages": len(synth_train), "synth_test_messages": len(synth_test),
        "synth_train_conversations": len(synth_conv_train), "synth_test_conversations": len(synth_conv_test),
        "corpus_rows": {c.name: min(len(c.texts), cap) for c in corpus_train},
        "training_rows": len(X), "positive_labels": {c: int(Y[:, i].sum()) for i, c in enumerate(CATEGORIES)},
    }
    manifest = {
        "name": config["name"], "version": config["version"], "signals_version": signals.__version__,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "seed": seed,
        "libraries": library_versions(), "training_data": summary,
        "thresholds": {"high_precision": model.operating_points_.high_precision,
                       "high_recall": model.operating_points_.high_recall,
                       "precision_target": model.precision_target, "recall_target": model.recall_target,
                       "conversation": conversation_model.threshold_},
    }
    # write once so the evaluation scores through the real, verified loading path
    write_model_dir(out, bundle, {"patterns.yaml": patterns_text, "config.yaml": yaml.safe_dump(config, sort_keys=False)}, manifest)
    log("evaluating")
    service = ScoringService.load(out)
    original_rows = np.concatenate([~augmented, np.ones(len(G) - len(augmented), bool)])
    metrics = evaluate_all(service, config, synth_test, synth_conv_test, model, Y, W, G, original_rows)
    manifest["metrics_headline"] = headline(metrics)
    files = {
        "patterns.yaml": patterns_text,
        "config.yaml": yaml.safe_dump(config, sort_keys=False),
        "metrics.json": json.dumps(metrics, indent=2, ensure_ascii=False) + "\n",
        "thresholds.json": json.dumps(manifest["thresholds"], indent=2) + "\n",
        "model_card.md": render_model_card(config, summary, metrics, manifest["thresholds"]),
    }
    write_model_dir(out, bundle, files, manifest)
    log(f"wrote {out}")
    print(json.dumps(manifest["metrics_headline"], indent=2))
    return 0


def library_versions() -> dict:
    import joblib
    import sklearn
    import spacy
    import spacy_lookups_data

    return {"python": platform.python_version(), "scikit-learn": sklearn.__version__, "spacy": spacy.__version__,
            "spacy-lookups-data": spacy_lookups_data.__version__, "numpy": np.__version__, "joblib": joblib.__version__,
            "pandas": pd.__version__}


def evaluate_all(service: ScoringService, config: dict, synth_test: MessageSet, synth_conv_test: list[dict],
                 model: CategoryModel, Y: np.ndarray, W: np.ndarray, G: np.ndarray, original_rows: np.ndarray) -> dict:
    thresholds = service.thresholds
    data = config["data"]
    metrics: dict = {"thresholds": thresholds}

    def on_messages(ms: MessageSet) -> dict:
        return message_metrics(ms.labels, service.score_texts(ms.texts), thresholds, ms.column("kind"), ms.column("register", "standard"))

    def on_conversations(convs: list[dict]) -> dict:
        results = service.score_conversations([Conversation(c["id"], tuple(Turn(t["speaker"], t["text"]) for t in c["turns"])) for c in convs])
        return conversation_metrics(convs, results)

    if len(synth_test):
        metrics["synth_test"] = on_messages(synth_test)
    if synth_conv_test:
        metrics["synth_test_conversations"] = on_conversations(synth_conv_test)
    n = len(model.oof_proba_)  # rows added by mining after fit have no out-of-fold scores
    Y, W, G = Y[:n], W[:n], G[:n]
    writer_rows = np.array([g.startswith("writer:") for g in G]) & original_rows[:n]  # no noisy copies
    if writer_rows.any():
        known = W[writer_rows] > 0
        oof = model.oof_proba_[writer_rows]
        metrics["handwritten_leave_writer_out"] = message_metrics(np.where(known, Y[writer_rows], 0), oof, thresholds)
    dev_dir = Path(data["dev_dir"])
    if (dev_dir / "messages.jsonl").is_file():
        metrics["dev"] = on_messages(read_messages(dev_dir / "messages.jsonl", "dev"))
    if (dev_dir / "conversations.jsonl").is_file():
        metrics["dev_conversations"] = on_conversations(read_conversations(dev_dir / "conversations.jsonl"))
    metrics["corpora_test"] = {c.name: corpus_flag_rate(service.score_texts(c.texts), thresholds)
                               for c in corpora_mod.load_corpora(data["corpora"], "test")}
    return metrics


def headline(metrics: dict) -> dict:
    out = {}
    for key in ("dev", "synth_test", "handwritten_leave_writer_out"):
        if key in metrics:
            out[key] = {c: round(v.get("f1", 0.0), 3) for c, v in metrics[key]["categories"].items()}
            for rate in ("flag_rate_hard_negative", "flag_rate_benign"):
                if metrics[key].get(rate) is not None:
                    out[key][rate] = round(metrics[key][rate], 3)
    for key in ("dev_conversations", "synth_test_conversations"):
        if key in metrics:
            out[key] = {"f1": round(metrics[key]["f1"], 3), "suspect_accuracy": metrics[key]["suspect_accuracy"]}
    out["corpora_test_flag_rate"] = {k: round(v["flag_rate"], 4) for k, v in metrics.get("corpora_test", {}).items()}
    return out


if __name__ == "__main__":
    raise SystemExit(main())
