"""The robustness rewrites: seeded, and the context one keeps the message whole beside an everyday line."""

from __future__ import annotations

import pytest
from benchmarks.robustness import CONTEXT_REWRITES, EVERYDAY, REWRITES, rewrite_all

TEXTS = ["stuur 200 euro of ik deel je foto's", "hoe oud ben je eigenlijk? zeg niks tegen je ouders"]


@pytest.mark.parametrize("text", TEXTS)
def test_beside_small_talk_keeps_the_message_and_adds_one_everyday_line(text):
    (rewritten,) = rewrite_all("beside_small_talk", [text])
    assert text in rewritten
    rest = rewritten.replace(text, "", 1).strip(" .,\n")
    assert rest in EVERYDAY


def test_rewrites_are_seeded_and_the_context_one_is_apart():
    assert rewrite_all("beside_small_talk", TEXTS) == rewrite_all("beside_small_talk", TEXTS)
    assert rewrite_all("typos", TEXTS) == rewrite_all("typos", TEXTS)
    assert not set(CONTEXT_REWRITES) & set(REWRITES)
