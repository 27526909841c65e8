"""Tactic patterns (patterns.yaml through PatternDetector): Dutch positives per tactic, with the exact
original substring each span must cover, near-miss negatives, and a linear-time safety bound.

Positives mix standard Dutch, Flemish, straattaal and Dutch-English code-mixing, with evasive
spellings (leetspeak, separators, homoglyphs, fancy fonts). Spans are offsets into the original
text, so "kom op s n a p" must highlight "s n a p", not the normalised "snapchat".
"""

from __future__ import annotations

import re
import time
from collections import defaultdict

import pytest

from signals.detectors.pattern import Pattern, PatternDetector
from signals.detectors.registry import DetectorRegistry, load_patterns
from signals.nlp.pipeline import Preprocessor
from signals.taxonomy import TACTICS


@pytest.fixture(scope="module")
def preprocessor() -> Preprocessor:
    return Preprocessor()


@pytest.fixture(scope="module")
def registry() -> DetectorRegistry:
    return DetectorRegistry.from_config()


@pytest.fixture(scope="module")
def fired(preprocessor, registry):
    """text → {tactic: [original substrings of its spans]}."""

    def run(text: str) -> dict[str, list[str]]:
        (doc,) = preprocessor.pipe([text])
        hits: dict[str, list[str]] = defaultdict(list)
        for span in registry.detect(doc):
            assert 0 <= span.start < span.end <= len(text)
            hits[span.label].append(text[span.start:span.end])
        return dict(hits)

    return run


def case(tactic: str, text: str, span: str, register: str):
    return pytest.param(tactic, text, span, id=f"{tactic}-{register}-{text[:32]}")


