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

# Apostrophes as phones and keyboards type them ("foto’s", "m’n", "da´s"): the ASCII one, so the
# lexicon, the masks and the detectors read them as they read "foto's" (´ would otherwise fold to a
# space, splitting the word).
APOSTROPHES: dict[str, str] = {"\u2019": "'", "\u2018": "'", "\u02bc": "'", "\u00b4": "'", "`": "'", "\u2032": "'"}

# Format characters are dropped; so are these invisible ones that are not category Cf.
INVISIBLE = {"\u115f", "\u1160", "\u3164", "\uffa0", "\u2800", "\u034f"}

# Keep emoji and other symbols as they are (they are features), but drop variation selectors.
VARIATION_SELECTORS = {chr(c) for c in range(0xFE00, 0xFE10)}


@lru_cache(maxsize=8192)
def fold_char(char: str) -> str:
    """The plain lowercase form of one character ('' for invisible ones)."""
    if char in INVISIBLE or char in VARIATION_SELECTORS:
        return ""
    if char in APOSTROPHES:
        return APOSTROPHES[char]
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
    folded = unicodedata.normalize("NFKC", folded) if not folded.isascii() else folded
    return "'" if folded == "`" else folded  # a fullwidth backtick is one too


_ONE_TO_ONE: dict[int, str] = {}
_ONE_TO_ONE_LIMIT = 20_000  # characters kept for the process (a hostile stream of rare code points would grow it)


def fold(text: str) -> MappedText:
    """Fold every character of ``text``; ASCII text only needs lowercasing (and its backtick made an
    apostrophe)."""
    if text.isascii() and text.isprintable():
        lowered = text.lower()
        return MappedText.identity(lowered.replace("`", "'") if "`" in lowered else lowered)
    # Most non-ASCII chat text (emoji, accents) folds one character to one: translate, keep offsets.
    distinct = set(text)
    if all(len(fold_char(c)) == 1 for c in distinct):
        table = _ONE_TO_ONE
        new = [c for c in distinct if ord(c) not in table]
        if len(table) + len(new) > _ONE_TO_ONE_LIMIT:
            table = {ord(c): fold_char(c) for c in distinct}
        else:
            table.update((ord(c), fold_char(c)) for c in new)
        return MappedText.identity(text.translate(table))
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
