"""Self-declared ages and school years, per speaker: who is who in a chat."""

from __future__ import annotations

import numpy as np
import pytest

from signals.model.ages import age_relation, declared_age, speaker_ages, told_age


@pytest.mark.parametrize(("text", "age"), [
    ("ik ben 14", 14), ("15 m", 15), ("16f", 16), ("asl? 16 v antwerpen", 16), ("15, bijna 16", 15), ("15", 15),
    ("ben 19 jaar", 19), ("im 24 lol", 24), ("ik ben net 13 geworden", 13), ("15 jaar oud, m", 15),
    ("ik zit in de brugklas", 12), ("ik zit in 2e middelbaar", 13), ("ik zit in 4 vwo", 15), ("groep 8", 11),
    ("ik ben 24 maar dat maakt niet uit", 24),
    ("ik ben een 14-jarig meisje", 14), ("13 jaar oud", 13), ("14 jaar oud en jij?", 14), ("m 32", 32),
    ("v 15 gent", 15), ("ik ben dertien", 13), ("ben veertien", 14), ("kzen 15", 15), ("leeftijd: 14", 14),
    ("lft 15", 15), ("ik ben een jongen van 14", 14), ("14-jarige hier", 14), ("ik ben een man van 40", 40),
    ("ik ben dertig", 30), ("14 jij?", 14), ("15, en jij?", 15), ("ik   ben\t14", 14), ("ik ben 15 jullie?", 15),
    ("ik 15", 15), ("ik 14 jij?", 14), ("ik 23, en jij", 23), ("net 16 geworden", 16), ("16 geworden vandaag!!", 16),
    ("15 (bijna 16)", 15),
    # after a review: forms that were missed
    ("ik ben zelf 14 hihi", 14), ("ik ben ook 14", 14), ("kzijn 13", 13), ("'k zijn 14", 14), ("14 en gij?", 14),
    ("13, you?", 13), ("26 jij?", 26), ("26. jij?", 26), ("15 en u?", 15), ("14 jaartjes", 14), ("iam 13", 13),
    ("mijn leeftijd is 14", 14), ("14 hier", 14), ("ik ben n meisje van 13", 13), ("13 jarig meisje hier", 13),
    ("kzit in havo 3", 14), ("3e middelbaar", 14), ("ik zit in het 5de middelbaar", 16),
    ("ik zit in het 6de leerjaar", 11),  # Flemish primary school
    ("ik ben bijna 18", 17), ("ik word 18 in december", 17), ("ik ben bijna 15", 14),  # not an adult yet
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
    "ik 5 min", "ik 20 euro", "ik 15 keer gebeld", "mijn zus is 12 geworden", "9 geworden voor wiskunde",
    "ja 27. en jij 26",             # an answer, read only after an age question (below)
    "14 hoezo",
    "15?", "26??",                  # a guess or an echo
    # after a review: times, weights, spans, someone else's school year, university years, quotes
    "ik ben 17.30 thuis", "ben 14:00 bij je", "ik ben 11.30 klaar", "ik ben 9 tot 5 op kantoor",
    "ik ben 12 kilo afgevallen", "ik ben 12 jaar getrouwd", "ik ben 15 jaar ouder dan jij", "11 jaar clean",
    "mijn dochter zit in de brugklas", "mijn zoon zit in 2e middelbaar", "ik geef les aan 3e middelbaar",
    "groep 8 heeft vandaag musical", "ik zit in het 1ste jaar rechten", "ik zit in het 2e jaar van mijn master",
    "ben er in 15m", "nog 10 m lopen", "we spelen 11 v 11",
    "hij zei letterlijk 'ik ben 14'", "als iemand zegt ik ben 13 moet je blokkeren",
])
def test_numbers_that_are_not_the_writers_age(text):
    assert declared_age(text) is None


def conversation(*turns: str) -> dict[str, list[tuple[int, int]]]:
    """Turns written "A: text"; the ages each speaker declared or answered."""
    return speaker_ages([t.split(": ", 1)[1] for t in turns], [t.split(": ", 1)[0] for t in turns])


