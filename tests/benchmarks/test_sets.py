"""Harmless conversations of real dialogue for the conversation benchmark: consecutive corpus lines,
two speakers taking turns, every length bucket, the same ones every run."""

from __future__ import annotations

import pytest
from benchmarks.sets import DIALOGUE_LENGTHS, corpus_dialogues

LINES = [f"regel {i}: wat zei je?" for i in range(400)]


def test_dialogues_cover_every_length_with_two_speakers_taking_turns():
    dialogues = corpus_dialogues(LINES, seed=13, per_length=3)
    assert sorted({len(d["turns"]) for d in dialogues}) == list(DIALOGUE_LENGTHS)
    assert len(dialogues) == 3 * len(DIALOGUE_LENGTHS)
    for d in dialogues:
        assert d["label"] == "benign" and d["suspect"] is None and d["first_grooming_turn"] is None
        assert [t["speaker"] for t in d["turns"][:4]] == ["a", "b", "a", "b"]
        first = LINES.index(d["turns"][0]["text"])
        assert [t["text"] for t in d["turns"]] == LINES[first:first + len(d["turns"])]   # consecutive lines


def test_the_same_seed_gives_the_same_dialogues_and_a_short_corpus_shorter_ones():
    assert corpus_dialogues(LINES, 13) == corpus_dialogues(LINES, 13)
    assert corpus_dialogues(LINES, 13) != corpus_dialogues(LINES, 14)
    short = corpus_dialogues(LINES[:50], 13, per_length=2)
    assert {len(d["turns"]) for d in short} == {20, 40, 50}


@pytest.mark.parametrize("lines", [[], ["alleen"]])
def test_too_few_lines_give_no_dialogues(lines):
    assert corpus_dialogues(lines, 13) == []


def _set(records: list[dict]):
    from training.data_sources import MessageSet

    return MessageSet("extra:x", records)


@pytest.mark.parametrize(("records", "labelled"), [
    ([{"text": "hoi", "labels": []}, {"text": "stuur geld", "labels": ["sextortion"]}], True),
    ([{"text": "hoi"}, {"text": "stuur geld"}], False),
])
def test_a_set_is_labelled_on_every_line_or_on_none(records, labelled):
    from benchmarks.sets import is_labelled

    assert is_labelled(_set(records)) is labelled


def test_a_half_labelled_set_is_refused_rather_than_read_as_harmless():
    from benchmarks.sets import is_labelled

    from signals.errors import InputError

    with pytest.raises(InputError, match="1 of 2 lines have 'labels'"):
        is_labelled(_set([{"text": "hoi", "labels": []}, {"text": "stuur geld"}]), "x.jsonl")


def test_messages_keep_their_context_turns():
    from benchmarks.sets import messages_of

    messages = messages_of(_set([{"id": 7, "text": "ok", "context": [{"speaker": "a", "text": "zeg niks"}]},
                                 {"text": "hoi"}]))
    assert messages[0].id == "7" and [(t.speaker, t.text) for t in messages[0].context] == [("a", "zeg niks")]
    assert messages[1].id == "1" and messages[1].context == ()


def test_a_line_without_a_register_is_in_no_register_row():
    import numpy as np
    from benchmarks.accuracy import messages_report

    records = [{"text": "hoi", "labels": [], "register": "flemish"}, {"text": "dag", "labels": []}]
    report = messages_report(_set(records), np.zeros((2, 1)), {"sextortion": 0.5}, ["sextortion"], extras=False)
    assert set(report["registers"]) == {"flemish"} and report["registers"]["flemish"]["n"] == 1


def test_the_tfidf_baseline_trains_without_fragments(tmp_path):
    import json
    from types import SimpleNamespace

    from benchmarks.baselines import training_messages

    rows = [{"text": "ok om 4 dan", "labels": ["recruitment"], "fragment": True, "source": "writer_x"},
            {"text": "hoi", "labels": [], "source": "writer_x"}]
    (tmp_path / "writer_x.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    sets = SimpleNamespace(config=SimpleNamespace(data=SimpleNamespace(handwritten_dir=str(tmp_path))))
    assert [r["text"] for r in training_messages(sets, None).records] == ["hoi"]
    assert [r["text"] for r in training_messages(sets, ["writer_y"]).records] == []
