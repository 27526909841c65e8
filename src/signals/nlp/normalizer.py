"""Undo what evaders and chat style do to Dutch text, keeping offsets into the original.

Stages, in order (each an offset-preserving rewrite, see ``offsets.MappedText``):
1. characters: NFKC, invisible characters, homoglyphs, fancy fonts, diacritics, lowercase; runs of
   one symbol, punctuation mark or emoji cut to three ("!!!!!!" → "!!!"; thousands of "€" or "💳"
   would otherwise cost spaCy's tokenizer tens of milliseconds with the GIL held);
2. separators: "s n a p", "t.e.l.e.g.r.a.m", "b-e-t-a-a-l" → one word;
3. masks: handles, URLs, phone numbers, money, times, durations, ages, numbers → typed placeholders;
4. leetspeak inside words: "f0t0", "d0ekoe", "sn4p" → "foto", "doekoe", "snap"; when a message
   writes several words that way, also short ones ("h03 0ud b3n j3" → "hoe oud ben je");
5. elongations: "heeeel", "jaaaa", "broooo" → "heel", "ja", "bro";
6. lexicon: chat abbreviations, Flemish, straattaal, English → canonical Dutch (and, first of all,
   emoji that stand in for a word: 💰 → geld, 📸 → foto, 👨‍👩‍👧 → familie; other emoji are dropped);
7. whitespace: runs of spaces folded to one;
8. long runs without spaces (hostile input: thousands of symbols) broken every 32 characters,
   since spaCy's tokenizer is quadratic on a very long token.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from signals.nlp.characters import fold
from signals.nlp.lexicon import EmojiWords, Lexicon
from signals.nlp.masks import PLACEHOLDERS, mask_edits
from signals.nlp.offsets import Edit, MappedText
from signals.nlp.resources import LanguageResources

# one separator, or the same one twice ("s n a p", "s  n  a  p", "s..n..a..p"); not ". ", which ends
# abbreviations ("a.u.b. 5 euro", "i.v.m. 2 dagen")
_SEPARATED = re.compile(r"(?<![\w])(?:[a-z0-9](?:([ .\-_*|/+~])\1?)){3,40}[a-z0-9](?![\w])")
_SEPARATORS = re.compile(r"\s{2,}|[ .\-_*|/+~]")
_LEET_TOKEN = re.compile(r"(?<![\w@$])[a-z0-9@$]{3,40}(?![\w@$])")
_LEET_MAP = str.maketrans({"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "9": "g", "@": "a", "$": "s"})
_LEET_CHARS = frozenset("01345790@$")
_ELONGATED = re.compile(r"\b\w*?(\w)\1{2,}\w*")
_RUN = re.compile(r"(\w)\1{2,}")
_DIAERESIS_RUN = re.compile(r"(?<!e)eee(?=[nr])")
_SPACES = re.compile(r"\s{2,}")
_SYMBOL_RUN_KEEP = 3
_SYMBOL_RUN = re.compile(r"([^\w\s])\1{3,}")  # "!!!!!!", "€€€€€€", "💳💳💳💳💳" → three of them
_LONG_RUN = re.compile(r"\S{64,}")
_RUN_PIECE = 32
_PLACEHOLDERS = frozenset(PLACEHOLDERS)


@dataclass(frozen=True, slots=True)
class NormalizedText:
    """The original text, its normalised form, and the character map between them."""

    original: str
    mapped: MappedText

    @property
    def text(self) -> str:
        return self.mapped.text

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span, ending after the marks that belong to its last character (an accent
        typed as a combining mark, a skin tone, a variation selector, a zero-width joiner and what it
        joins), which fold to nothing and would otherwise be cut off a highlight."""
        original_start, original_end = self.mapped.to_original(start, end)
        return original_start, _grapheme_end(self.original, original_end) if original_end > original_start else original_end


def _grapheme_end(text: str, end: int) -> int:
    while end < len(text):
        char = text[end]
        if unicodedata.category(char) in ("Mn", "Me") or "\ufe00" <= char <= "\ufe0f" or "\U0001f3fb" <= char <= "\U0001f3ff":
            end += 1
        elif char == "\u200d" and end + 1 < len(text):
            end += 2
        else:
            break
    return end


_DOTTED = re.compile(r"(?<![\w.])(?:[a-z]\.){2,6}(?!\w)")  # "a.u.b.", "i.v.m.", "t.z.t."


