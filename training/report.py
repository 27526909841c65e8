"""Evaluation at the end of ``make train`` and the files it writes beside the model.

Every number here is on data the model did not learn from: leave-writer-out (out-of-fold) scores of
the hand-written messages, the development set (messages, short and long conversations, long
threads assembled from dev conversations and ``test``-split lines), the generator's held-out
templates, and the real corpora's ``test`` split (every flag there is a false positive). The sealed
test set is not read here: ``make bench`` scores it once per model.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import yaml

from signals.evaluation import conversation_metrics, corpus_flag_rate, json_default, message_metrics
from signals.model.bundle import SignalsModel
from signals.model.classifier import CategoryModel
from signals.model.conversation import length_points_to_json
from signals.model.conversation_fit import ConversationModel
from signals.service import Conversation, ScoringService, Turn
from training import corpora as corpora_mod
from training.config import TrainingConfig
from training.data_sources import MessageSet
from training.dataset import TrainingData, dev_sets, writer_of_record
from training.longchat import assemble
from training.model_card import render_model_card

DEV_LONG_THREADS = 150
DEV_FILLER_CORPUS = "tatoeba_nl"


def as_conversations(convs: list[dict]) -> list[Conversation]:
    return [Conversation(str(c["id"]), tuple(Turn(str(t["speaker"]), t["text"]) for t in c["turns"])) for c in convs]


def score_message_set(service: ScoringService, ms: MessageSet) -> dict:
    return message_metrics(ms.labels, service.score_texts(ms.texts), service.thresholds, service.categories,
                           ms.column("kind"), ms.column("register", "standard"),
                           [r.get("negative_type") for r in ms.records], ms.texts)


def score_conversation_set(service: ScoringService, convs: list[dict]) -> dict:
    return conversation_metrics(convs, service.score_conversations(as_conversations(convs)))


def dev_long_threads(short: list[dict], long: list[dict], config: TrainingConfig, seed: int) -> list[dict]:
    """Dev threads of 26 to 500 turns: dev conversations stitched with ``test``-split dialogue lines."""
    filler_rows = corpora_mod.load_corpora({**config.data.corpora.model_dump(), "files": [DEV_FILLER_CORPUS]}, "test")
    filler = [{"text": t} for c in filler_rows for t in c.texts]
    convs = short + long
    benign = [c for c in convs if c.get("label") != "grooming"]
    grooming = [c for c in convs if c.get("label") == "grooming"]
    if not benign and not filler:
        return []
    return assemble(benign, grooming, filler, DEV_LONG_THREADS, random.Random(seed + 1), 26, 500, prefix="dev-long")


def leave_writer_out(model: CategoryModel, Y: np.ndarray, W: np.ndarray, G: np.ndarray, augmented: np.ndarray,
                     data: TrainingData) -> dict:
    n = len(data.messages)
    rows = np.array([g.startswith("writer:") for g in G[:n]]) & ~augmented
    known = W[:n][rows] > 0
    records = [r for r, keep in zip(data.messages.records, rows) if keep]
    texts = [t for t, keep in zip(data.messages.texts, rows) if keep]
    out = message_metrics(np.where(known, Y[:n][rows], 0), model.oof_proba_[:n][rows], model.thresholds_,
                          model.categories, [r.get("kind", "") for r in records],
                          [r.get("register", "standard") for r in records],
                          [r.get("negative_type") for r in records], texts)
    writers = np.array([writer_of_record(r) for r in records])
    out["writers"] = {}
    for writer in sorted(set(writers.tolist())):
        mask = writers == writer
        entry = message_metrics(Y[:n][rows][mask], model.oof_proba_[:n][rows][mask], model.thresholds_, model.categories)
        out["writers"][writer] = {"n": int(mask.sum()), "flag_rate_negatives": entry["flag_rate_negatives"],
                                  **{f"recall_{c}": v.get("recall") for c, v in entry["categories"].items()}}
    return out


def evaluate_model(out: Path, config: TrainingConfig, data: TrainingData, model: CategoryModel, Y: np.ndarray,
                   W: np.ndarray, G: np.ndarray, augmented: np.ndarray, conversation_model: ConversationModel) -> dict:
    service = ScoringService.load(out)
    metrics: dict = {"thresholds": service.thresholds, "operating_points": model.operating_points_.as_dict()}
    metrics["handwritten_leave_writer_out"] = leave_writer_out(model, Y, W, G, augmented, data)
    metrics["conversations_out_of_fold"] = {"reached": conversation_model.reached_,
                                           "threshold": conversation_model.threshold_,
                                           "by_length": length_points_to_json(conversation_model.by_length_),
                                           "n": len(conversation_model.oof_risk_)}
    if len(data.synth_test):
        metrics["synth_test"] = score_message_set(service, data.synth_test)
    if data.synth_conversation_test:
        metrics["synth_test_conversations"] = score_conversation_set(service, data.synth_conversation_test)
    dev_messages, dev_short, dev_long = dev_sets(config)
    if dev_messages is not None:
        metrics["dev"] = score_message_set(service, dev_messages)
    if dev_short:
        metrics["dev_conversations"] = score_conversation_set(service, dev_short)
    if dev_long:
        metrics["dev_long_conversations"] = score_conversation_set(service, dev_long)
    threads = dev_long_threads(dev_short, dev_long, config, config.seed)
    if threads:
        metrics["dev_long_threads"] = score_conversation_set(service, threads)
    metrics["corpora_test"] = {c.name: corpus_flag_rate(service.score_texts(c.texts), service.thresholds, service.categories)
                               for c in corpora_mod.load_corpora(config.data.corpora.model_dump(), "test")}
    return metrics


def headline(metrics: dict) -> dict:
    out: dict = {}
    for key in ("dev", "synth_test", "handwritten_leave_writer_out"):
        if key in metrics:
            out[key] = {c: round(v.get("f1", 0.0), 3) for c, v in metrics[key]["categories"].items()}
            for rate in ("flag_rate_hard_negative", "flag_rate_benign"):
                if metrics[key].get(rate) is not None:
                    out[key][rate] = round(metrics[key][rate], 3)
    for key in ("dev_conversations", "dev_long_conversations", "dev_long_threads", "synth_test_conversations"):
        if key in metrics:
            m = metrics[key]
            out[key] = {"f1": None if m["f1"] is None else round(m["f1"], 3),   # harmless chats only: no F1
                        "roc_auc": round(m.get("roc_auc", float("nan")), 3),
                        "flag_rate_benign": round(m["flag_rate_benign"] or 0.0, 3),
                        "suspect_accuracy": m["suspect_accuracy"]}
    out["corpora_test_flag_rate"] = {k: round(v["flag_rate"], 4) for k, v in metrics.get("corpora_test", {}).items()}
    return out


def write_reports(model: SignalsModel, out: Path, config: TrainingConfig, metrics: dict) -> None:
    """Metrics, the model card and the training config, under the model's manifest."""
    metrics_json = json.dumps(metrics, indent=2, ensure_ascii=False, default=json_default) + "\n"
    config_dict = config.model_dump(mode="json")
    card = render_model_card(config_dict, model.spec.info.get("training_data", {}), metrics, model.thresholds)
    model.spec.info["metrics_headline"] = headline(metrics)
    model.extra_files = {"metrics.json": metrics_json.encode("utf-8"), "model_card.md": card.encode("utf-8"),
                         "config.yaml": yaml.safe_dump(config_dict, sort_keys=False).encode("utf-8")}
    model.save(out)

