"""Mention cues (cues.yaml): wording that marks a text as being ABOUT grooming or sextortion, or as
written by an adult asking about a child, rather than a tactic used on someone or a young person
telling. Cues are not evidence a reviewer sees; they are features the model weighs.

Each table reads as Dutch cases: the cue group that must fire, and texts where none may fire
because a young person (or a friend on their behalf) is telling, which TAXONOMY.md calls disclosure.
"""

from __future__ import annotations

import re

import pytest

from signals.detectors.registry import CUES_FILE, PATTERNS_FILE, DetectorRegistry, packaged_text, parse_patterns
from signals.nlp.pipeline import Preprocessor
from signals.taxonomy import TACTICS


@pytest.fixture(scope="module")
def cues_of():
    preprocessor = Preprocessor()
    registry = DetectorRegistry.from_texts(packaged_text(PATTERNS_FILE), packaged_text(CUES_FILE), list(TACTICS))

    def run(text: str) -> set[str]:
        (doc,) = preprocessor.pipe([text])
        return {span.label for span in registry.detect_doc(doc)[1]}

    return run


FIRES = [
    # an adult who asks about a child: a parent, relative, neighbour or professional (benign per TAXONOMY.md)
    ("adult_speaker", "Als moeder van een meisje van 14 maak ik me zorgen over wie haar op insta volgt"),
    ("adult_speaker", "Goeieavond, ik ben de grootvader van ne jongen van 13. Hij zegt dat iemand in zijn klas wordt afgeperst"),
    ("adult_speaker", "teacher here 👩‍🏫 een leerling vertelde dat haar vriendin geld moet sturen, moet ik de ouders bellen?"),
    ("adult_speaker", "Onze dochter (14) zit alleen nog op haar telefoon en zegt dat 'hij' haar begrijpt"),
    ("adult_speaker", "my nephew is 14 en wordt gechanteerd met leaked pics, where to start?"),
    ("adult_speaker", "so ik werk in een jeugdhuis en een meisje vertelde over haar vriendin"),
    ("adult_speaker", "oudere zus hier, m'n zusje zegt dat haar 'manager' haar naar amsterdam wil brengen"),
    ("adult_speaker", "Als trainer van een O15-team zie ik dat een speler ineens dure schoenen heeft"),
    ("adult_speaker", "ik ben zelf buurvrouw en zie het meisje van hiernaast 's avonds in een auto stappen"),
    # looking back: a survivor's story told years later
    ("adult_speaker", "toen ik 15 was werd ik afgeperst met een foto, nu wil ik anderen waarschuwen"),
    ("adult_speaker", "Jaren geleden vroeg iemand mij om foto's en dreigde daarna ze te verspreiden"),
    # the older groups
    ("parent_asking", "mijn dochter van 13 wil geen telefoon meer, heeft iemand ervaring hiermee?"),
    ("warning", "Pas op: loverboys beginnen vaak met complimentjes"),
    ("third_person", "Loverboys proberen meisjes eerst van hun vrienden te isoleren"),
    ("report_advice", "Blokkeer hem en bel de kindertelefoon"),
    ("news", "De rechtbank heeft de verdachte veroordeeld tot vier jaar cel"),
    ("plural_address", "Beste ouders, praat met uw kind over wat het online doet"),
    ("plural_address", "Praat met uw kind over wat het online doet"),  # "uw" reads "jouw" after normalising
    ("conditional", "Als iemand je om foto's vraagt: stuur nooit iets"),
    ("quoted", 'Ze zeggen dingen als "jij bent anders dan de rest" en dan begint het'),
]

# a young person telling, or a friend on their behalf: no adult cue may fire on these
NO_ADULT_CUE = [
    "ik ben 14 en hij zegt dat hij mijn foto's naar mijn moeder stuurt",
    "mijn vriendin wordt gechanteerd door een gast van 20, wat moet ik doen",
    "Hallo, ik bel namens mijn beste vriend. Hij is 16 en iemand wil 400 euro van hem",
    "mn ma mag het niet weten maar hij blijft geld vragen",
    "hij zei dat ik zijn meisje ben en dat mijn vader het niet mag weten",
    "ik ben bang dat mijn vader het ziet",
    "wollah mn zusje wordt lastiggevallen door een gast van 25, hij wil dat ze naar zijn huis komt",
    "part 1: dit is niet van lang geleden, dit gebeurt nu. iemand dreigt mijn video te sturen",
]


@pytest.mark.parametrize(("cue", "text"), FIRES)
def test_cue_fires(cues_of, cue, text):
    assert cue in cues_of(text)


@pytest.mark.parametrize("text", NO_ADULT_CUE)
def test_a_young_person_telling_is_not_an_adult_speaking(cues_of, text):
    assert "adult_speaker" not in cues_of(text)


def test_every_cue_group_has_a_case():
    groups = set(parse_patterns(packaged_text(CUES_FILE), None, "cues"))
    assert groups == {cue for cue, _ in FIRES}


HOSTILE = ["ik ben " * 20_000, "als " * 50_000, "toen ik " * 20_000, "a" * 100_000, "mijn " * 40_000]


@pytest.mark.parametrize(("group", "name", "regex"), [
    pytest.param(group, p.name, p.regex, id=f"{group}:{p.name}")
    for group, rows in parse_patterns(packaged_text(CUES_FILE), None, "cues").items() for p in rows])
def test_cue_regex_does_not_backtrack_on_hostile_input(group, name, regex):
    """A catastrophic backtracking regex would hang here (a safety bound, not a speed measurement)."""
    import time

    compiled = re.compile(regex)
    for text in HOSTILE:
        started = time.perf_counter()
        for _ in compiled.finditer(text):
            pass
        assert time.perf_counter() - started < 2, f"{group}:{name}"
