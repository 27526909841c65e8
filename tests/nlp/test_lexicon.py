"""The lexicon tables: variants → canonical Dutch, as whole-word, offset-preserving edits."""

from __future__ import annotations

import pytest

from signals.nlp.lexicon import Lexicon
from signals.nlp.resources import LEXICON_FILES, LanguageResources, packaged_files, parse_lexicon


@pytest.fixture(scope="module")
def table() -> dict[str, str]:
    return LanguageResources.default().lexicon


@pytest.mark.parametrize(("variant", "canonical"), [
    ("ff", "even"), ("wss", "waarschijnlijk"), ("hvj", "hou van je"),          # chat
    ("ge", "je"), ("zijt", "bent"), ("goesting", "zin"), ("kzal", "ik zal"),   # Flemish
    ("doekoe", "geld"), ("osso", "huis"), ("skeer", "blut"),                   # straattaal
    ("send", "stuur"), ("pics", "fotos"), ("nudes", "naaktfotos"),             # English
    ("him", "hem"), ("knows", "weet"), ("where", "waar"), ("never", "nooit"),  # English function words
])
def test_packaged_tables(table, variant, canonical):
    assert table[variant] == canonical


# English words that are also Dutch words, or Dutch chat particles, stay as they are
@pytest.mark.parametrize("word", ["he", "let", "men", "bad", "a", "do", "an", "over", "live", "look", "last", "late",
                                  # Dutch words first: because, wanted/wild, measures, shave, food, a baby
                                  "want", "wilde", "meet", "scheer", "pasta", "baby"])
def test_english_words_that_are_also_dutch_are_not_mapped(table, word):
    assert word not in table


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
    # a closing quote is not part of the word, an opening one is tried without: quoted words are mapped
    ("stuur die 'pics'", [(11, 15, "fotos")]),
    ("hij zei 'ge moet'", [(9, 11, "je")]),
    ("'t is", [(0, 5, "het is")]),            # a variant that starts with an apostrophe keeps it
    ("m'n foto's'", [(0, 3, "mijn"), (4, 10, "fotos")]),
    ("'no cap' bro", [(1, 7, "echt")]),       # a phrase may end at a closing quote
    ("da'tje", []),                           # but not inside a word
    # Flemish words the standard ones stand for
    ("gij zijt ne schone", [(0, 3, "jij"), (4, 8, "bent"), (9, 11, "een"), (12, 18, "mooie")]),
    ("niemand verstaat u", [(8, 16, "begrijpt"), (17, 18, "je")]),
    ("kheb schrik", [(0, 11, "ik ben bang")]),
    ("toon mij", [(0, 8, "laat me zien")]),
])
def test_edits(table, text, expected):
    assert Lexicon(table).edits(text) == expected


def test_a_team_table_extends_the_tables():
    custom = "# variant\tcanonical\nkaas\tgeld\n\nBLÈH\tniks\nleeg\t\n"
    assert parse_lexicon([custom]) == {"kaas": "geld", "bleh": "niks"}
    assert parse_lexicon(["kaas\tgeld\n", "kaas\tbrood\n"]) == {"kaas": "brood"}  # later tables win


def test_resources_are_built_from_their_files_and_keep_them():
    files = packaged_files()
    files["chat.tsv"] += "kaas\tgeld\n"
    resources = LanguageResources.from_files(files)
    assert resources.lexicon["kaas"] == "geld"
    assert resources.files == files
    assert "kaas" not in LanguageResources.default().lexicon  # the packaged default is untouched


def test_empty_lexicon_matches_nothing():
    assert Lexicon({}).edits("ff even") == []


def test_vocabulary_knows_common_dutch_words():
    vocabulary = LanguageResources.default().vocabulary
    assert {"heel", "foto", "geld", "kopen"} <= vocabulary
    assert len(LEXICON_FILES) == 4


@pytest.mark.parametrize(("original", "word", "emoji"), [
    ("stuur 💰 nu", "geld", "💰"),
    ("ik heb je 📸 nog", "foto", "📸"),
    ("kom op 👻", "snapchat", "👻"),
    ("niet tegen je ma zeggen 🤫", "geheim", "🤫"),
    ("je hebt nog ⏳", "tijd", "⏳"),
    ("💸💸 of ik stuur alles ➡️ 👨‍👩‍👧", "familie", "👨‍👩‍👧"),   # a joined family emoji is one word
    ("⚠️ pas op voor nepaccounts", "waarschuwing", "⚠️"),
])
def test_word_like_emoji_become_words_with_offsets_on_the_emoji(original, word, emoji):
    from signals.nlp import Normalizer

    result = Normalizer()(original)
    start = result.text.index(word)
    a, b = result.to_original(start, start + len(word))
    assert original[a:b].replace("\ufe0f", "") == emoji.replace("\ufe0f", "")


@pytest.mark.parametrize("original", ["haha 😂😂", "top 👍🏽👍🏽", "❤️❤️ jij ook", "🔥✨ mooi"])
def test_other_emoji_are_dropped_so_they_cannot_be_a_shortcut(original):
    """Decorative emoji were far more frequent in harmless training messages than in harmful ones; the
    model must not learn that emoji mean harmless, so they are not part of the normalised text."""
    from signals.nlp import Normalizer

    result = Normalizer()(original)
    assert not any(ord(c) > 0x2000 for c in result.text), result.text
    assert result.text.split() == [w for w in original.split() if w.isascii()]
