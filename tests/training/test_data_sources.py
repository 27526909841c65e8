"""How training reads its JSONL files: a problem names the line it is on, and a file is read as
``signals score`` and ``signals evaluate`` read it."""

from __future__ import annotations

import json
import re

import pytest
from training.data_sources import read_conversations, read_messages
from training.feedback import read_feedback
from training.validate_data import main as validate

from signals.errors import CorpusError

MESSAGE = {"id": "m1", "text": "zullen we morgen samen huiswerk maken?", "labels": [], "register": "standard",
           "kind": "benign", "source": "writer_x"}
CONVERSATION = {"id": "c1", "turns": [{"speaker": "a", "text": "gaan we morgen naar de film?"},
                                      {"speaker": "b", "text": "ja leuk, hoe laat?"}],
                "label": "benign", "suspect": None, "first_grooming_turn": None, "register": "standard",
                "source": "writer_x"}
FEEDBACK = {"id": "f1", "text": "kom ff op snap", "labels": ["recruitment"], "tactics": ["platform_switch"],
            "kind": "positive", "source": "feedback", "reviewer_categories": ["recruitment"], "weight": 1.0,
            "decided_at": "2026-03-01T12:00:00+00:00", "split": "train"}

# (reader, file name, a good record, the same record broken, the problem named)
READERS = [
    (read_messages, "writer_x.jsonl", MESSAGE, {**MESSAGE, "labels": ["grooming"]}, "unknown labels ['grooming']"),
    (read_conversations, "conversations_x.jsonl", CONVERSATION, {**CONVERSATION, "label": "Benign"},
     "'label' must be 'grooming' or 'benign'"),
    (read_feedback, "export.jsonl", FEEDBACK, {**FEEDBACK, "weight": 0}, "'weight' must be a positive number"),
]


@pytest.mark.parametrize(("reader", "name", "good", "bad", "problem"), READERS)
def test_a_problem_names_its_line_after_blank_lines(tmp_path, reader, name, good, bad, problem):
    """Blank lines are skipped, and the record's index was given as its line: the problem on line 4
    was reported on line 2 (a hand-edited export, a file with a blank line between writers)."""
    path = tmp_path / name
    path.write_text(json.dumps(good) + "\n\n\n" + json.dumps(bad) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=re.escape(f"{path}:4: ") + ".*" + re.escape(problem)):
        reader(path)


@pytest.mark.parametrize(("reader", "name", "good", "bad", "problem"), READERS)
def test_a_byte_order_mark_is_dropped_as_signals_evaluate_drops_it(tmp_path, capsys, reader, name, good, bad, problem):
    """A file saved by an editor that writes one was evaluated by `signals evaluate`, but refused by
    the validator and by training as "not valid JSON (Unexpected UTF-8 BOM ...)"."""
    path = tmp_path / name
    path.write_bytes(b"\xef\xbb\xbf" + (json.dumps(good) + "\r\n").encode("utf-8"))
    assert len(reader(path) if reader is not read_messages else reader(path).records) == 1
    if reader is not read_feedback:   # validate_data checks the data files (and exports) the same way
        assert validate([str(path)]) == 0, capsys.readouterr().err


def test_the_validator_says_a_folder_is_not_a_file(tmp_path, capsys):
    assert validate([str(tmp_path)]) == 2
    assert capsys.readouterr().err == f"{tmp_path}: not a file\n"                 # was "no such file"
