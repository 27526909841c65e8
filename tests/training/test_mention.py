"""Mention copies quote a harmful message word for word inside a warning or a parent's question."""

from __future__ import annotations

import pytest
from training.mention import FRAMES, mention_copies

RECORDS = [
    {"id": "a1", "text": "stuur 200 euro of ik post je foto's", "labels": ["sextortion"], "register": "standard",
     "kind": "positive", "source": "writer_x"},
    {"id": "a2", "text": "ge zijt zo volwassen, zeg niks tegen uw ma", "labels": ["recruitment"], "register": "flemish",
     "kind": "positive", "source": "writer_x"},
    {"id": "a3", "text": "hij dreigt mijn foto's te delen", "labels": ["disclosure"], "register": "codemix",
     "kind": "positive", "source": "writer_x"},
    {"id": "a4", "text": "hoe laat ben je thuis?", "labels": [], "register": "standard", "kind": "benign",
     "source": "writer_x"},
]


def test_harmful_messages_become_harmless_mentions_in_their_writers_fold():
    copies = mention_copies(RECORDS, seed=1, share=1.0)
    assert [c["id"] for c in copies] == ["a1~mention", "a2~mention"]      # not disclosures, not harmless texts
    for copy, original in zip(copies, RECORDS):
        assert original["text"].replace('"', "'") in copy["text"]
        assert copy["labels"] == [] and copy["kind"] == "hard_negative" and copy["negative_type"] == "awareness"
        assert copy["source"] == original["source"] and copy["register"] == original["register"]


@pytest.mark.parametrize("register", list(FRAMES))
def test_every_frame_quotes_once(register):
    assert all(frame.count("{q}") == 1 for frame in FRAMES[register])


def test_share_zero_makes_nothing():
    assert mention_copies(RECORDS, seed=1, share=0.0) == []
