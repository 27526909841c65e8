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
