"""The prefilter may only skip texts a tactic's regex cannot match."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.detectors.prefilter import nested_repeat, required_substrings
from signals.detectors.registry import load_patterns

PATTERNS = [(t, p) for t, rows in load_patterns().items() for p in rows]


@pytest.mark.parametrize(("regex", "expected"), [
    (r"\bhoe oud (?:ben|bent) je", frozenset({"hoe oud ben"})),  # the parser factors out the common "ben"
    (r"\b(?:escort|hostess)\w*", frozenset({"escort", "hostess"})),
    (r"\b(?:je|jij) bent", frozenset({" bent"})),
    (r"\b(?:je|jij)\b", None),          # only short literals: no useful filter
    (r"(?:foo)?bar\w+", frozenset({"bar"})),
    (r"[a-z]+", None),
])
def test_required_substrings_table(regex, expected):
    assert required_substrings(regex) == expected


@pytest.mark.parametrize(("tactic", "pattern"), PATTERNS, ids=[f"{t}:{p.name}" for t, p in PATTERNS])
def test_every_match_contains_a_required_substring(tactic, pattern):
    required = required_substrings(pattern.regex)
    if required is None:
        return
    compiled = re.compile(pattern.regex)
    # words of the pattern itself, recombined, are the texts most likely to match
    words = re.findall(r"[a-z]+", pattern.regex)
    for i in range(len(words)):
        text = " ".join(words[i:i + 8])
        for match in compiled.finditer(text):
            assert any(s in match.group() for s in required), (text, match.group(), required)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(sorted({w for _, p in PATTERNS for w in re.findall(r"[a-z]+", p.regex)}
                                       | {"xmoneyx", "xtimex", "xdurationx", "je", "ik", "op", "?"})),
                min_size=1, max_size=12))
def test_prefilter_never_hides_a_match(words):
    text = " ".join(words)
    for _, pattern in PATTERNS:
        required = required_substrings(pattern.regex)
        if required is not None and re.search(pattern.regex, text):
            assert any(s in text for s in required), (pattern.name, text)


@pytest.mark.parametrize(("regex", "refused"), [
    (r"(a+)*b", True),                       # the textbook exponential case
    (r"(?:\w{1,9} ?)+x", True),              # a variable repeat inside an unbounded one
    (r"(?:geheim|stil)+\s*(?:[a-z]+)*", True),
    (r"(?=(?:a+)+)b", True),                 # inside a lookahead too
    (r"(ab)+", False),                       # a fixed body repeated
    (r"(?:a{2})*", False),
    (r"x(?:\s+\w+){0,3}", False),            # unbounded inside bounded: polynomial, allowed
    (r"\bsn[a4]p(?:chat)?\b", False),
])
def test_nested_variable_repeats_are_found(regex, refused):
    assert (nested_repeat(regex) is not None) is refused


@pytest.mark.parametrize(("tactic", "pattern"), PATTERNS, ids=[f"{t}:{p.name}" for t, p in PATTERNS])
def test_no_packaged_row_nests_repeats(tactic, pattern):
    assert nested_repeat(pattern.regex) is None