POSITIVES = [
    # flattery
    case("flattery", "jij bent echt zo mooi", "jij bent echt zo mooi", "standard"),
    case("flattery", "je bent heel volwassen voor je leeftijd", "je bent heel volwassen", "standard"),
    case("flattery", "nog nooit iemand zoals jij ontmoet", "nog nooit iemand zoals jij", "standard"),
    case("flattery", "je bent mijn prinses", "je bent mijn prinses", "standard"),
    case("flattery", "gij zijt zo schoon", "gij zijt zo schoon", "flemish"),
    case("flattery", "ge zijt echt anders dan de rest", "ge zijt echt anders", "flemish"),
    case("flattery", "je bent echt zo mooi wallah", "je bent echt zo mooi", "straattaal"),
    case("flattery", "jij bent zo cute", "jij bent zo cute", "codemix"),
    case("flattery", "j1j b3nt z0 m00i", "j1j b3nt z0 m00i", "leet"),
    case("flattery", "jij bent zo mооi", "jij bent zo mооi", "homoglyph"),
    # gifts_money
    case("gifts_money", "ik koop wel nieuwe schoenen voor je", "ik koop wel nieuwe schoenen voor je", "standard"),
    case("gifts_money", "ik koop je een nieuwe tas", "ik koop je een", "standard"),
    case("gifts_money", "je krijgt 50 euro van mij", "je krijgt 50 euro", "standard"),
    case("gifts_money", "k regel alles voor u", "k regel alles voor u", "flemish"),
    case("gifts_money", "je krijgt doekoe van me", "je krijgt doekoe", "straattaal"),
    case("gifts_money", "kga nieuwe patta voor je kopen", "nieuwe patta", "straattaal"),
    case("gifts_money", "i pay alles voor je", "i pay alles voor je", "codemix"),
    case("gifts_money", "ik b3taal alles", "ik b3taal alles", "leet"),
    # job_offer
    case("job_offer", "wil je makkelijk geld verdienen?", "makkelijk geld verdienen", "standard"),
    case("job_offer", "500 euro per avond", "500 euro per avond", "standard"),
    case("job_offer", "zoek je een bijbaan als hostess", "hostess", "standard"),
    case("job_offer", "je moet gewoon gezellig doen met mijn vrienden", "gewoon gezellig doen", "standard"),
    case("job_offer", "ge kunt makkelijk geld verdienen", "makkelijk geld verdienen", "flemish"),
    case("job_offer", "snel doekoe verdienen", "snel doekoe verdienen", "straattaal"),
    case("job_offer", "makkelijk poen verdienen", "makkelijk poen verdienen", "straattaal"),
    case("job_offer", "easy money babe", "easy money", "codemix"),
    case("job_offer", "m4kk3l1jk g3ld", "m4kk3l1jk g3ld", "leet"),
    # isolation
    case("isolation", "je ouders snappen je niet", "je ouders snappen je niet", "standard"),
    case("isolation", "alleen ik begrijp jou echt", "alleen ik begrijp", "standard"),
    case("isolation", "niemand snapt je zoals ik", "niemand snapt je zoals ik", "standard"),
    case("isolation", "je vriendinnen zijn gewoon jaloers", "je vriendinnen zijn gewoon jaloers", "standard"),
    case("isolation", "luister niet naar je moeder", "luister niet naar je", "standard"),
    case("isolation", "ge hebt hun nie nodig", "ge hebt hun nie nodig", "flemish"),
    case("isolation", "je matties zijn fake", "je matties zijn fake", "straattaal"),
    case("isolation", "je parents snappen je nooit", "je parents snappen je nooit", "codemix"),
    # secrecy
    case("secrecy", "vertel het aan niemand", "vertel het aan niemand", "standard"),
    case("secrecy", "verwijder deze chat", "verwijder deze chat", "standard"),
    case("secrecy", "niemand mag het weten", "niemand mag het weten", "standard"),
    case("secrecy", "je ouders hoeven niks te weten", "je ouders hoeven niks te weten", "standard"),
    case("secrecy", "zeg het nie tegen uw ma", "zeg het nie tegen", "flemish"),
    case("secrecy", "da blijft tussen ons", "tussen ons", "flemish"),
    case("secrecy", "vertel niet aan je mattie", "vertel niet aan", "straattaal"),
    case("secrecy", "dont tell anyone ok", "dont tell", "codemix"),
    case("secrecy", "delete de chat na het lezen", "delete de chat", "codemix"),
    case("secrecy", "v3rw1jd3r dit gesprek", "v3rw1jd3r dit gesprek", "leet"),
    # platform_switch
    case("platform_switch", "stuur je nummer", "stuur je nummer", "standard"),
    case("platform_switch", "praat verder op whatsapp", "praat verder op whatsapp", "standard"),
    case("platform_switch", "hier lezen ze mee", "hier lezen ze", "standard"),
    case("platform_switch", "geef uw nummer", "geef uw nummer", "flemish"),
    case("platform_switch", "gaan we ff in pv", "gaan we ff in pv", "straattaal"),
    case("platform_switch", "add me op insta", "add me op insta", "codemix"),
    case("platform_switch", "add me @lisa_2009", "@lisa_2009", "handle"),
    case("platform_switch", "kunnen we verder op s n a p", "verder op s n a p", "separators"),
    case("platform_switch", "kom op t.e.l.e.g.r.a.m", "kom op t.e.l.e.g.r.a.m", "separators"),
    case("platform_switch", "wat is je ѕnар", "wat is je ѕnар", "homoglyph"),
    case("platform_switch", "heb je sn4p?", "heb je sn4p", "leet"),
    case("platform_switch", "voeg me toe op s\u200bn\u200ba\u200bp", "voeg me toe op s\u200bn\u200ba\u200bp", "zero-width"),
    # meeting
    case("meeting", "ik haal je morgen op bij school", "ik haal je morgen op", "standard"),
    case("meeting", "zullen we afspreken", "zullen we afspreken", "standard"),
    case("meeting", "kom je naar de parkeerplaats", "kom je naar de parkeerplaats", "standard"),
    case("meeting", "stap maar in", "stap maar in", "standard"),
    case("meeting", "waar woon je", "waar woon je", "standard"),
    case("meeting", "ik pik u op", "ik pik u op", "flemish"),
    case("meeting", "ik haal je op met de waggi", "ik haal je op", "straattaal"),
    case("meeting", "zullen we meet", "zullen we meet", "codemix"),
    # age_probe
    case("age_probe", "hoe oud ben je", "hoe oud ben je", "standard"),
    case("age_probe", "in welke klas zit je", "in welke klas", "standard"),
    case("age_probe", "zijn je ouders thuis", "zijn je ouders thuis", "standard"),
    case("age_probe", "ben je alleen thuis?", "ben je alleen thuis", "standard"),
    case("age_probe", "wanneer komen je ouders thuis", "wanneer komen je ouders", "standard"),
    case("age_probe", "hoe oud zijt ge", "hoe oud zijt ge", "flemish"),
    case("age_probe", "wallah hoe oud ben je", "hoe oud ben je", "straattaal"),
    case("age_probe", "how old r u", "how old r u", "codemix"),
    case("age_probe", "h0e 0ud ben je", "h0e 0ud ben je", "leet"),
    # image_request
    case("image_request", "stuur een foto", "stuur een foto", "standard"),
    case("image_request", "laat me je eens zien", "laat me je eens zien", "standard"),
    case("image_request", "zet je cam aan", "zet je cam aan", "standard"),
    case("image_request", "stuur ne foto", "stuur ne foto", "flemish"),
    case("image_request", "drop een pic", "drop een pic", "straattaal"),
    case("image_request", "send pics", "send pics", "codemix"),
    case("image_request", "stuur ff een pic van jezelf", "stuur ff een pic", "codemix"),
    case("image_request", "stuur me een f0t0", "stuur me een f0t0", "leet"),
    case("image_request", "𝐬𝐭𝐮𝐮𝐫 een foto", "𝐬𝐭𝐮𝐮𝐫 een foto", "math-bold"),
    # emotional_pressure
    case("emotional_pressure", "als je echt van me houdt stuur je het", "als je echt van me houdt", "standard"),
    case("emotional_pressure", "na alles wat ik voor je gedaan heb", "na alles wat ik voor je gedaan", "standard"),
    case("emotional_pressure", "je moet je schuld afbetalen", "schuld afbetalen", "standard"),
    case("emotional_pressure", "vertrouw je me niet?", "vertrouw je me niet", "standard"),
    case("emotional_pressure", "als ge echt van mij houdt", "als ge echt van mij houdt", "flemish"),
    case("emotional_pressure", "ge zijt mij nog geld schuldig", "ge zijt mij nog geld schuldig", "flemish"),
    case("emotional_pressure", "wallah je bent me wat schuldig", "je bent me wat schuldig", "straattaal"),
    case("emotional_pressure", "if u love me, als je van me houdt", "als je van me houdt", "codemix"),
    # threat_exposure
    case("threat_exposure", "ik stuur je fotos naar je ouders", "ik stuur je fotos naar", "standard"),
    case("threat_exposure", "ik zet je foto's online", "ik zet je foto's online", "standard"),
    case("threat_exposure", "iedereen gaat het zien", "iedereen gaat het zien", "standard"),
    case("threat_exposure", "ik heb screenshots van al je volgers", "screenshots van al je volgers", "standard"),
    case("threat_exposure", "kstuur uw fotos naar uw ma", "kstuur uw fotos naar", "flemish"),
    case("threat_exposure", "wallah je familie gaat het weten", "je familie gaat het weten", "straattaal"),
    case("threat_exposure", "i send je pics naar al je volgers", "i send je pics naar", "codemix"),
    case("threat_exposure", "ik post je f0t0s op insta", "ik post je f0t0s op", "leet"),
    # "jouw" (and Flemish "uw", read as "jouw") before the people who will see them
    case("threat_exposure", "ik ga die foto's aan uw vrienden tonen", "foto's aan uw vrienden", "flemish"),
    case("threat_exposure", "die video gaat naar jouw ouders", "die video gaat naar jouw ouders", "standard"),
    case("threat_exposure", "jouw familie gaat het allemaal zien", "jouw familie gaat het allemaal zien", "standard"),
    case("threat_exposure", "die fotos gaan naar je mama", "die fotos gaan naar je mama", "straattaal"),
    # who else will get it: relatives, team mates, group chats; and who is next
    case("threat_exposure", "geef me je inlog of het gaat naar je sportschool groep", "het gaat naar je sportschool groep", "standard"),
    case("threat_exposure", "ben je nu stil? dan begin ik met je oom", "begin ik met je oom", "standard"),
    case("threat_exposure", "je ma krijgt een berichtje met alles erbij", "je ma krijgt een berichtje met alles", "straattaal"),
    case("threat_exposure", "je neef heeft er al eentje. wie is de volgende, je zus?", "wie is de volgende, je zus", "straattaal"),
    case("threat_exposure", "je mattie's van de voetbal gaan die video zien", "je mattie's van de voetbal gaan die video zien", "straattaal"),
    case("threat_exposure", "alles komt in de klassenapp als ge ni betaalt", "alles komt in de klassenapp", "flemish"),
    # after a condition the verb comes first: "kom je niet, gaat alles naar je pa"
    case("threat_exposure", "omdat ik het zeg. kom je niet, gaat alles naar je pa", "gaat alles naar je pa", "standard"),
    case("threat_exposure", "betaalt ge ni, dan gaan die fotos naar uw ouders", "gaan die fotos naar uw ouders", "flemish"),
    case("threat_exposure", "kom je niet dan stuur ik alles naar je vader", "stuur ik alles naar je vader", "standard"),
    case("threat_exposure", "doekoe voor 8 uur of ik gooi het in je klassenapp", "of ik gooi het in je klassenapp", "straattaal"),
    case("threat_exposure", "no money? dan zet ik het op je school insta", "zet ik het op je school", "codemix"),
    # a picture of the person themself; is anyone home; keep it quiet
    case("image_request", "ewa pic van jezelf ff", "pic van jezelf", "straattaal"),
    case("image_request", "hebde gij ne foto van jou in uw outfit?", "foto van jou", "flemish"),
    case("age_probe", "is er iemand bij je thuis nu?", "is er iemand bij je thuis", "standard"),
    case("age_probe", "zit je nu in je eentje?", "zit je nu in je eentje", "standard"),
    case("age_probe", "je parents zijn er vanavond niet toch? I can come over", "je parents zijn er vanavond niet", "codemix"),
    case("age_probe", "uw ma is vanavond weg he", "uw ma is vanavond weg", "flemish"),
    case("image_request", "join the call, camera on", "camera on", "codemix"),
    case("secrecy", "pik je op om 11. mondje dicht", "mondje dicht", "straattaal"),
    # payment_demand
    case("payment_demand", "stuur 100 euro", "stuur 100 euro", "standard"),
    case("payment_demand", "betaal €50 anders", "betaal €50", "standard"),
    case("payment_demand", "stuur een paysafecard van 100", "stuur een paysafecard", "standard"),
    case("payment_demand", "betaal of ik stuur het", "betaal of", "standard"),
    case("payment_demand", "maak 0.01 btc over naar deze wallet", "maak 0.01 btc", "crypto"),
    case("payment_demand", "geef me doekoe", "geef me doekoe", "straattaal"),
    case("payment_demand", "stuur me 2k", "stuur me 2k", "straattaal"),
    case("payment_demand", "pay me 100 euro", "pay me 100 euro", "codemix"),
    case("payment_demand", "b-e-t-a-a-l 50 euro", "b-e-t-a-a-l 50 euro", "separators"),
    case("payment_demand", "stort vijftig euro", "stort vijftig euro", "number-word"),
    # deadline
    case("deadline", "je hebt 1 uur", "je hebt 1 uur", "standard"),
    case("deadline", "binnen 30 min", "binnen 30 min", "standard"),
    case("deadline", "ik tel tot 10", "ik tel tot", "standard"),
    case("deadline", "laatste kans", "laatste kans", "standard"),
    case("deadline", "je hebt nog tien minuten", "nog tien minuten", "standard"),
    case("deadline", "ge hebt 1 uur", "ge hebt 1 uur", "flemish"),
    case("deadline", "tik tak", "tik tak", "straattaal"),
    case("deadline", "right now", "right now", "codemix"),
]


