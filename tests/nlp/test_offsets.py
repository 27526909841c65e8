"""MappedText: edits rewrite the text and the character map together."""

from __future__ import annotations

import pytest

from signals.nlp.offsets import MappedText


def test_identity():
    mapped = MappedText.identity("abc")
    assert mapped.starts == (0, 1, 2) and mapped.ends == (1, 2, 3)
    assert mapped.to_original(0, 3) == (0, 3)


@pytest.mark.parametrize(("text", "edits", "expected", "word_span", "original_span"), [
    ("ff nu", [(0, 2, "even")], "even nu", (0, 4), (0, 2)),          # longer replacement
    ("ff nu", [(0, 2, "even")], "even nu", (5, 7), (3, 5)),          # text after an edit shifts
    ("b-e-t-a-a-l", [(0, 11, "betaal")], "betaal", (2, 4), (0, 11)),  # part of a replacement: whole span
    ("waarschijnlijk", [(0, 14, "wss")], "wss", (0, 3), (0, 14)),   # shorter replacement
    ("a b", [(1, 2, "")], "ab", (0, 2), (0, 3)),                     # deletion
    ("ab", [(0, 1, "x"), (1, 2, "y")], "xy", (1, 2), (1, 2)),         # adjacent edits
])
def test_apply_maps_back(text, edits, expected, word_span, original_span):
    mapped = MappedText.identity(text).apply(edits)
    assert mapped.text == expected
    assert mapped.to_original(*word_span) == original_span


def test_edits_compose_across_stages():
    original = "S N A P nu"
    stage1 = MappedText.identity(original.lower()).apply([(0, 7, "snap")])
    stage2 = stage1.apply([(0, 4, "snapchat")])
    assert stage2.text == "snapchat nu"
    assert stage2.to_original(0, 8) == (0, 7)
    assert stage2.to_original(9, 11) == (8, 10)


def test_no_edits_returns_the_same_object():
    mapped = MappedText.identity("abc")
    assert mapped.apply([]) is mapped


@pytest.mark.parametrize("edits", [[(2, 3, "x"), (0, 1, "y")], [(0, 2, "x"), (1, 3, "y")]])
def test_unsorted_or_overlapping_edits_are_refused(edits):
    with pytest.raises(ValueError, match="overlap"):
        MappedText.identity("abcd").apply(edits)


@pytest.mark.parametrize(("span", "expected"), [((1, 1), (1, 1)), ((3, 3), (3, 3)), ((2, 1), (2, 2))])
def test_empty_spans_anchor_on_the_next_character(span, expected):
    assert MappedText.identity("abc").to_original(*span) == expected


def test_empty_text():
    assert MappedText.identity("").to_original(0, 0) == (0, 0)
