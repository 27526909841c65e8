"""Mention cues (cues.yaml): wording that marks a text as being ABOUT grooming or sextortion, or as
written by an adult asking about a child, rather than a tactic used on someone or a young person
telling. Cues are not evidence a reviewer sees; they are features the model weighs.

Each table reads as Dutch cases: the cue group that must fire, and texts where none may fire
because a young person (or a friend on their behalf) is telling, which TAXONOMY.md calls disclosure.
Every cue regex also gets an adversarial message at the text limit in
``tests/security/test_hostile_inputs.py``, with the tactic patterns and the masks.
"""

from __future__ import annotations

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
    ("adult_speaker", "mijn zus vertelde da haar dochter bij mannen op bezoek moet. ik ben haar tante en ik weet ni hoe ik kan helpen"),
    ("adult_speaker", "Ik ben de meter van ne jongen van 15. Zijn mama heeft ontdekt dat hij geld gaf aan iemand"),
    ("adult_speaker", "Moeder van een jongen van 15: hij zegt dat iemand op Discord zijn adres wilde"),
    ("adult_speaker", "Beste, ik werk als jeugdwerker en een meisje vertelde me iets over haar vriendin"),
    # looking back: a survivor's story told years later
    ("adult_speaker", "toen ik nog op de middelbare was, deed een gast alsof hij mijn vriend was"),
    ("adult_speaker", "Jaren geleden werd ik afgeperst met een foto, nu wil ik anderen waarschuwen"),
    # the older groups
    ("parent_asking", "mijn dochter van 13 wil geen telefoon meer, heeft iemand ervaring hiermee?"),
    ("warning", "Pas op: loverboys beginnen vaak met complimentjes"),
    ("third_person", "Loverboys proberen meisjes eerst van hun vrienden te isoleren"),
    ("report_advice", "Blokkeer hem en bel de kindertelefoon"),
    ("news", "De rechtbank heeft de verdachte veroordeeld tot vier jaar cel"),
    ("plural_address", "Beste ouders, praat met uw kind over wat het online doet"),
    ("plural_address", "Praat met uw kind over wat het online doet"),  # "uw" reads "jouw" after normalising
    ("plural_address", "Praat met je kind over wat het online doet"),
    ("conditional", "Als iemand je om foto's vraagt: stuur nooit iets"),
    ("quoted", 'Ze zeggen dingen als "jij bent anders dan de rest" en dan begint het'),
    # an adult's age: an older sibling or a survivor telling (and groomers; the model weighs it per category)
    ("stated_adult_age", "m'n kleine zus is 13 en ik ben 26. ik zag dat een gast haar snap wilde"),
    ("stated_adult_age", "ik ben zelf 20 en mijn broerke van 14 speelt veel online"),
    ("stated_adult_age", "Nu ben ik 24 met een eigen zaak, maar op mn 15e noemde een gast me 'mn koningin'"),
    ("stated_adult_age", "kben 30 en mijn nichtje vertelde me iets"),
]

# no adult age: a young person's age, or a number that is no age
NO_ADULT_AGE = [
    "ik ben 14 en hij zegt dat hij mijn foto's naar mijn moeder stuurt",
    "ik ben 19 en hij blijft appen",                    # 18 and 19 are masked with the young ages
    "ik ben 100% zeker dat hij het is",
    "ik ben 2 keer geblokkeerd door hem",
    "ik ben 10 min te laat",
    "hij is 26 en ik ben 15",
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
    # words an adult cue looks for, used by a young person or a groomer
    "als mama dit ziet ben ik dood, hij heeft die foto nog",
    "mijn trainer hier stuurt me elke avond berichten en zegt dat ik het niet mag vertellen",
    "is je mama hier? stuur snel een foto",
    "de vader van een vriendin stuurt me berichten, ik ben 13",
    "ik ben ouder dan je denkt, ik snap je beter dan je vrienden",
    "ik ben zijn meisje, zegt hij, en niemand mag het weten",
    "ik ben 1 meter 60 en hij zegt dat ik er ouder uitzie",
    "ik ben de juf haar lievelingetje zegt hij, maar hij wil dat ik na school blijf",
    "ik werk bij de politie, stuur je foto anders krijg je een boete",
    "ik werk met jongeren dus je kan me vertrouwen",
    "ik werk op school aan mijn project en hij blijft appen",
    "toen ik 14 was stuurde ik hem fotos, nu ben ik 15 en hij dreigt",
    "hij heeft dit jaren geleden ook bij mijn zus gedaan",
    "hij zei later krijgen we onze kinderen samen, maar niemand mag het weten",
]


# a threat to one parent is not an address to parents
NO_PLURAL_ADDRESS = ["ik stuur het naar je zoon als je niet betaalt", "je dochter krijgt alles te zien"]


@pytest.mark.parametrize("text", NO_PLURAL_ADDRESS)
def test_a_threat_naming_a_child_is_not_advice_to_parents(cues_of, text):
    assert "plural_address" not in cues_of(text)


@pytest.mark.parametrize(("cue", "text"), FIRES)
def test_cue_fires(cues_of, cue, text):
    assert cue in cues_of(text)


@pytest.mark.parametrize("text", NO_ADULT_AGE)
def test_a_young_age_or_another_number_is_no_adult_age(cues_of, text):
    assert "stated_adult_age" not in cues_of(text)


@pytest.mark.parametrize("text", NO_ADULT_CUE)
def test_a_young_person_telling_is_not_an_adult_speaking(cues_of, text):
    assert "adult_speaker" not in cues_of(text)


def test_every_cue_group_has_a_case():
    groups = set(parse_patterns(packaged_text(CUES_FILE), None, "cues"))
    assert groups == {cue for cue, _ in FIRES}