WHOLE_WORDS = [
    case("secrecy", "dit is ons geheimpje", "dit is ons geheimpje", "standard"),
    case("flattery", "jij bent slimmer dan de rest", "jij bent slimmer", "standard"),
    case("meeting", "kom naar mijn kamer", "kom naar mijn", "standard"),
    case("secrecy", "verwijder dat appje", "verwijder dat appje", "standard"),
]


@pytest.mark.parametrize(("tactic", "text", "span"), POSITIVES + WHOLE_WORDS)
def test_positive_fires_with_span_on_the_original(fired, tactic, text, span):
    hits = fired(text)
    assert tactic in hits, f"{tactic} did not fire on {text!r}: {hits}"
    assert span in hits[tactic], f"{tactic} spans {hits[tactic]} on {text!r}, expected {span!r}"


def neg(tactic: str, text: str):
    return pytest.param(tactic, text, id=f"not-{tactic}-{text[:32]}")


NEGATIVES = [
    neg("flattery", "de zonsondergang was mooi"),
    neg("flattery", "het weer is mooi vandaag"),
    neg("flattery", "dit is anders dan gisteren"),
    neg("flattery", "je bent laat"),
    neg("flattery", "wat een mooie foto"),
    neg("gifts_money", "ik koop brood bij de bakker"),
    neg("gifts_money", "betaal de huur"),
    neg("gifts_money", "ik heb een nieuwe fiets gekocht"),
    neg("gifts_money", "mama regelt het"),
    neg("gifts_money", "ik geef je gelijk"),
    neg("job_offer", "ik heb hard gewerkt"),
    neg("job_offer", "mijn vader werkt in een fabriek"),
    neg("job_offer", "ik heb mijn huiswerk af"),
    neg("isolation", "mijn ouders snappen het niet, kun je helpen met wiskunde?"),
    neg("isolation", "je ouders zijn aardig"),
    neg("isolation", "luister naar je moeder"),
    neg("isolation", "ik begrijp de som niet"),
    neg("secrecy", "vertel me over je dag"),
    neg("secrecy", "niemand was op school vandaag"),
    neg("secrecy", "zeg maar wanneer je klaar bent"),
    neg("secrecy", "ik heb een geheim recept voor pannenkoeken"),
    neg("secrecy", "hij zegt niks"),
    neg("platform_switch", "kom op, we gaan naar huis"),
    neg("platform_switch", "volg de borden naar het station"),
    neg("platform_switch", "geef de bal terug"),
    neg("platform_switch", "heb je je huiswerk af?"),
    neg("meeting", "ik haal boodschappen"),
    neg("meeting", "we zien elkaar op school"),
    neg("meeting", "ik ga naar huis"),
    neg("meeting", "de trein komt om kwart over"),
    neg("age_probe", "hoe oud is die auto"),
    neg("age_probe", "hoe laat begint de film"),
    neg("age_probe", "ik ben thuis"),
    neg("age_probe", "mijn oma is 80 geworden"),
    neg("age_probe", "ben je al thuis?"),
    neg("image_request", "ik heb een foto van de zonsondergang gemaakt"),
    neg("image_request", "mooie foto van je hond"),
    neg("image_request", "de camera is kapot"),
    neg("image_request", "ik heb die film gezien"),
    neg("image_request", "heb je de foto's van de excursie gezien?"),
    neg("emotional_pressure", "ik hou van pizza"),
    neg("emotional_pressure", "als je tijd hebt, bel me"),
    neg("emotional_pressure", "mijn moeder maakt me blij"),
    neg("emotional_pressure", "je bent me een uitleg schuldig over het huiswerk"),
    neg("threat_exposure", "ik stuur de vakantiefoto's naar oma"),
    neg("threat_exposure", "ze gaan logeren bij je oma"),
    neg("threat_exposure", "stuur ne foto van jou in uw outfit"),       # a request, not a threat to spread
    neg("threat_exposure", "stuur me een foto in je nieuwe jurk"),
    neg("threat_exposure", "ik zet alles in de groepsapp"),
    neg("threat_exposure", "gaat alles goed met je pa?"),
    neg("threat_exposure", "stuur ik het naar jou of naar de trainer?"),
    neg("threat_exposure", "dan stuur ik je de foto's van de bruiloft"),
    neg("threat_exposure", "wie is de volgende? ik wil ook spelen"),
    neg("threat_exposure", "je moeder krijgt een cadeau van ons"),
    neg("image_request", "mooie foto van je hond"),
    neg("age_probe", "is er iemand die mijn oplader heeft gezien?"),
    neg("age_probe", "je moeder is echt niet grappig"),
    neg("age_probe", "mijn ouders zijn er niet"),
    neg("secrecy", "hou je mond even, de film begint"),
    neg("threat_exposure", "ik heb de foto's van het feest online gezet"),
    neg("threat_exposure", "kan je de foto's van de excursie delen?"),
    neg("threat_exposure", "deel je scherm even"),
    neg("payment_demand", "betaal de huur"),
    neg("payment_demand", "ik heb mijn zakgeld gekregen"),
    neg("payment_demand", "hoeveel kost een kaartje voor de film?"),
    neg("payment_demand", "ik moet nog betalen bij de kassa"),
    neg("deadline", "de les duurt 1 uur"),
    neg("deadline", "ik heb 30 min gefietst"),
    neg("deadline", "de winkel is morgen open"),
    neg("deadline", "het is nu tijd voor het avondeten"),
    # a row's last word is a whole word, not the start of another
    neg("age_probe", "is je moeder erg streng?"),
    neg("age_probe", "zijn je ouders uitgenodigd?"),
    neg("secrecy", "verwijder de apparatuur"),
]

