"""Self-declared ages and school years, per speaker: who is who in a chat."""

from __future__ import annotations

import numpy as np
import pytest

from signals.model.ages import age_relation, declared_age, speaker_ages


@pytest.mark.parametrize(("text", "age"), [
    ("ik ben 14", 14), ("15 m", 15), ("16f", 16), ("asl? 16 v antwerpen", 16), ("15, bijna 16", 15), ("15", 15),
    ("ben 19 jaar", 19), ("im 24 lol", 24), ("ik ben net 13 geworden", 13), ("15 jaar oud, m", 15),
    ("ik zit in de brugklas", 12), ("ik zit in 2e middelbaar", 13), ("ik zit in 4 vwo", 15), ("groep 8", 11),
    ("ik ben 24 maar dat maakt niet uit", 24),
    ("ik ben een 14-jarig meisje", 14), ("13 jaar oud", 13), ("14 jaar oud en jij?", 14), ("m 32", 32),
    ("v 15 gent", 15), ("ik ben dertien", 13), ("ben veertien", 14), ("kzen 15", 15), ("leeftijd: 14", 14),
    ("lft 15", 15), ("ik ben een jongen van 14", 14), ("14-jarige hier", 14), ("ik ben een man van 40", 40),
    ("ik ben dertig", 30), ("14 jij?", 14), ("15, en jij?", 15), ("ik   ben\t14", 14), ("ik ben 15 jullie?", 15),
])
def test_a_speaker_states_their_age(text, age):
    assert declared_age(text) == age


@pytest.mark.parametrize("text", [
    "mijn broertje is 12",          # someone else's age
    "hoe oud ben je? 15?",          # asked, not stated
    "ben je 15?",
    "ik ben 15 min weg",            # a duration
    "ik ben 1 uur te laat",
    "ik ben 5 euro kwijt",
    "zullen we om 8 afspreken",
    "ik ben 15 juni jarig",         # a birthday
    "ik ben elf uur thuis",
    "ben je een meisje van 13?",    # asked
    "ik ben tienduizend keer beter",
    "10 u", "20 u", "12 u graag",   # Flemish times
    "8 en jij dan, wanneer kom je",
    "m 15 min", "v 12 uur", "m 12 km", "m 20 euro", "v 20%",
    "12-jarig huwelijk", "25-jarig jubileum", "12-jarige broer", "13-jarige jongen opgepakt",
    "zijn leeftijd: 12", "haar lft 13", "mijn dochter age 9", "pegi leeftijd 16", "minimum leeftijd 18",
    "ik ben tien over half thuis", "ik ben twaalf over",
])
def test_numbers_that_are_not_the_writers_age(text):
    assert declared_age(text) is None


def test_hostile_whitespace_is_read_in_linear_time():
    """Runs of spaces are collapsed before matching: no pattern can split one run between two
    quantifiers (before, 500 spaces took 48 s in one branch)."""
    for text in ("1" + " " * 5000 + "x", "ik ben" + " " * 5000 + "x", " " * 5000 + "14" + " " * 5000 + "x",
                 "m" + " /" * 2500 + "1"):
        assert declared_age(text) is None


def test_adult_with_a_minor_peers_and_own_minor_from_the_declaration_on():
    texts = ["hoi", "ik ben 15", "cool ik ben 24", "ok", "hoi ik ben 16 haha"]
    speakers = ["a", "b", "a", "b", "c"]
    ages = speaker_ages(texts, speakers)
    assert ages == {"b": [(1, 15)], "a": [(2, 24)], "c": [(4, 16)]}
    adult = age_relation(ages, "a", len(texts))
    assert adult[:, 0].tolist() == [0, 0, 1, 1, 1]     # adult speaking with a declared minor, from turn 2
    minor = age_relation(ages, "b", len(texts))
    assert minor[:, 2].tolist() == [0, 1, 1, 1, 1]     # declared a minor age
    assert minor[:, 1].tolist() == [0, 0, 0, 0, 1]     # peers with c (15 and 16)
    assert np.all(age_relation({}, "x", 3) == 0)