@pytest.mark.parametrize(("turns", "ages"), [
    (("A: hoe oud ben je eigenlijk, ik zie 27?", "B: ja 27. en jij 26, baby"), {"B": [(1, 27)], "A": [(1, 26)]}),
    (("A: hoe oud ben je?", "B: 14 hoezo"), {"B": [(1, 14)]}),
    (("A: asl", "B: bijna 15 lol"), {"B": [(1, 14)]}),        # almost 15: 14 now
    (("A: hoe oud zijde gij", "B: uhm 13"), {"B": [(1, 13)]}),
    (("A: how old r u", "B: 16 wbu"), {"B": [(1, 16)]}),
    (("A: hoe oud ben je?", "A: ??", "B: 14 hoezo"), {"B": [(2, 14)]}),
    (("A: ik ben 24, en jij?", "B: 16 haha"), {"A": [(0, 24)], "B": [(1, 16)]}),
    (("A: ben je 15?", "B: ja hoezo"), {"B": [(1, 15)]}),
    (("A: zijde gij al 16?", "B: jep"), {"B": [(1, 16)]}),
    (("A: in welke klas zit je", "B: 2e"), {"B": [(1, 13)]}),
    (("A: hoe oud ben je", "B: eerst jij", "A: 22", "B: 15"), {"A": [(2, 22)], "B": [(3, 15)]}),
    (("A: hoe oud ben je", "B: zeg ik niet", "B: 14 hoezo"), {"B": [(2, 14)]}),   # the answer after a dodge
    (("A: ik ben 30", "A: hoe oud ben je", "B: raad", "A: 16?", "B: bijna, 15"), {"A": [(0, 30)], "B": [(4, 15)]}),
    (("A: ik ben 26 jij?", "B: 13 hihi"), {"A": [(0, 26)], "B": [(1, 13)]}),
    (("A: kzijn 31 en gij?", "B: kzijn 13"), {"A": [(0, 31)], "B": [(1, 13)]}),
    (("A: hoe oud zijn jullie?", "B: 14", "C: 15", "D: 13"), {"B": [(1, 14)], "C": [(2, 15)], "D": [(3, 13)]}),
    (("A: ik ben 24, en jij?", "B: ik ben zelf 14 hihi"), {"A": [(0, 24)], "B": [(1, 14)]}),
    (("A: ben je al 18?", "B: ja bijna"), {}),                   # a 17-year-old is no adult
    (("A: ben je al 18?", "B: jaa haha grapje 14"), {"B": [(1, 14)]}),
    (("A: in welk leerjaar zit je", "B: 6de"), {"B": [(1, 11)]}),   # Flemish primary school
])
def test_an_answer_to_an_age_question_is_a_declaration(turns, ages):
    assert conversation(*turns) == ages


