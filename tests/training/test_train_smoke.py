"""Smoke test of `make train` with the tiny config (the session fixture trains it once, or reuses
SIGNALS_TEST_MODEL_DIR): the model directory holds everything a reviewer and an auditor need, and
the model separates a clear sextortion message from a plain benign one."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from training.corpora import corpora_dir

from signals.model.artifact import MANIFEST, WEIGHTS, load_weights, sha256_bytes, verify_model_dir
from signals.model.targets import precision_targets
from signals.nlp.resources import RESOURCE_FILES
from signals.service import Message
from signals.taxonomy import CATEGORIES, CATEGORY_ROUTE, TACTICS

pytestmark = pytest.mark.slow

EXPECTED_FILES = {"model.json", "weights.joblib", "manifest.json", "metrics.json", "thresholds.json", "model_card.md",
                  "patterns.yaml", "cues.yaml", "config.yaml", "tokenizer_warmup.txt",
                  *(f"lexicon/{name}" for name in RESOURCE_FILES)}
CARD_SECTIONS = ["Intended use", "Out of scope", "Training data", "Evaluation", "Limitations",
                 "Ethical considerations"]
EVALUATIONS = ("dev", "synth_test", "handwritten_leave_writer_out")


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_model_dir_files(tiny_model_dir):
    assert {str(p.relative_to(tiny_model_dir)) for p in tiny_model_dir.rglob("*") if p.is_file()} == EXPECTED_FILES


def test_manifest_and_self_description(tiny_model_dir):
    manifest = load_json(tiny_model_dir / MANIFEST)
    assert verify_model_dir(tiny_model_dir) == manifest
    assert set(manifest["files"]) == EXPECTED_FILES - {MANIFEST}
    for name, digest in manifest["files"].items():
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert sha256_bytes((tiny_model_dir / name).read_bytes()) == digest
    spec = load_json(tiny_model_dir / "model.json")
    assert {"spacy", "spacy-lookups-data", "numpy", "scikit-learn", "joblib"} <= set(spec["libraries"])
    assert [c["name"] for c in spec["categories"]] == list(CATEGORIES)
    assert {c["name"]: c["route"] for c in spec["categories"]} == CATEGORY_ROUTE
    assert spec["tactics"] == list(TACTICS) and spec["cues"]
    training = spec["training_data"]
    assert training["training_rows"] > 0 and training["handwritten_messages"] > 0
    assert spec["name"] == manifest["name"] and spec["version"] == manifest["version"] and isinstance(spec["seed"], int)


def test_weights_hold_only_what_scoring_needs(tiny_model_dir):
    """No training-only arrays (out-of-fold scores, fold models, data) travel with the model."""
    weights = load_weights((tiny_model_dir / WEIGHTS).read_bytes())
    assert {k: sorted(v) for k, v in weights.items()} == {
        "features": ["char_hashes", "char_idf", "word_hashes", "word_idf"],
        "category": ["calibration", "coef", "intercept"],
        "conversation": ["calibration", "coef", "intercept"],
    }


def check_rate(value) -> None:
    assert isinstance(value, (int, float)) and (math.isnan(value) or 0.0 <= value <= 1.0), value


def test_metrics(tiny_model_dir):
    metrics = load_json(tiny_model_dir / "metrics.json")
    spec = load_json(tiny_model_dir / "model.json")
    config = yaml.safe_load((tiny_model_dir / "config.yaml").read_text(encoding="utf-8"))
    assert config["name"] == spec["name"] and config["seed"] == spec["seed"]

    evaluations = [key for key in EVALUATIONS if key in metrics]
    assert evaluations, f"no evaluation block ({EVALUATIONS}) in metrics.json"
    for key in evaluations:
        categories = metrics[key]["categories"]
        assert set(categories) == set(CATEGORIES), key
        for category, values in categories.items():
            assert {"precision", "recall", "f1", "pr_auc", "roc_auc"} <= set(values), (key, category)
            for name in ("precision", "recall", "f1", "pr_auc", "roc_auc"):
                check_rate(values[name])
    writers = metrics["handwritten_leave_writer_out"]["writers"]
    assert len(writers) >= 10 and all(0 <= w["flag_rate_negatives"] <= 1 for w in writers.values())
    for key in ("dev_conversations", "dev_long_conversations", "dev_long_threads"):
        assert {"precision", "recall", "f1", "roc_auc", "length_buckets", "suspect_accuracy"} <= set(metrics[key]), key

    assert set(metrics["thresholds"]) == set(CATEGORIES)

    corpora = metrics["corpora_test"]
    if not corpora_dir(config["data"]["corpora"]["path"]).is_dir():
        assert corpora == {}, "the real corpora are absent here: training must not report flag rates on them"
        return
    assert corpora, "no corpus flag rates"
    for name, values in corpora.items():
        assert values["n"] > 0, name
        check_rate(values["flag_rate"])
        assert set(values["per_category"]) == set(CATEGORIES)


def test_thresholds(tiny_model_dir):
    thresholds = load_json(tiny_model_dir / "thresholds.json")
    messages, conversations = thresholds["messages"], thresholds["conversations"]
    for point in ("high_precision", "high_recall"):
        assert set(messages[point]) == set(CATEGORIES)
        assert all(0.0 < t < 1.0 for t in messages[point].values())
        assert 0.0 < conversations[point] < 1.0
    assert all(messages["high_recall"][c] <= messages["high_precision"][c] for c in CATEGORIES)
    assert conversations["high_recall"] <= conversations["high_precision"]
    by_length = [point["high_precision"] for point in conversations["by_length"]]
    assert by_length == sorted(by_length) and max(by_length) == conversations["high_precision"]
    assert all(0.0 < point["high_recall"] <= point["high_precision"] for point in conversations["by_length"])
    targets = precision_targets(messages)
    assert targets["disclosure"] == 0.9 and targets["recruitment"] == messages["precision_target"]  # config.tiny.yaml
    for category, reached in messages["reached"].items():   # what the operating point gives out of fold
        assert reached["precision"] >= targets[category] - 0.05, category


def test_model_card(tiny_model_dir):
    card = (tiny_model_dir / "model_card.md").read_text(encoding="utf-8")
    headings = re.findall(r"^## (.+)$", card, flags=re.MULTILINE)
    for section in CARD_SECTIONS:
        assert section in headings, section
    assert [h for h in headings if h in CARD_SECTIONS] == CARD_SECTIONS      # in this order


def test_clear_sextortion_message_scores_sextortion_highest(service):
    text = "stuur 200 euro of ik stuur je naaktfoto's naar al je volgers, je hebt 1 uur"
    (result,) = [r.model_dump() for r in service.score_messages([Message("s", text)])]
    scores = result["category_scores"]
    assert max(scores, key=scores.get) == "sextortion"
    assert result["route"] == "review" and "sextortion" in result["labels"]
    assert {t["tactic"] for t in result["tactics"]} >= {"payment_demand", "threat_exposure", "deadline"}


def test_plain_benign_message_is_not_flagged(service):
    (result,) = [r.model_dump() for r in service.score_messages([Message("b", "zullen we morgen samen huiswerk maken?")])]
    assert not result["flagged"]
    assert result["labels"] == [] and result["route"] == "none"


def test_score_texts_matches_score_messages(service):
    texts = ["stuur 200 euro of ik stuur je naaktfoto's naar al je volgers, je hebt 1 uur",
             "zullen we morgen samen huiswerk maken?"]
    probas = service.score_texts(texts)
    results = [r.model_dump() for r in service.score_messages([Message(str(i), t) for i, t in enumerate(texts)])]
    for row, result in zip(probas, results):
        assert np.allclose(row, [result["category_scores"][c] for c in CATEGORIES], atol=1e-6)
