"""The data validator: a table of broken records, each with the problem it must report, and every
committed data file passes it (schema and content rules)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from training.validate_data import conversation_problems, main, message_problems

ROOT = Path(__file__).resolve().parents[2]
GOOD = {"id": "x-1", "text": "hoe oud ben je eigenlijk? kom ff op snap", "labels": ["recruitment"],
        "tactics": ["age_probe", "platform_switch"], "register": "standard", "kind": "positive", "source": "writer_x"}
TURNS = [{"speaker": "A", "text": "hey, wat doe je"}, {"speaker": "B", "text": "niks, huiswerk"},
         {"speaker": "A", "text": "zeg niks tegen je ma he, dit blijft tussen ons"}]
GOOD_CONVERSATION = {"id": "c-1", "turns": TURNS, "label": "grooming", "suspect": "A", "first_grooming_turn": 2,
                     "register": "standard", "source": "writer_x"}

MESSAGE_CASES = [
    ({}, "'id' must be a non-empty string"),
    ({"labels": ["grooming"]}, "'labels' must be a list of"),
    ({"tactics": ["love_bombing"]}, "'tactics' must be a list of"),
    ({"register": "belgian"}, "'register' must be one of"),
    ({"kind": "negative"}, "'kind' must be one of"),
    ({"kind": "benign"}, "'kind' is 'positive' exactly when 'labels' is not empty"),
    ({"labels": [], "kind": "hard_negative", "negative_type": "warning"}, "'negative_type' must be one of"),
    ({"labels": [], "kind": "benign", "fragment": True}, "'fragment' is only ever true, and only on a positive"),
    ({"fragment": False}, "'fragment' is only ever true"),
]


@pytest.mark.parametrize(("change", "problem"), MESSAGE_CASES)
def test_broken_messages_are_named(change, problem):
    record = {**GOOD, **change} if change else {"text": "hoi"}
    assert any(problem in p for p in message_problems(record)), message_problems(record)


CONVERSATION_CASES = [
    ({"turns": TURNS[:1]}, "'turns' must be a list of at least two turns"),
    ({"suspect": "C"}, "'suspect' must be one of the speakers"),
    ({"first_grooming_turn": 9}, "'first_grooming_turn' must be a turn index"),
    ({"first_grooming_turn": 1}, "'first_grooming_turn' must be a turn of the suspect"),
    ({"label": "benign"}, "a benign conversation has 'suspect' and 'first_grooming_turn' null"),
    ({"label": "maybe"}, "'label' must be one of"),
]


@pytest.mark.parametrize(("change", "problem"), CONVERSATION_CASES)
def test_broken_conversations_are_named(change, problem):
    record = {**GOOD_CONVERSATION, **change}
    assert any(problem in p for p in conversation_problems(record)), conversation_problems(record)


def test_good_records_have_no_problems():
    assert message_problems(GOOD) == [] and message_problems({**GOOD, "fragment": True}) == []
    assert conversation_problems(GOOD_CONVERSATION) == []


def test_a_file_with_problems_exits_2(tmp_path, capsys):
    bad = tmp_path / "writer_x.jsonl"
    bad.write_text(json.dumps(GOOD) + "\n" + json.dumps({**GOOD, "kind": "benign"}) + "\n", encoding="utf-8")
    assert main([str(bad)]) == 2
    assert "writer_x.jsonl:2: " in capsys.readouterr().err


FEEDBACK = {"id": "f1", "text": "kom ff op snap", "labels": ["recruitment"], "tactics": ["platform_switch"],
            "kind": "positive", "source": "feedback", "reviewer_categories": ["recruitment"], "weight": 1.0,
            "decided_at": "2026-03-01T12:00:00+00:00", "split": "train"}
# records of `signals feedback export` (no register: nobody assessed it): every line was refused
FEEDBACK_CASES = [
    ({}, None),
    ({"id": "f2", "text": "hoi", "labels": [], "reviewer_categories": [], "kind": "benign"}, None),
    ({"weight": 1e308}, "'weight' must be a positive number"),
    ({"reviewer_categories": []}, "'labels' and 'reviewer_categories' differ"),
    ({"split": "dev"}, "'split' must be one of"),
]


@pytest.mark.parametrize(("change", "problem"), FEEDBACK_CASES)
def test_exported_feedback_is_checked_as_training_reads_it(tmp_path, capsys, change, problem):
    path = tmp_path / "feedback.jsonl"
    path.write_text(json.dumps({**FEEDBACK, **change}) + "\n", encoding="utf-8")
    assert main([str(path)]) == (2 if problem else 0)
    err = capsys.readouterr().err
    assert (problem in err) if problem else err == ""


def test_a_line_that_is_not_utf8_is_named(tmp_path, capsys):
    """It was a UnicodeDecodeError traceback."""
    path = tmp_path / "writer_x.jsonl"
    path.write_bytes(json.dumps(GOOD).encode() + b"\n" + b'{"text": "caf\xe9"}\n')
    assert main([str(path)]) == 2
    assert "writer_x.jsonl:2: not UTF-8 text" in capsys.readouterr().err


DATA_FILES = sorted((ROOT / "training" / "data").glob("*/*.jsonl"))


@pytest.mark.parametrize("path", DATA_FILES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_committed_data_file_is_valid(path, capsys):
    assert main([str(path)]) == 0, capsys.readouterr().err[-2000:]


def test_an_id_is_unique_across_the_files_checked_together(tmp_path, capsys):
    """Each file was checked alone: 400 held-out ids were also sealed ids, and 30 dev chat rooms had
    the ids of training conversations."""
    first, second = tmp_path / "writer_x.jsonl", tmp_path / "writer_y.jsonl"
    first.write_text(json.dumps(GOOD) + "\n", encoding="utf-8")
    second.write_text(json.dumps({**GOOD, "source": "writer_y"}) + "\n", encoding="utf-8")
    assert main([str(first)]) == 0 and main([str(second)]) == 0
    capsys.readouterr()
    assert main([str(first), str(second)]) == 2
    assert f"writer_y.jsonl:1: duplicate id 'x-1' (first at {first}:1)" in capsys.readouterr().err


def test_no_two_committed_data_files_share_an_id(capsys):
    assert main([str(path) for path in DATA_FILES]) == 0, capsys.readouterr().err[-2000:]


def test_cumulative_exports_checked_together_are_valid(tmp_path, capsys):
    """Every export holds all final decisions, so two of them repeat most ids, as `data.feedback: [may,
    june]` holds them and training reads them (the latest decision of each id): the validator reported
    every repeated id as a problem, exit 2."""
    may, june = tmp_path / "may.jsonl", tmp_path / "june.jsonl"
    may.write_text(json.dumps(FEEDBACK) + "\n", encoding="utf-8")
    june.write_text(json.dumps({**FEEDBACK, "decided_at": "2026-04-01T09:00:00+00:00"}) + "\n"
                    + json.dumps({**FEEDBACK, "id": "f2"}) + "\n", encoding="utf-8")
    assert main([str(may), str(june)]) == 0, capsys.readouterr().err
