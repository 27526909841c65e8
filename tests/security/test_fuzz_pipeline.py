"""Property tests on the whole text path: normaliser → spaCy (``Preprocessor.pipe``) → detectors →
scoring service. ``tests/nlp/test_normalizer.py`` already fuzzes the normaliser's character map;
these add what a reviewer sees: every tactic span, after the full pipeline, lies inside the original
message and covers visible text, batches do not leak into each other, and scores stay probabilities.
"""

from __future__ import annotations

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.detectors import DetectorRegistry
from signals.nlp.pipeline import Preprocessor
from signals.service import Message, Turn
from signals.taxonomy import CATEGORIES, TACTICS

PREPROCESSOR = Preprocessor(batch_size=8)
REGISTRY = DetectorRegistry.from_config()

# Pieces of chat that reach the detectors and masks (prevention-leaflet level, nothing explicit),
# evasions of them, and the characters the normaliser rewrites or drops.
FRAGMENTS = [
    "hoe oud ben je", "vertel het aan niemand", "kom op snap", "stuur je foto", "jij bent anders dan de rest",
    "ik regel het wel", "makkelijk geld verdienen", "je ouders snappen je niet", "ik haal je op", "betaal",
    "of ik stuur die foto's naar je school", "binnen 10 min", "€50", "50 euro", "om 21:00", "06-12345678",
    "@snap.naam", "www.voorbeeld.nl/x", "naam@voorbeeld.nl", "14 jaar", "s n a p", "f0t0", "sn4p", "d0ekoe",
    "heeeel", "ff", "wss", "jaaaa", "ѕnар", "𝐟𝐨𝐭𝐨", "ｓｔｕｕｒ", "ⓢⓝⓐⓟ", "ﬁ", "ĳ", "é", "😍", "👍🏽", "🇳🇱",
    "\u200b", "\u2060", "\u00ad", "\ufeff", "\u202e", "\ud800", "\udfff", "\x00", "\x1b", "\x85", "\r\n", "\t",
    " ", "  ", ".", "-", "_", "*", "'", "?", "!", "0", "1", "a", "je", "k",
]
CHAT = st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join)
ANY_TEXT = st.text(alphabet=st.characters(exclude_categories=()), max_size=120)  # surrogates, controls
TEXT = st.one_of(CHAT, ANY_TEXT, st.tuples(CHAT, ANY_TEXT, CHAT).map("".join))

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def spans_of(texts: list[str]) -> list[list[tuple[str, int, int, float]]]:
    docs = PREPROCESSOR.pipe(texts)
    assert len(docs) == len(texts)
    return [[(s.label, s.start, s.end, s.score) for s in REGISTRY.detect(doc)] for doc in docs]


@FUZZ
@given(st.lists(TEXT, min_size=1, max_size=6))
def test_every_span_lies_inside_the_original_text_and_covers_visible_text(texts):
    for text, spans in zip(texts, spans_of(texts)):
        for tactic, start, end, score in spans:
            assert tactic in TACTICS
            assert 0 <= start < end <= len(text), (tactic, start, end, len(text))
            assert text[start:end].strip(), f"{tactic} span {start}:{end} covers only whitespace in {text!r}"
            assert 0.0 < score <= 1.0
        assert spans == sorted(spans, key=lambda s: (s[1], -s[3])), "sorted by start, strongest first"


@FUZZ
@given(st.lists(TEXT, min_size=2, max_size=6))
def test_a_batch_gives_what_each_text_gives_alone(texts):
    assert spans_of(texts) == [spans_of([text])[0] for text in texts]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(TEXT.filter(str.strip), st.lists(TEXT, max_size=3)), min_size=1, max_size=4),
       st.booleans())
def test_the_scoring_service_never_crashes_and_keeps_its_contract(service, messages, explain):
    batch = [Message(f"m{i}", text, tuple(Turn("a", t) for t in context))
             for i, (text, context) in enumerate(messages)]
    results = [r.model_dump() for r in service.score_messages(batch, explain=explain)]
    assert [r["id"] for r in results] == [m.id for m in batch]
    for message, result in zip(batch, results):
        scores = result["category_scores"]
        assert set(scores) == set(CATEGORIES)
        assert all(math.isfinite(v) and 0.0 <= v <= 1.0 for v in scores.values())
        assert result["tactics"] == [] or explain
        for span in result["tactics"]:
            assert 0 <= span["start"] < span["end"] <= len(message.text)
    if explain:
        plain = [r.model_dump() for r in service.score_messages(batch, explain=False)]
        assert [r["category_scores"] for r in plain] == [r["category_scores"] for r in results]
