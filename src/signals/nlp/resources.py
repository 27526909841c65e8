"""The language data a model is trained and scored with: lexicon tables, word-like emoji, known words.

The tables are text files (``lexicon/*.tsv``, ``lexicon/common_words.txt``). The packaged copies are
only the defaults for training a new model; a trained model keeps its own copies in its directory
(under its manifest), so editing a table here never changes what an existing model answers.
"""

from __future__ import annotations

import gzip
import json
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path

from signals.nlp.characters import fold_char

LEXICON_FILES = ("chat.tsv", "flemish.tsv", "straattaal.tsv", "english.tsv")
EMOJI_FILE = "emoji.tsv"
WORDS_FILE = "common_words.txt"
RESOURCE_FILES = (*LEXICON_FILES, EMOJI_FILE, WORDS_FILE)


def _fold(text: str) -> str:
    return "".join(fold_char(c) for c in text)


def parse_lexicon(texts: list[str]) -> dict[str, str]:
    """Variant → canonical form from tab-separated tables; later tables win."""
    table: dict[str, str] = {}
    for text in texts:
        for line in text.splitlines():
            if not line.strip() or line.startswith("#"):
                continue
            variant, _, canonical = line.partition("\t")
            variant, canonical = _fold(variant.strip()), _fold(canonical.strip())
            if variant and canonical and variant != canonical:
                table[variant] = canonical
    return table


def parse_emoji(text: str) -> dict[str, str]:
    """Emoji (folded: no variation selectors or joiners) → the word it stands for."""
    table = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            emoji, _, word = line.partition("\t")
            key = _fold(emoji.strip())
            if key and word.strip():
                table[key] = word.strip()
    return table


def parse_words(text: str) -> frozenset[str]:
    return frozenset(w for line in text.splitlines() if not line.startswith("#") for w in line.split())


@lru_cache(maxsize=1)
def lemma_table() -> dict[str, str]:
    """spacy-lookups-data's Dutch lemma lookup table (form → lemma)."""
    import spacy_lookups_data

    path = Path(spacy_lookups_data.__file__).parent / "data" / "nl_lemma_lookup.json.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


@lru_cache(maxsize=1)
def lemma_vocabulary() -> frozenset[str]:
    table = lemma_table()
    return frozenset(table) | frozenset(table.values())


def packaged_files() -> dict[str, str]:
    """The default tables shipped with the package: file name → text."""
    folder = resources.files("signals.nlp").joinpath("lexicon")
    return {name: folder.joinpath(name).read_text(encoding="utf-8") for name in RESOURCE_FILES}


@dataclass(frozen=True)
class LanguageResources:
    """Parsed tables plus the raw files they came from (what a model directory stores)."""

    files: dict[str, str] = field(repr=False)
    lexicon: dict[str, str] = field(repr=False)
    emoji: dict[str, str] = field(repr=False)
    extra_words: frozenset[str] = field(repr=False)

    @classmethod
    def from_files(cls, files: dict[str, str]) -> LanguageResources:
        missing = [name for name in RESOURCE_FILES if name not in files]
        if missing:
            raise ValueError(f"language resources miss {missing}")
        return cls(dict(files), parse_lexicon([files[name] for name in LEXICON_FILES]),
                   parse_emoji(files[EMOJI_FILE]), parse_words(files[WORDS_FILE]))

    @classmethod
    def default(cls) -> LanguageResources:
        return _default_resources()

    @cached_property
    def vocabulary(self) -> frozenset[str]:
        """Known Dutch word forms (the lemma table's forms and lemmas, plus our common words)."""
        return lemma_vocabulary() | self.extra_words


@lru_cache(maxsize=1)
def _default_resources() -> LanguageResources:
    return LanguageResources.from_files(packaged_files())