def _separator_edits(text: str) -> list[Edit]:
    """Spaced-out letters joined ("s n a p", "t.e.l.e.g.r.a.m"). Where some letters are one separator
    apart and others two spaces, the two spaces are a word gap, each word its own edit so offsets
    stay exact ("h o e  o u d" → "hoe oud"; evenly spaced "s  n  a  p" → "snap")."""
    edits: list[Edit] = []
    for match in _SEPARATED.finditer(text):
        run, start = match.group(), match.start()
        if (run[0].isdigit() or run[-1].isdigit()) and any(c.isalpha() for c in run):
            continue  # "1 t/m 5": letters between numbers are no spaced-out word
        gaps = _SEPARATORS.findall(run)
        if all(_SPACES.fullmatch(gap) for gap in gaps) or not any(_SPACES.fullmatch(gap) for gap in gaps):
            edits.append((start, match.end(), _SEPARATORS.sub("", run)))
            continue
        cursor = 0
        for gap in [*_SPACES.finditer(run), None]:
            end = gap.start() if gap else len(run)
            edits.append((start + cursor, start + end, _SEPARATORS.sub("", run[cursor:end])))
            cursor = gap.end() if gap else end
    if "." in text:  # abbreviations lose their dots, so the lexicon knows them ("a.u.b." → "aub" → "alsjeblieft")
        taken = [(a, b) for a, b, _ in edits]
        edits += [(m.start(), m.end(), m.group().replace(".", "")) for m in _DOTTED.finditer(text)
                  if not any(a < m.end() and m.start() < b for a, b in taken)]
        edits.sort()
    return edits


_HAS_LEET = re.compile(r"[\d@$]")
_SHORT_LEET = re.compile(r"(?<![\w@$])[a-z0-9@$]{2,40}(?![\w@$])")


# ordinals and counts ("3de", "1ste", "2e", "19e", "3x") and device and game names ("ps4", "mp3"):
# digits that are digits
_NOT_LEET = re.compile(r"\d{1,3}(?:e|de|ste|x)|(?:ps|mp|gta|fifa|fc|iphone|xbox|s)\d{1,2}")


def _is_leet(token: str, min_letters: int) -> bool:
    if token in _PLACEHOLDERS or not (_LEET_CHARS & set(token)) or token.isdigit() or _NOT_LEET.fullmatch(token):
        return False
    return sum(c.isalpha() for c in token) >= min_letters


def _leet_edits(text: str) -> list[Edit]:
    """Digits and symbols for letters inside words. A word needs two letters of its own ("f0t0"),
    unless the message writes several words that way: then one is enough ("h03 0ud b3n j3")."""
    if not _HAS_LEET.search(text):
        return []
    strict = [m for m in _LEET_TOKEN.finditer(text) if _is_leet(m.group(), 2)]
    loose = [m for m in _SHORT_LEET.finditer(text) if _is_leet(m.group(), 1)]
    chosen = loose if len(loose) >= 2 else strict
    return [(m.start(), m.end(), m.group().translate(_LEET_MAP)) for m in chosen]


def _deelongate(word: str, vocabulary: frozenset[str], lexicon: dict[str, str]) -> str:
    double = _RUN.sub(r"\1\1", word)
    single = _RUN.sub(r"\1", word)
    known_double = double in vocabulary or double in lexicon
    known_single = single in vocabulary or single in lexicon
    if known_double != known_single:
        return double if known_double else single
    if _DIAERESIS_RUN.search(word):  # "ideeën", "zeeën", "geëerd" fold to three e's: a syllable break, kept
        return word
    # Dutch doubles vowels inside words ("heel") but rarely at the end ("ja", "bro"), except "ee".
    run = _RUN.search(word)
    run_char = run.group(1) if run else ""
    if run_char in "aeiou":
        return double if not double.endswith(run_char * 2) or run_char == "e" else single
    return single


class Normalizer:
    """Callable: original text → ``NormalizedText``. Build once, reuse for every message."""

    def __init__(self, resources: LanguageResources | None = None) -> None:
        resources = resources or LanguageResources.default()
        self.lexicon = Lexicon(resources.lexicon)
        self.emoji = EmojiWords(resources.emoji)
        self.vocabulary = resources.vocabulary

    def _elongation_edits(self, text: str) -> list[Edit]:
        if not _RUN.search(text):
            return []
        edits = []
        for m in _ELONGATED.finditer(text):
            word = m.group()
            fixed = _deelongate(word, self.vocabulary, self.lexicon.table)
            if fixed != word:
                edits.append((m.start(), m.end(), fixed))
        return edits

    def __call__(self, text: str) -> NormalizedText:
        mapped = fold(text)
        if _SYMBOL_RUN.search(mapped.text):
            mapped = mapped.apply((m.start(), m.end(), m.group(1) * _SYMBOL_RUN_KEEP)
                                  for m in _SYMBOL_RUN.finditer(mapped.text))
        for stage in (self.emoji.edits, _separator_edits, mask_edits, _leet_edits, self._elongation_edits,
                      self.lexicon.edits):
            mapped = mapped.apply(stage(mapped.text))
        mapped = mapped.apply((m.start(), m.end(), " ") for m in _SPACES.finditer(mapped.text))
        mapped = mapped.apply((k, k, " ") for m in _LONG_RUN.finditer(mapped.text)
                              for k in range(m.start() + _RUN_PIECE, m.end(), _RUN_PIECE))
        return NormalizedText(text, mapped)
