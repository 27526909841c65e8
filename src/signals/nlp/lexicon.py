"""Chat abbreviations, Flemish forms, straattaal and English code-mixing mapped to standard Dutch, and
emoji that stand in for words.

The tables are data (``signals.nlp.resources``), so a team can extend them without touching code.
Mapping all four registers onto one canonical vocabulary is what lets one model treat Flemish,
straattaal and code-mixed messages as it treats standard Dutch.
"""

from __future__ import annotations

import re
import unicodedata

from signals.nlp.offsets import Edit


class Lexicon:
    """Whole-word replacement of variants by canonical forms, as offset-preserving edits.

    Words are found with one simple regex and looked up in a dict; phrases ("no cap", "how old")
    are indexed by their first word. Much faster than one large alternation over every variant.
    """

    # a word may hold apostrophes ("da's", "m'n") and start with one ("'k", "'t"), but a closing quote
    # is not part of it ("stuur die 'pics'"); an opening quote is tried without it ("hij zei 'ge moet'")
    _WORD = re.compile(r"'?\w+(?:'\w+)*")

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.words = {v: c for v, c in table.items() if " " not in v}
        phrases: dict[str, list[tuple[str, str]]] = {}
        for variant, canonical in table.items():
            if " " in variant:
                phrases.setdefault(variant.split()[0], []).append((variant, canonical))
        self.phrases = {k: sorted(v, key=lambda p: -len(p[0])) for k, v in phrases.items()}

    def _phrase_at(self, text: str, start: int, first: str) -> tuple[int, str] | None:
        for phrase, canonical in self.phrases.get(first, ()):
            end = start + len(phrase)
            if text.startswith(phrase, start) and not _word_goes_on(text, end):
                return end, canonical
        return None

    def edits(self, text: str) -> list[Edit]:
        edits: list[Edit] = []
        skip_until = 0
        for m in self._WORD.finditer(text):
            start = m.start()
            if start < skip_until:
                continue
            word = m.group()
            done = self._edit_at(text, start, m.end(), word, edits)
            if not done and word[0] == "'":
                done = self._edit_at(text, start + 1, m.end(), word[1:], edits)
            skip_until = max(skip_until, done)
        return edits

    def _edit_at(self, text: str, start: int, end: int, word: str, edits: list[Edit]) -> int:
        """Add the edit for a phrase starting with ``word`` or else for ``word`` itself; where the
        edited span ends (0: no edit)."""
        if word in self.phrases:
            hit = self._phrase_at(text, start, word)
            if hit:
                edits.append(_trim_common_prefix(text, start, hit[0], hit[1]))
                return hit[0]
        canonical = self.words.get(word)
        if canonical is not None:
            edits.append((start, end, canonical))
            return end
        return 0


def _word_goes_on(text: str, end: int) -> bool:
    """Whether the word ending at ``end`` continues ("da" in "da's"); a closing quote ends it."""
    if end == len(text):
        return False
    after = text[end]
    return after.isalnum() or after == "_" or (after == "'" and end + 1 < len(text) and text[end + 1].isalnum())


def _trim_common_prefix(text: str, start: int, end: int, canonical: str) -> Edit:
    """Edit only the words that change ("je snap" → "je snapchat" edits "snap"), so offsets stay per word."""
    original = text[start:end]
    shared = 0
    for a, b in zip(original.split(" "), canonical.split(" ")):
        if a != b:
            break
        shared += len(a) + 1
    shared = min(shared, len(original), len(canonical))
    return start + shared, end, canonical[shared:]


# People emoji that, in a row, stand for a family ("👨‍👩‍👧" arrives here as "👨👩👧": the joiners are folded away).
_FAMILY = frozenset("👨👩👧👦👴👵👪")
FAMILY_WORD = "familie"


def _pictograph(char: str) -> bool:
    """Emoji and other pictographic symbols (category So), skin-tone modifiers, the keycap mark."""
    return char >= "\u20d0" and unicodedata.category(char) in ("So", "Sk", "Me")


MAX_EMOJI_WORDS = 64


class EmojiWords:
    """Emoji that stand in for a word become that word ("💸" → "geld", "📸" → "foto", a row of people
    emoji → "familie"); every other pictograph is dropped. Only the first ``MAX_EMOJI_WORDS`` of a
    message are spelled out (later ones are dropped): a message of thousands of emoji would otherwise
    grow twelve-fold and hold a scoring thread for a tenth of a second.

    Decorative emoji carry no meaning the model should learn: in hand-written data they were far more
    frequent in harmless messages than in harmful ones, a cue the world does not have. Dropping them
    (offsets kept, as everywhere) takes that shortcut away; the word-like ones keep their meaning.
    """

    def __init__(self, table: dict[str, str], max_words: int = MAX_EMOJI_WORDS) -> None:
        self.table = table
        self.max_words = max_words

    def edits(self, text: str) -> list[Edit]:
        if text.isascii():
            return []
        edits: list[Edit] = []
        table = self.table
        words = 0
        i, n = 0, len(text)
        while i < n:
            char = text[i]
            if char in _FAMILY:
                j = i + 1
                while j < n and text[j] in _FAMILY:
                    j += 1
                if j - i >= 2 or char == "👪":
                    words += 1
                    edits.append((i, j, f" {FAMILY_WORD} " if words <= self.max_words else " "))
                    i = j
                    continue
            word = table.get(char)
            if word is not None:
                words += 1
                edits.append((i, i + 1, f" {word} " if words <= self.max_words else " "))
            elif _pictograph(char):
                edits.append((i, i + 1, " "))
            i += 1
        return edits