@pytest.mark.parametrize("turns", [
    ("A: hoe laat kom je", "B: 15 lol"),                        # no age asked
    ("A: hoe oud ben je?", "B: 20 euro als je het wil weten"),  # a quantity
    ("A: ben je 15?", "B: nee"),                                # a no says nothing of the age
    ("A: ben je 15?", "B: ja maar bijna niet"),
    ("A: hoe oud ben je", "B: raad eens", "B: 14 keer geraden"),
    ("A: hoe oud ben je", "B: haha", "A: ?", "B: weet je niet", "B: 16 min geleden zei ik het al"),
    ("A: hoe oud is je zus", "A: 12 denk ik"),                  # the asker answering themself
    ("A: hoe oud is je zoon", "B: 19. hij studeert in leiden"),  # someone else's age
    ("A: hoe oud zijn die nieuwe", "B: 9 en 10, de kleinste heeft heimwee"),
    ("A: wat is de leeftijd van je broer", "B: 17 denk ik"),
    ("A: hoe oud ben je", "C: lol", "D: ok", "E: hmm", "B: 14 hoezo"),  # too late to be the answer
    ("A: ik ga naar de film, en jij?", "B: 18 uur ofzo"),      # "en jij?" after no age of one's own
    ("A: welke klas zit je", "B: 3e keer dat je dat vraagt"),
    ("A: hoe oud is hij", "B: 19"),                             # a bare number answering other questions
    ("A: hoeveel wil je ervoor?", "B: 70"),
    ("A: welke maat heb je", "B: 38"),
    ("A: ok sorry eerlijk zijn", "B: 26??"),                    # an echo or a guess, not a statement
    # after a review: numbers that answer other questions
    ("A: hoelaat ben je morgen vrij?", "B: 9"), ("A: om welk uur kom je?", "B: 10"), ("A: ok en wanneer dan?", "B: 9"),
    ("A: met welke bus kom je", "B: 12"), ("A: wat had je voor statistiek?", "B: 9!"), ("A: wat is je kamernummer?", "B: 14"),
    ("A: wat is je schoenmaat", "B: 38"), ("A: wat weeg je", "B: 45"), ("A: hoe zwaar ben je", "B: 50"),
    ("A: hoeveel punten heb je?", "B: ik 12, jij?"), ("A: wat had je voor je toets?", "B: 8 geworden!"),
    ("A: ben je 12 juni vrij?", "B: ja"), ("A: ben je 14 dagen op vakantie?", "B: ja"), ("A: ben je 16.00 thuis?", "B: ja"),
    ("A: hoe oud moet je zijn voor het casino", "B: 18"), ("A: raad eens hoe oud ik ben", "B: 17"),
    ("A: hoe oud denk je dat ik ben?", "B: 16 haha"), ("A: hoe oud je zusje?", "B: 12"),
    ("A: ben je al 18?", "B: ja, in december"),
    ("A: hoe oud dan die gast?", "B: 19"), ("A: welk bouwjaar is die golf van je?", "B: 15"),
    ("A: in welk jaar zit je?", "B: 3e jaar bachelor"), ("A: heb jij 16 gb of 32", "B: 64"),
    ("A: kom jij 19 of 20 juni", "B: 19"), ("A: jij 16 op 20 voor wiskunde? knap", "B: ja"),
])
def test_numbers_that_do_not_answer_an_age_question(turns):
    assert conversation(*turns) == {}


@pytest.mark.parametrize(("turns", "ages"), [
    (("A: en jij staat op 39?", "B: haha ja"), {"B": [(0, 39)]}),
    (("A: je bent pas 14 maar zo volwassen", "B: dankje"), {"B": [(0, 14)]}),
    (("A: gij 31 las ik", "B: ik ben 32 sinds gisteren"), {"B": [(1, 32)]}),  # what B says of themself comes first
    (("A: jij bent 14 toch?", "B: ik 13", "C: hoi"), {"B": [(1, 13)]}),     # three speakers: told to whom?
])
def test_in_a_chat_of_two_the_age_one_is_told(turns, ages):
    assert conversation(*turns) == ages


@pytest.mark.parametrize("text", ["ben jij 15?", "jij bent 10 keer beter", "jij 5 min", "je bent 15 min te laat",
                                  "jij 2 jaar geleden", "jij 100%", "zijt gij 16?",
                                  # after a review: a past, a wish, a time, a count, a guess
                                  "toen jij 12 was deed je dat toch ook", "ik wacht wel tot jij 18 bent",
                                  "kan jij 18:00?", "ik kom om 20 u 30", "heb jij 14 pro of 15?",
                                  "jij 10 punten ik 12", "heb jij 50 volgers al?", "jij 16 ofzo?",
                                  "jij bent 10/10", "jij bent 10 van 10", "jij bent 24/7 online"])   # a score, not an age
def test_what_is_not_telling_the_other_their_age(text):
    assert told_age(text) is None


