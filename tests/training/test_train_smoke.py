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

from signals.model.artifact import MANIFEST, sha256_file, verify_model_dir
from signals.service import Message
from signals.taxonomy import CATEGORIES

pytestmark = pytest.mark.slow

EXPECTED_FILES = {"model.joblib", "manifest.json", "metrics.json", "thresholds.json", "model_card.md",
                  "patterns.yaml", "config.yaml"}
CARD_SECTIONS = ["Intended use", "Out of scope", "Training data", "Evaluation", "Limitations",
                 "Ethical considerations"]
EVALUATIONS = ("dev", "synth_test", "handwritten_leave_writer_out")


def load_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def test_model_dir_files(tiny_model_dir):
    assert {p.name for p in tiny_model_dir.iterdir()} == EXPECTED_FILES


def test_manifest(tiny_model_dir):
    manifest = load_json(tiny_model_dir / MANIFEST)
    assert verify_model_dir(tiny_model_dir) == manifest
    assert set(manifest["files"]) == EXPECTED_FILES - {MANIFEST}
    for name, digest in manifest["files"].items():
        assert re.fullmatch(r"[0-9a-f]{64}", digest)
        assert sha256_file(tiny_model_dir / name) == digest
    assert {"python", "scikit-learn", "spacy", "spacy-lookups-data", "numpy", "joblib"} <= set(manifest["libraries"])
    training = manifest["training_data"]
    assert training["training_rows"] > 0
    assert set(training["positive_labels"]) == set(CATEGORIES)
    assert all(n > 0 for n in training["positive_labels"].values())
    assert manifest["name"] and manifest["version"] and isinstance(manifest["seed"], int)


def check_rate(value) -> None:
    assert isinstance(value, (int, float)) and (math.isnan(value) or 0.0 <= value <= 1.0), value


def test_metrics(tiny_model_dir):
    metrics = load_json(tiny_model_dir / "metrics.json")
    manifest = load_json(tiny_model_dir / MANIFEST)
    config = yaml.safe_load((tiny_model_dir / "config.yaml").read_text(encoding="utf-8"))
    assert config["name"] == manifest["name"] and config["seed"] == manifest["seed"]

    evaluations = [key for key in EVALUATIONS if key in metrics]
    assert evaluations, f"no evaluation block ({EVALUATIONS}) in metrics.json"
    if manifest["training_data"]["synth_test_messages"] > 0:       # held-out synthetic templates were evaluated
        assert "synth_test" in metrics
    for key in evaluations:
        categories = metrics[key]["categories"]
        assert set(categories) == set(CATEGORIES), key
        for category, values in categories.items():
            assert {"precision", "recall", "f1", "pr_auc"} <= set(values), (key, category)
            for name in ("precision", "recall", "f1", "pr_auc"):
                check_rate(values[name])

    corpora = metrics["corpora_test"]
    assert corpora, "no corpus flag rates"
    for name, values in corpora.items():
        assert values["n"] > 0, name
        check_rate(values["flag_rate"])
        assert set(values["per_category"]) == set(CATEGORIES)
    assert set(metrics["thresholds"]) == set(CATEGORIES)


def test_thresholds(tiny_model_dir):
    thresholds = load_json(tiny_model_dir / "thresholds.json")
    for point in ("high_precision", "high_recall"):
        assert set(thresholds[point]) == set(CATEGORIES)
        assert all(0.0 < t < 1.0 for t in thresholds[point].values())
    assert 0.0 < thresholds["conversation"] < 1.0
    assert thresholds == load_json(tiny_model_dir / MANIFEST)["thresholds"]


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
