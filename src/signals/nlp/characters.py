"""Character folding: NFKC, invisible characters, homoglyphs, fancy fonts, diacritics, case.

Evaders write "ѕnар" with Cyrillic letters, "𝐬𝐧𝐚𝐩" in mathematical bold, "ｓｎａｐ" fullwidth, or hide
zero-width characters inside a word. Each original character becomes zero or more plain lowercase
characters, and the character map records where each came from.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

from signals.nlp.offsets import MappedText

# Cyrillic and Greek letters that look like Latin ones (after lowercasing).
HOMOGLYPHS: dict[str, str] = {
    "а": "a", "в": "b", "е": "e", "ё": "e", "к": "k", "м": "m", "н": "h", "о": "o", "р": "p",
    "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s", "і": "i", "ї": "i", "ј": "j", "һ": "h",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ı": "i", "ℓ": "l",
    "α": "a", "β": "b", "ε": "e", "η": "n", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p",
    "τ": "t", "υ": "u", "χ": "x", "ω": "w", "ς": "s", "μ": "u",
}

# Greek capitals whose lowercase form looks like another Latin letter ("Ν".lower() is "ν", not "n").
UPPER_HOMOGLYPHS: dict[str, str] = {"Η": "h", "Ν": "n", "Μ": "m", "Υ": "y", "Ζ": "z", "Β": "b", "Ρ": "p", "Χ": "x"}

# Format characters are dropped; so are these invisible ones that are not category Cf.
INVISIBLE = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u034f"}

# Keep emoji and other symbols as they are (they are features), but drop variation selectors.
VARIATION_SELECTORS = {chr(c) for c in range(0xFE00, 0xFE10)}


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """The plain lowercase form of one character ('' for invisible ones)."""
    if char in INVISIBLE or char in VARIATION_SELECTORS:
        return ""
    category = unicodedata.category(char)
    if category == "Cf":
        return ""
    if category in ("Cc", "Zs", "Zl", "Zp") and char not in "\n\t":
        return " "
    if char in "\n\t\r":
        return " "
    if category == "Cs":  # lone surrogate: nothing to keep
        return ""
    out = []
    for part in unicodedata.normalize("NFKD", char):
        if unicodedata.combining(part):
            continue
        if part in UPPER_HOMOGLYPHS:
            out.append(UPPER_HOMOGLYPHS[part])
            continue
        lower = part.lower()
        out.append(HOMOGLYPHS.get(lower, lower))
    folded = "".join(out)
    return unicodedata.normalize("NFKC", folded) if not folded.isascii() else folded


_ONE_TO_ONE: dict[int, str] = {}


def fold(text: str) -> MappedText:
    """Fold every character of ``text``; ASCII text only needs lowercasing."""
    if text.isascii() and text.isprintable():
        return MappedText.identity(text.lower())
    # Most non-ASCII chat text (emoji, accents) folds one character to one: translate, keep offsets.
    distinct = set(text)
    if all(len(fold_char(c)) == 1 for c in distinct):
        for c in distinct:
            if ord(c) not in _ONE_TO_ONE:
                _ONE_TO_ONE[ord(c)] = fold_char(c)
        return MappedText.identity(text.translate(_ONE_TO_ONE))
    pieces: list[str] = []
    starts: list[int] = []
    ends: list[int] = []
    for index, char in enumerate(text):
        folded = fold_char(char)
        if not folded:
            continue
        pieces.append(folded)
        starts.extend([index] * len(folded))
        ends.extend([index + 1] * len(folded))
    return MappedText("".join(pieces), tuple(starts), tuple(ends))
