"""What ``python -m training.train`` refuses before it spends minutes: exit 2 and one line naming the key."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from training.config import load_config
from training.train import check_threshold_positives, check_threshold_sources, main

from signals.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def config_file(tmp_path: Path, **data) -> Path:
    raw = yaml.safe_load((ROOT / "training" / "config.tiny.yaml").read_text(encoding="utf-8"))
    raw["data"].update(data)
    for key in ("handwritten_dir", "dev_dir"):
        raw["data"][key] = str(ROOT / raw["data"][key])
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(("feedback", "message"), [
    # was "feedback file not found" without the key, after the data had loaded
    (lambda t: [str(t / "feedbak.jsonl")], "data.feedback.0: file not found"),
    (lambda t: [str(t / "export.jsonl"), str(t)], "data.feedback.1: file not found"),
])
def test_a_missing_feedback_file_is_named_before_training(tmp_path, capsys, feedback, message):
    (tmp_path / "export.jsonl").write_text("", encoding="utf-8")
    assert main(["--config", str(config_file(tmp_path, feedback=feedback(tmp_path))), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "m").exists()


# (thresholds.sources, origins of the training rows, error or None)
SOURCES = [
    (["writer", "corpus"], ["writer", "corpus"], None),
    (["writer", "corpus"], ["writer"], None),                 # the corpora absent here: reported, not fatal
    (["corpus"], ["writer"], r"thresholds\.sources: \['corpus'\] match no training rows"),
    (["feedback"], ["writer", "corpus"], r"thresholds\.sources: \['feedback'\] match no"),  # an empty export
]


@pytest.mark.parametrize(("sources", "origins", "error"), SOURCES)
def test_threshold_sources_must_give_rows(tmp_path, capsys, sources, origins, error):
    """Without rows every threshold was 0.5, written to the model with exit 0."""
    config = load_config(config_file(tmp_path, feedback=["x.jsonl"]))
    config.thresholds.sources = sources
    if error:
        with pytest.raises(ConfigError, match=error):
            check_threshold_sources(config, origins)
    else:
        check_threshold_sources(config, origins)
        missing = set(sources) - set(origins)
        assert ("chosen on the others" in capsys.readouterr().err) == bool(missing)


CATEGORIES = ("recruitment", "sextortion", "disclosure")
# (thresholds.sources, (origin, labels) of each training row, categories named in the error or None)
POSITIVES = [
    (["writer", "corpus"], [("writer", [1, 0, 0]), ("writer", [0, 1, 1]), ("corpus", [0, 0, 0])], None),
    (["corpus"], [("writer", [1, 1, 1]), ("corpus", [0, 0, 0])], "['recruitment', 'sextortion', 'disclosure']"),
    # reviewers confirmed only recruitment: the other two would be chosen on harmless rows
    (["feedback"], [("writer", [1, 1, 1]), ("feedback", [1, 0, 0]), ("feedback", [0, 0, 0])],
     "['sextortion', 'disclosure']"),
    (["writer", "feedback"], [("writer", [0, 1, 1]), ("feedback", [1, 0, 0])], None),
]


@pytest.mark.parametrize(("sources", "rows", "missing"), POSITIVES)
def test_every_category_needs_positive_rows_among_the_threshold_sources(sources, rows, missing):
    """Without positives a category's threshold was chosen on harmless rows alone, with exit 0."""
    origins, labels = [o for o, _ in rows], np.array([y for _, y in rows])
    if missing:
        with pytest.raises(ConfigError, match=re.escape(f"hold no positive rows for {missing}")):
            check_threshold_positives(sources, origins, labels, CATEGORIES)
    else:
        check_threshold_positives(sources, origins, labels, CATEGORIES)


@pytest.mark.parametrize(("source", "expected"), [
    ("fragments_writer_a", "writer:writer_a"),   # with writer a's messages: one writer, one fold
    ("writer_k", "conv:writer_k"),
    ("synth", "synthconv:synth"),
])
def test_conversation_turns_fall_in_their_writers_fold(source, expected):
    from training.train import turn_group

    assert turn_group({"source": source, "turns": []}) == expected


def test_operating_points_are_chosen_on_the_named_sources_as_written():
    import numpy as np
    from training.train import threshold_row_mask

    source = np.array(["writer", "writer", "corpus", "conv", "hub"])
    copies = np.array([False, True, False, False, False])
    assert threshold_row_mask(source, copies, ["writer", "corpus"]).tolist() == [True, False, True, False, False]
    assert threshold_row_mask(source, copies, []) is None


def test_writers_are_spread_over_folds_by_their_turns_and_threads_keep_theirs():
    from training.train import writer_folds

    convs = ([{"source": "a", "turns": [0] * 50}, {"source": "b", "turns": [0] * 40}, {"source": "c", "turns": [0] * 30},
              {"source": "assembled:c", "turns": [0] * 5}, {"source": "d", "turns": [0] * 10}])
    folds = writer_folds(convs, 3)
    assert set(folds) == {"a", "b", "c", "d"}                   # a thread is its writer's
    assert folds["a"] != folds["b"] != folds["c"] and folds["d"] == folds["c"]   # d joins the lightest fold
    assert writer_folds(convs[:1], 5) == {"a": 0}
