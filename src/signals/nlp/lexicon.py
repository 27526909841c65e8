"""Chat abbreviations, Flemish forms, straattaal and English code-mixing mapped to standard Dutch.

The tables are data (``lexicon/*.tsv``: variant, tab, canonical form), so a team can extend them
without touching code. Mapping all four registers onto one canonical vocabulary is what lets one
model treat Flemish, straattaal and code-mixed messages as it treats standard Dutch.
"""

from __future__ import annotations

import gzip
import json
import re
from functools import lru_cache
from importlib import resources
from pathlib import Path

from signals.nlp.characters import fold_char
from signals.nlp.offsets import Edit

LEXICON_FILES = ("chat.tsv", "flemish.tsv", "straattaal.tsv", "english.tsv")
EMOJI_FILE = "emoji.tsv"


def _fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


def read_lexicon(paths: list[Path] | None = None) -> dict[str, str]:
    """Variant → canonical form, from the packaged tables (or the given files); later files win."""
    table: dict[str, str] = {}
    sources = paths or [resources.files("signals.nlp").joinpath("lexicon", name) for name in LEXICON_FILES]
    for source in sources:
        for line in source.read_text(encoding="utf-8").splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            variant, _, canonical = line.partition("\t")
            variant, canonical = _fold(variant.strip()), _fold(canonical.strip())
            if variant and canonical and variant != canonical:
                table[variant] = canonical
    return table


class Lexicon:
    """Whole-word replacement of variants by canonical forms, as offset-preserving edits.

    Words are found with one simple regex and looked up in a dict; phrases ("no cap", "how old")
    are indexed by their first word. Much faster than one large alternation over every variant.
    """

    _WORD = re.compile(r"[\w']+")

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
            if text.startswith(phrase, start) and (end == len(text) or not (text[end].isalnum() or text[end] in "_'")):
                return end, canonical
        return None

    def edits(self, text: str) -> list[Edit]:
        edits: list[Edit] = []
        skip_until = 0
        words, phrases = self.words, self.phrases
        for m in self._WORD.finditer(text):
            start = m.start()
            if start < skip_until:
                continue
            word = m.group()
            if word in phrases:
                hit = self._phrase_at(text, start, word)
                if hit:
                    edits.append(_trim_common_prefix(text, start, hit[0], hit[1]))
                    skip_until = hit[0]
                    continue
            canonical = words.get(word)
            if canonical is not None:
                edits.append((start, m.end(), canonical))
        return edits


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


def read_emoji(path: Path | None = None) -> dict[str, str]:
    """Emoji that stand in for a word (💰 → geld, 📸 → foto), from ``lexicon/emoji.tsv``."""
    source = path or resources.files("signals.nlp").joinpath("lexicon", EMOJI_FILE)
    table = {}
    for line in source.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            emoji, _, word = line.partition("\t")
            table[_fold(emoji.strip())] = word.strip()
    return {k: v for k, v in table.items() if k and v}


class EmojiWords:
    """Replace word-like emoji by their word, padded with spaces, as offset-preserving edits."""

    def __init__(self, table: dict[str, str]) -> None:
        self.table = table
        self.chars = frozenset(table)

    def edits(self, text: str) -> list[Edit]:
        if text.isascii() or not (self.chars & set(text)):
            return []
        return [(i, i + 1, f" {self.table[c]} ") for i, c in enumerate(text) if c in self.table]


@lru_cache(maxsize=1)
def dutch_vocabulary() -> frozenset[str]:
    """Known Dutch word forms (spacy-lookups-data's lemma table), used to undo elongations."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        table = json.load(handle)
    extra = resources.files("signals.nlp").joinpath("lexicon", "common_words.txt").read_text(encoding="utf-8")
    words = [w for line in extra.splitlines() if not line.startswith("#") for w in line.split()]
    return frozenset(table) | frozenset(table.values()) | frozenset(words)
