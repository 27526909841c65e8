"""Character folding: one original character becomes zero or more plain lowercase characters."""

from __future__ import annotations

import pytest

from signals.nlp.characters import fold, fold_char


@pytest.mark.parametrize(("char", "expected"), [
    ("A", "a"), ("é", "e"), ("Ë", "e"), ("ç", "c"),
    ("ѕ", "s"), ("а", "a"), ("р", "p"), ("о", "o"), ("е", "e"), ("с", "c"), ("і", "i"),   # Cyrillic
    ("α", "a"), ("ο", "o"), ("ρ", "p"), ("ς", "s"), ("Β", "b"), ("Τ", "t"),              # Greek
    ("𝐬", "s"), ("𝑠", "s"), ("𝓼", "s"), ("ｓ", "s"), ("Ｓ", "s"), ("ⓢ", "s"),           # fonts
    ("ﬁ", "fi"), ("ĳ", "ij"),                                                             # ligatures
    ("\u200b", ""), ("\u200d", ""), ("\ufeff", ""), ("\u00ad", ""), ("\u2060", ""),        # invisible
    ("\ufe0f", ""), ("\u3164", ""), ("\u2800", ""), ("\ud800", ""),                       # blank-looking, surrogate
    ("\n", " "), ("\t", " "), ("\r", " "), ("\x00", " "), ("\u00a0", " "), ("\u2028", " "),
    ("😍", "😍"), ("🔥", "🔥"), ("€", "€"),
])
def test_fold_char(char, expected):
    assert fold_char(char) == expected


@pytest.mark.parametrize(("text", "expected", "starts"), [
    ("Snap", "snap", (0, 1, 2, 3)),
    ("s\u200bn", "sn", (0, 2)),
    ("ﬁx", "fix", (0, 0, 1)),
    ("😍a", "😍a", (0, 1)),
    ("", "", ()),
])
def test_fold_keeps_a_map_to_original_characters(text, expected, starts):
    mapped = fold(text)
    assert mapped.text == expected
    assert mapped.starts == starts
    assert mapped.ends == tuple(s + 1 for s in starts)


@pytest.mark.parametrize(("char", "expected"), [("Ν", "n"), ("Η", "h"), ("Μ", "m"), ("Υ", "y")])
def test_greek_capital_homoglyphs_fold_to_the_latin_capital_they_imitate(char, expected):
    assert fold_char(char) == expected


@pytest.mark.parametrize("apostrophe", ["\u2019", "\u2018", "\u02bc", "\u00b4", "`", "\u2032", "\uff40"])
def test_every_apostrophe_a_phone_types_is_the_ascii_one(apostrophe):
    assert fold(f"foto{apostrophe}s").text == "foto's"


def test_the_folding_table_stays_bounded_on_a_stream_of_rare_characters():
    from signals.nlp import characters

    for block in range(0x4E00, 0x4E00 + 40_000, 1000):   # 40,000 distinct CJK characters, 1,000 per text
        fold("".join(chr(c) for c in range(block, block + 1000)))
    assert len(characters._ONE_TO_ONE) <= characters._ONE_TO_ONE_LIMIT
