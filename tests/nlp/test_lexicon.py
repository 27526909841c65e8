"""The lexicon tables: variants → canonical Dutch, as whole-word, offset-preserving edits."""

from __future__ import annotations

import pytest

from signals.nlp.lexicon import LEXICON_FILES, Lexicon, dutch_vocabulary, read_lexicon


@pytest.fixture(scope="module")
def table() -> dict[str, str]:
    return read_lexicon()


@pytest.mark.parametrize(("variant", "canonical"), [
    ("ff", "even"), ("wss", "waarschijnlijk"), ("hvj", "hou van je"),          # chat
    ("ge", "je"), ("zijt", "bent"), ("goesting", "zin"), ("kzal", "ik zal"),   # Flemish
    ("doekoe", "geld"), ("osso", "huis"), ("skeer", "blut"),                   # straattaal
    ("send", "stuur"), ("pics", "fotos"), ("nudes", "naaktfotos"),             # English
])
def test_packaged_tables(table, variant, canonical):
    assert table[variant] == canonical


def test_tables_hold_no_identity_rows_and_are_folded(table):
    assert all(variant != canonical for variant, canonical in table.items())
    assert all(variant == variant.lower() and canonical == canonical.lower() for variant, canonical in table.items())


def test_canonical_forms_are_not_variants_themselves(table):
    """A second pass must not rewrite what the first pass produced (normalisation is stable)."""
    for canonical in set(table.values()):
        for word in canonical.split():
            assert word not in table, (canonical, word)


@pytest.mark.parametrize(("text", "expected"), [
    ("ff w8", [(0, 5, "even wachten")]),       # the longest variant wins
    ("effe", [(0, 4, "even")]),
    ("ffs", []),                              # whole words only
    ("kff", []),
    ("geld", []),
    ("da's", [(0, 4, "dat is")]),             # apostrophes belong to the word
    ("'k zal", [(0, 2, "ik")]),
])
def test_edits(table, text, expected):
    assert Lexicon(table).edits(text) == expected


def test_a_team_file_extends_the_tables(tmp_path):
    custom = tmp_path / "team.tsv"
    custom.write_text("# variant\tcanonical\nkaas\tgeld\n\nBLÈH\tniks\nleeg\t\n", encoding="utf-8")
    assert read_lexicon([custom]) == {"kaas": "geld", "bleh": "niks"}


def test_empty_lexicon_matches_nothing():
    assert Lexicon({}).edits("ff even") == []


def test_vocabulary_knows_common_dutch_words():
    vocabulary = dutch_vocabulary()
    assert {"heel", "foto", "geld", "kopen"} <= vocabulary
    assert len(LEXICON_FILES) == 4


@pytest.mark.parametrize(("original", "word", "emoji"), [
    ("stuur 💰 nu", "geld", "💰"),
    ("ik heb je 📸 nog", "foto", "📸"),
    ("kom op 👻", "snapchat", "👻"),
    ("niet tegen je ma zeggen 🤫", "geheim", "🤫"),
    ("je hebt nog ⏳", "tijd", "⏳"),
])
def test_word_like_emoji_become_words_with_offsets_on_the_emoji(original, word, emoji):
    from signals.nlp import Normalizer

    result = Normalizer()(original)
    start = result.text.index(word)
    a, b = result.to_original(start, start + len(word))
    assert original[a:b] == emoji


def test_other_emoji_stay_as_they_are():
    from signals.nlp import Normalizer

    assert Normalizer()("haha 😂😂").text == "haha 😂😂"