@pytest.mark.parametrize(("tactic", "text", "span"), POSITIVES + WHOLE_WORDS)
def test_a_span_ends_at_the_end_of_a_word(fired, tactic, text, span):
    """A highlight never stops inside a word ("ons geheim|pje", "slim|mer", "mij|n")."""
    for hit in fired(text)[tactic]:
        end = text.index(hit) + len(hit)
        assert end == len(text) or not text[end].isalnum(), (hit, text)


@pytest.mark.parametrize(("tactic", "text"), NEGATIVES)
def test_near_miss_does_not_fire(fired, tactic, text):
    assert tactic not in fired(text), fired(text)


@pytest.mark.parametrize("text", [
    "ik ben moe van school",
    "hoi, hoe gaat het?",
    "ik heb een foto van de zonsondergang gemaakt",
    "de bus was weer te laat",
    "",
    "😂😂😂",
])
def test_plain_benign_messages_fire_nothing(fired, text):
    assert fired(text) == {}


def test_every_tactic_has_positive_and_negative_cases():
    positives = defaultdict(int)
    for param in POSITIVES:
        positives[param.values[0]] += 1
    negatives = defaultdict(int)
    for param in NEGATIVES:
        negatives[param.values[0]] += 1
    assert all(positives[t] >= 4 for t in TACTICS), dict(positives)
    assert all(negatives[t] >= 3 for t in TACTICS), dict(negatives)