# From a review of real chat forms: an adult read as a minor, or a minor as an adult, is the costly error.
@pytest.mark.parametrize(("text", "age"), [
    ("ik ben al 10 jaar docent", None),              # years of something else, not an age
    ("ik ben 11 jaar single", None),
    ("ik ben 12 jaar geleden gescheiden", None),
    ("ik ben 15 jaar en woon in utrecht", 15),        # an age, and what follows it
    ("ik ben 15 jaar oud", 15),
    ("ik zit in het 3e jaar verpleegkunde", None),    # a year of higher education
    ("ik zit in het 2e jaar mbo", None),
    ("ik zit in het 3e jaar", 14),
    ("groep 8 app is chaos vandaag", None),           # a parents' group chat, a class one teaches
    ("ik zit in de groep 8 app van mijn dochter", None),
    ("ik ben mentor van de brugklas", None),
    ("de brugklas heeft vandaag vrij", None),
    ("ik geef 3e middelbaar wiskunde", None),
    ("jij ben pas 14 he", None),                      # straattaal "jij ben": the other's age
    ("ik ben 10 thuis", None),                        # a clock time
    ("ik ben 12 cm gegroeid", None),
    ("im 10 miles away", None),
    ("ik woon 15 m van school", None),                # metres, not male
    ("ik ben 18 nee grapje 14", 14),                  # taken back in the same turn
    ("ik ben 16 maar eigenlijk 24", 24),
    ("’k ben 15", 15),                                # a phone's apostrophe
    ("i’m 15", 15),
    ('we keken "frozen" en ik ben 14', 14),           # a closed quotation before it
    ('hij zei "ik ben 13', None),                     # an open one
    ("eigenlijk ben ik 24", 24),                      # verb first
    ("nu ben ik 14", 14),
    ("in mei word ik 15", 14),
    ("ik word morgen 18", 17),
    ("ik ben 15jr", 15), ("ik ben 13j", 13),          # the unit written on
    ("ik ben 10j getrouwd", None),
    ("26 man", 26), ("man 34", 34), ("vrouw 31", 31), ("31 vrouw hier", 31),   # adults on a dating app
    ("we waren met 30 man", None), ("30 man sterk", None), ("man 25 graden vandaag", None),
    ("ik zit in de tweede klas", 13), ("ik zit in de eerste klas", 12),         # a school year in words
    ("ik zit in het tweede jaar rechten", None),
    # from a review of the conversation path: ranges, dates, "geweest", quoted speech, Flemish, number words
    ("ik ben ook 14 geweest hoor", None), ("ik ben 9-5 aan het werk", None), ("ik ben 14-16 uur bezig", None),
    ("ik ben 12/12 geboren", None), ("ik ben 24/7 online", None),
    ("'ik ben 14' zei ze", None), ("ik ben 14 zegt hij", None), ("hij appte: ik ben 14", None),
    ("mijn zusje: ik ben 13", None), ("in zijn profiel staat 'ik ben 16'", None), ("'k ben 15", 15),
    ("ik heb 14 jaar", 14), ("kheb 15 jaar en gij", 15), ("ik heb 14 jaar gevoetbald", None),
    ("ik ben vijfentwintig", 25), ("ik ben eenentwintig", 21), ("ik ben tweeëntwintig", 22),
    ("over 2 maanden ben ik 18", 17),
    ("lol: ik ben 14", 14), ("ok: ik ben 15", 15), ("update: ik ben 16", 16),   # one's own opener, not reported speech
    ("mijn broer: ik ben 19", None),
])
def test_ages_read_as_a_careful_reader_would(text, age):
    assert declared_age(text) == age


