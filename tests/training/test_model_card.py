"""The model card is rendered from the model's own metrics: every number in it comes from them."""

from __future__ import annotations

import pytest
from training.model_card import render_model_card

CATEGORIES = {"recruitment": {"precision": 0.871, "recall": 0.702, "f1": 0.777, "pr_auc": 0.84, "support": 120}}
METRICS = {
    "operating_points": {"high_precision": {"recruitment": 0.5446}, "high_recall": {"recruitment": 0.133},
                         "precision_target": 0.85, "recall_target": 0.9, "precision_targets": {"recruitment": 0.9},
                         "reached": {"recruitment": {"precision": 0.8501, "recall": 0.6856}}},
    "handwritten_leave_writer_out": {"categories": CATEGORIES, "flag_rate_hard_negative": 0.069,
                                     "flag_rate_by_negative_type": {"awareness": 0.145},
                                     "registers": {"flemish": {"recall_any": 0.823, "flag_rate_negatives": 0.047}}},
    "dev_long_threads": {"n": 150, "precision": 0.941, "recall": 1.0, "f1": 0.97, "roc_auc": 0.997,
                         "flag_rate_benign": 0.029, "suspect_accuracy": 1.0,
                         "length_buckets": {"101-500": {"n": 87, "flag_rate_benign": 0.053, "recall": 1.0}}},
    "conversations_out_of_fold": {"n": 1350, "threshold": 0.7388,
                                  "reached": {"precision": 0.98, "recall": 0.918, "benign_flag_rate": 0.0143}},
    "corpora_test": {"tatoeba_nl": {"n": 11982, "flag_rate": 0.0051}},
    "training": {"seconds": 83.0, "peak_rss_mib": 1227.0, "rows": 55695, "features": 160914},
}


def test_the_card_carries_the_models_numbers():
    card = render_model_card({"name": "signals-nl", "version": "9.9.9", "seed": 13},
                             {"writers": ["writer_a", "writer_b"], "corpus_rows": {"tatoeba_nl": 6000}},
                             METRICS, {"messages": {"high_precision": {"recruitment": 0.544539862}}})
    for expected in ("# Model card: signals-nl 9.9.9", "| recruitment | 0.871 | 0.702 | 0.777 | 0.840 | 120 |",
                     "awareness 0.145", "| flemish | 0.823 | 0.047 |", "| recruitment | 0.9 | 0.545 | 0.133 | 0.850 | 0.686 |",
                     "| dev, small talk with written pieces inside | 101-500 | 87 | 0.053 | 1.000 |",
                     "precision 0.980, recall 0.918, benign flagged 0.014", "| tatoeba_nl | 11982 | 0.0051 |",
                     "Trained in 83.0 s, peak RSS 1227.0 MiB", '"recruitment": 0.5445',
                     "| writers | writer_a, writer_b |", "| corpus rows | tatoeba_nl 6000 |"):
        assert expected in card, expected


def test_missing_sections_are_named_not_invented():
    card = render_model_card({"name": "m", "version": "1", "seed": 1}, {}, {}, {})
    assert "_dev: not available_" in card and "_operating points: not available_" in card
    assert "_training data summary: not available_" in card


# (training data summary, config's hub entries, what the card says of the material, what it must not say)
MATERIAL = [
    ({"corpus_rows": {"tatoeba_nl": 6000}}, [], "real public Dutch corpora (tatoeba_nl)", "No real corpora"),
    ({"corpus_rows": {}, "writers": ["writer_a"]}, [], "No real corpora: none were found", "Tatoeba, OpenSubtitles"),
    ({"corpus_rows": {"chats": 500}}, [{"id": "org/chats", "name": "chats"}], "Hub datasets read as benign text: chats (500 rows)",
     "real public Dutch corpora"),
    ({"corpus_rows": {"tatoeba_nl": 10}, "feedback_rows": 40, "feedback_left_out": {"duplicate_ids": 3, "held_out_split_test": 0}},
     [], "40 reviewer decisions (`signals feedback export`, `data.feedback`), each file its own fold group; left out: 3 duplicate ids",
     "0 held out"),
]


@pytest.mark.parametrize(("summary", "hub", "said", "not_said"), MATERIAL)
def test_the_card_names_the_material_training_read(summary, hub, said, not_said):
    """It described the shared corpora even when training had found none, and never feedback or hub rows."""
    card = render_model_card({"name": "m", "version": "1", "seed": 1, "data": {"hub": hub}}, summary, {}, {})
    assert said in card and not_said not in card


@pytest.mark.parametrize(("folder", "said", "not_said"), [
    ("training/data/handwritten", "independent writers, each with its own brief and voice (`training/data/handwritten/`",
     "Labelled messages"),
    ("training/data/handwritten/", "(`training/data/handwritten/`;", "handwritten//"),
    # a platform's own labels (training/data/README.md, "Your own labels"): the card named the project's folder
    ("/srv/labels/2026-q1", "Labelled messages and conversations from `/srv/labels/2026-q1/`", "training/data/handwritten"),
])
def test_the_card_names_the_folder_the_messages_came_from(folder, said, not_said):
    card = render_model_card({"name": "m", "version": "1", "seed": 1, "data": {"handwritten_dir": folder}},
                             {"corpus_rows": {}}, {}, {})
    assert said in card and not_said not in card