# -- the detector class ---------------------------------------------------------------------------

def test_span_carries_an_explanation(preprocessor):
    detector = PatternDetector("secrecy", [Pattern("tell_nobody", r"\bvertel (?:het )?aan niemand\b", 0.6)])
    (doc,) = preprocessor.pipe(["Pssst, VERTEL het aan niemand!"])
    (span,) = detector.detect(doc)
    assert (span.label, span.start, span.end, span.score) == ("secrecy", 7, 29, 0.6)
    assert span.explanation.detector == "pattern:secrecy"
    assert span.explanation.pattern == "tell_nobody"
    assert span.as_tactic().model_dump() == {"tactic": "secrecy", "start": 7, "end": 29, "score": 0.6}


def test_the_matching_row_names_the_hit(preprocessor):
    detector = PatternDetector("deadline", [Pattern("a", r"\bbinnen xdurationx\b", 0.5),
                                            Pattern("b", r"\blaatste kans\b", 0.7)])
    (doc,) = preprocessor.pipe(["laatste kans, binnen 10 min"])
    assert [(s.explanation.pattern, s.score) for s in detector.detect(doc)] == [("b", 0.7), ("a", 0.5)]


def test_empty_matches_are_skipped(preprocessor):
    detector = PatternDetector("deadline", [Pattern("empty", r"x*", 0.5)])
    (doc,) = preprocessor.pipe(["hallo"])
    assert detector.detect(doc) == []