@pytest.mark.parametrize(("turns", "ages"), [
    (("A: hoe oud word je?", "B: 18!"), {"B": [(1, 17)]}),            # the age one turns next: one less now
    (("A: hoe oud ben je?", "B: 18 in december"), {"B": [(1, 17)]}),
    (("A: welke groep zit je?", "B: 8"), {"B": [(1, 11)]}),           # a school year, not an age of 8
    (("A: in welk jaar zit je?", "B: 2e jaar verpleegkunde"), {}),
    (("A: jij ben 14 toch", "B: ja"), {"B": [(0, 14)]}),              # told, in a chat of two
    (("A: hoeveel jaar ben je?", "B: 14"), {"B": [(1, 14)]}),         # the Flemish question
    (("A: hoe oud bende gij?", "B: 14 hoezo"), {"B": [(1, 14)]}),
    (("A: hoe oud ben je?", "B: ’k ben 14, gij?", "A: ’k ben 31"), {"B": [(1, 14)], "A": [(2, 31)]}),
    (("A: ik ben 16", "B: ik 14", "A: eigenlijk ben ik 24"), {"A": [(0, 16), (2, 24)], "B": [(1, 14)]}),
    (("A: ik ben 24", "A: en jij?", "B: 14 hoezo"), {"A": [(0, 24)], "B": [(2, 14)]}),   # asked back in a turn of its own
    (("A: ik ben 15", "B: ik ook"), {"A": [(0, 15)], "B": [(1, 15)]}),                  # the same age
    (("A: ik ben 15", "B: ik ook 16 haha"), {"A": [(0, 15)], "B": [(1, 16)]}),
    (("A: ik ben 15", "B: hoi", "B: leuk", "B: wat doe je", "B: ik ook"), {"A": [(0, 15)]}),  # too late to be an answer
    (("A: hoe oud ben je?", "B: 3 havo"), {"B": [(1, 14)]}),         # a school year for an age
    (("A: hoe oud ben je?", "B: tweede klas"), {"B": [(1, 13)]}),
    (("A: hoe oud ben je?", "B: brugklas"), {"B": [(1, 12)]}),
    (("A: hoe oud ben je?", "B: 3e jaar hbo"), {}),
    (("A: hoe oud ben je?", "B: 3 auto's"), {}),
    (("A: ben je wel 18?", "B: nee 15"), {"B": [(1, 15)]}),          # a doubted age
    (("A: ben je wel 18?", "B: ja hoor"), {"B": [(1, 18)]}),
    (("A: ben je 18?", "B: ja was ik maar"), {}),                    # a wish is no yes
    (("A: hoe duur was die?", "B: 25"), {}),                          # numbers that answer other questions
    (("A: hoe veel volgers?", "B: 20"), {}),
    (("A: wat is de code?", "B: 14"), {}),
    (("A: welke klas heb je dit jaar, juf?", "B: 3e"), {}),           # the class one teaches, a child's, a study
    (("A: in welke klas zit je broertje?", "B: 2e"), {}),
    (("A: in welk jaar zit je van je opleiding?", "B: 3e"), {}),
    (("A: welke groep geef je?", "B: groep 6"), {}),                  # a teacher's group, said alone
    (("A: in welke klas zit je broertje?", "B: 2e klas"), {}),
    (("A: welke groep zit je?", "B: groep 6"), {"B": [(1, 9)]}),
    (("A: ik ben 34 en was vroeger juf. welke groep zit je?", "B: groep 8"), {"A": [(0, 34)], "B": [(1, 11)]}),
    (("A: welk jaar zat ge ook weer?", "B: 2de middelbaar"), {"B": [(1, 13)]}),
])
def test_answers_and_reveals_read_as_a_careful_reader_would(turns, ages):
    assert conversation(*turns) == ages


def test_repeated_ages_cost_no_more_than_ages_stated_once():
    """A chat that repeats its ages over and over: every distinct age is compared once (before, 8,000
    alternating turns took 20 s per speaker)."""
    texts, speakers = ["ik ben 30", "ik ben 15"] * 4000, ["a", "b"] * 4000
    ages = speaker_ages(texts, speakers)
    assert len(ages["a"]) == 4000
    relation = age_relation(ages, "a", len(texts))
    assert relation[0].tolist() == [0, 0, 0, 0] and relation[-1].tolist() == [1, 0, 0, 0]
    assert relation[:, 0].tolist() == [0] + [1] * 7999


def test_hostile_whitespace_is_read_in_linear_time():
    """Runs of spaces are collapsed before matching: no pattern can split one run between two
    quantifiers (before, 500 spaces took 48 s in one branch)."""
    for text in ("1" + " " * 5000 + "x", "ik ben" + " " * 5000 + "x", " " * 5000 + "14" + " " * 5000 + "x",
                 "m" + " /" * 2500 + "1"):
        assert declared_age(text) is None
    for reply in ("ja " * 20_000 + "x", "haha" + "a" * 50_000, "ik " * 20_000, "1e " * 20_000):
        assert speaker_ages(["hoe oud ben je? ben je 15?", reply], ["a", "b"]) == {}


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


def test_adults_with_adults_are_told_apart_from_minors_of_one_age():
    """Adults among themselves never groomed anyone in the hand-written chats; minors of about one
    age did (a groomer posing as a peer): the two are separate features."""
    ages = speaker_ages(["ik ben 26", "ik ben 27", "ik ben 15", "ik ben 14"], ["a", "b", "c", "d"])
    adult = age_relation(ages, "a", 4)
    assert adult[-1].tolist() == [1, 0, 0, 1]           # with minors c and d, and with adult b
    minor = age_relation(ages, "c", 4)
    assert minor[-1].tolist() == [0, 1, 1, 0]           # a minor, with d of about one age
    assert adult[:, 3].tolist() == [0, 1, 1, 1]         # known from b's declaration on
