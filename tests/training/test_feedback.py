"""What training reads from ``data.feedback``: every id once (its latest decision), nothing whose text
is in the dev set or held out, and what was left out said, in the log and in the model's summary."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from training.config import load_config
from training.dataset import load_training_data
from training.feedback import training_feedback

from signals.errors import ConfigError
from signals.taxonomy import CATEGORIES

ROOT = Path(__file__).resolve().parents[2]
DEV_TEXT = "wil je een leuk bijbaantje? niks zeggen tegen je ouders he"


def record(item_id: str, text: str, labels=(), split="train", decided_at="2026-03-01T12:00:00+00:00", **extra) -> dict:
    return {"id": item_id, "text": text, "labels": list(labels), "tactics": [], "kind": "positive" if labels else "benign",
            "source": "feedback", "reviewer_categories": list(labels), "weight": 1.0, "decided_at": decided_at,
            "split": split, **extra}


def write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


LATER = "2026-04-01T09:00:00+00:00"
# (files, texts held out elsewhere, {id: labels} trained on, left out)
CASES = [
    pytest.param([[record("a", "hoi"), record("b", "doei")]], [], {"a": [], "b": []},
                 {"held_out_split_test": 0, "duplicate_ids": 0, "text_in_dev_or_held_out": 0}, id="plain"),
    pytest.param([[], []], [], {}, {"held_out_split_test": 0, "duplicate_ids": 0, "text_in_dev_or_held_out": 0},
                 id="empty exports"),
    # exports are cumulative: the second repeats the first, with one decision changed since
    pytest.param([[record("a", "betaal voor vrijdag"), record("b", "doei")],
                  [record("a", "betaal voor vrijdag", ["sextortion"], decided_at=LATER), record("b", "doei")]],
                 [], {"a": ["sextortion"], "b": []},
                 {"held_out_split_test": 0, "duplicate_ids": 2, "text_in_dev_or_held_out": 0}, id="two exports"),
    pytest.param([[record("a", "betaal voor vrijdag", ["sextortion"], decided_at=LATER)],
                  [record("a", "betaal voor vrijdag")]],
                 [], {"a": ["sextortion"]},
                 {"held_out_split_test": 0, "duplicate_ids": 1, "text_in_dev_or_held_out": 0}, id="older file last"),
    pytest.param([[record("a", "  Wil je een leuk BIJBAANTJE?  niks zeggen tegen je ouders he", ["recruitment"]),
                   record("b", "doei")]],
                 [DEV_TEXT], {"b": []},
                 {"held_out_split_test": 0, "duplicate_ids": 0, "text_in_dev_or_held_out": 1}, id="dev text"),
    # the same message enqueued twice: one id lands in the held-out split, the other must not train
    pytest.param([[record("a", "kom ff op snap", ["recruitment"]), record("t", "kom ff op snap", ["recruitment"], split="test")]],
                 [], {}, {"held_out_split_test": 1, "duplicate_ids": 0, "text_in_dev_or_held_out": 1},
                 id="held-out text"),
]


@pytest.mark.parametrize(("files", "held_out", "trained", "left_out"), CASES)
def test_training_feedback(tmp_path, files, held_out, trained, left_out):
    paths = [write(tmp_path / f"export-{i}.jsonl", records) for i, records in enumerate(files)]
    feedback = training_feedback(paths, held_out)
    assert {r["id"]: r["labels"] for _path, r in feedback.records} == trained
    assert feedback.left_out() == left_out


def tiny_config(tmp_path: Path, feedback: list[str], hub: list[dict] | None = None) -> Path:
    """The tiny config on a few rows: one writer, a dev set, no corpora."""
    (tmp_path / "hand").mkdir()
    (tmp_path / "dev").mkdir()
    writer = [{"id": f"w-{i}", "text": f"zin nummer {i}", "labels": [], "tactics": [], "register": "standard",
               "kind": "benign", "source": "writer_x"} for i in range(3)]
    write(tmp_path / "hand" / "writer_x.jsonl", writer)
    write(tmp_path / "dev" / "messages.jsonl", [{**writer[0], "id": "d-1", "text": DEV_TEXT, "labels": ["recruitment"],
                                                 "kind": "positive", "source": "dev_a"}])
    raw = yaml.safe_load((ROOT / "training" / "config.tiny.yaml").read_text(encoding="utf-8"))
    raw["data"].update(handwritten_dir=str(tmp_path / "hand"), dev_dir=str(tmp_path / "dev"), conversation_files=[],
                       feedback=feedback, hub=hub or [], long_chats={"count": 0})
    raw["data"]["corpora"]["path"] = str(tmp_path / "no-corpora")
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_training_rows_leave_out_dev_texts_and_repeated_ids_and_say_so(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SIGNALS_CORPORA_DIR", raising=False)
    first = write(tmp_path / "may.jsonl", [record("a", DEV_TEXT, ["recruitment"]), record("b", "tot morgen")])
    second = write(tmp_path / "june.jsonl", [record("b", "tot morgen"), record("c", "stuur 50 euro of ik deel het",
                                                                             ["sextortion"], weight=2.5)])
    config = load_config(tiny_config(tmp_path, [str(first), str(second)]))
    data = load_training_data(config, tuple(CATEGORIES))
    rows = data.messages
    feedback = [i for i, origin in enumerate(rows.origin) if origin == "feedback"]
    assert sorted(rows.texts[i] for i in feedback) == ["stuur 50 euro of ik deel het", "tot morgen"]
    assert {rows.groups[i] for i in feedback} == {"feedback:june"}   # b's latest record is in june.jsonl
    assert [rows.weights[i] for i in feedback if rows.texts[i].startswith("stuur")] == [2.5]
    assert data.summary["feedback_rows"] == 2
    assert data.summary["feedback_left_out"] == {"held_out_split_test": 0, "duplicate_ids": 1,
                                                 "text_in_dev_or_held_out": 1}
    assert "reviewer feedback: 2 decisions from 2 file(s)" in capsys.readouterr().err


def test_hub_rows_are_their_own_origin(tmp_path, monkeypatch):
    """They were filed as corpus rows: `thresholds.sources: [hub]` matched nothing."""
    monkeypatch.delenv("SIGNALS_CORPORA_DIR", raising=False)
    folder = tmp_path / "chat-nl"
    folder.mkdir()
    write(folder / "train.jsonl", [{"message": "tot straks!"}, {"message": "wie neemt de chips mee?"}])
    config = load_config(tiny_config(tmp_path, [], [{"id": str(folder), "text_field": "message", "name": "chat-nl"}]))
    rows = load_training_data(config, tuple(CATEGORIES)).messages
    hub = [i for i, origin in enumerate(rows.origin) if origin == "hub"]
    assert sorted(rows.texts[i] for i in hub) == ["tot straks!", "wie neemt de chips mee?"]
    assert all(rows.groups[i].startswith("hub:chat-nl:") for i in hub)


# two teams' exports of one file name shared the fold group feedback:<name> (one writer to the folds);
# one file listed twice was read twice
@pytest.mark.parametrize(("files", "message"), [
    (["team-a/reviews.jsonl", "team-b/reviews.jsonl"],
     (r"data\.feedback: .*items 0 and 1 \('.*team-a/reviews\.jsonl', '.*team-b/reviews\.jsonl'\) are both named "
      r"'reviews': a file's name is its fold group \(feedback:reviews\).*\(rename one\)")),
    (["may.jsonl", "team-a/june.jsonl", "team-b/june.jsonl"], r"data\.feedback: .*items 1 and 2 .* named 'june'"),
    (["team-a/reviews.jsonl", "team-a/reviews.jsonl"],
     r"data\.feedback: .*item 1 \('.*team-a/reviews\.jsonl'\) is item 0 \('.*team-a/reviews\.jsonl'\) again"),
    (["team-a/reviews.jsonl", "team-b/../team-a/reviews.jsonl"], r"data\.feedback: .*item 1 .* is item 0 .* again"),
])
def test_feedback_files_of_one_name_or_listed_twice_are_refused(tmp_path, files, message):
    with pytest.raises(ConfigError, match=message):
        load_config(tiny_config(tmp_path, [str(tmp_path / file) for file in files]))