def test_a_detector_needs_patterns():
    with pytest.raises(ValueError, match="no patterns"):
        PatternDetector("secrecy", [])


# -- linear time on hostile input -----------------------------------------------------------------

ADVERSARIAL = {
    "a-space": "a " * 50_000,
    "je": "je " * 50_000,
    "foto": "foto " * 50_000,
    "one-letter": "a" * 100_000,
    "jij-bent": "jij bent " * 20_000,
    "stuur-je": "stuur je " * 20_000,
    "placeholder": "xmoneyx " * 20_000,
    "ik": "ik " * 50_000,
}

ALL_PATTERNS = [pytest.param(tactic, p, id=f"{tactic}:{p.name}") for tactic, rows in load_patterns().items()
                for p in rows]


@pytest.mark.parametrize(("tactic", "pattern"), ALL_PATTERNS)
def test_pattern_stays_fast_on_adversarial_text(tactic, pattern):
    regex = re.compile(pattern.regex)
    for name, text in ADVERSARIAL.items():
        started = time.perf_counter()
        for _ in regex.finditer(text):
            pass
        elapsed = time.perf_counter() - started
        assert elapsed < 2, f"{tactic}:{pattern.name} took {elapsed:.2f}s on {name}"


def test_whole_registry_stays_fast_on_a_hostile_message(preprocessor, registry):
    text = ("stuur je foto " * 3000) + ("a" * 20_000) + (" je" * 10_000)
    started = time.perf_counter()
    (doc,) = preprocessor.pipe([text])
    registry.detect(doc)
    assert time.perf_counter() - started < 10


@pytest.mark.parametrize(("text", "span"), [("geef je 06", "geef je 06"), ("stuur me je 06 dan", "stuur me je 06")])
def test_asking_for_a_06_number_fires_platform_switch(fired, text, span):
    assert span in fired(text).get("platform_switch", [])
