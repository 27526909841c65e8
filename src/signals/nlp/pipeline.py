"""The one place that builds and runs spaCy.

``spacy.blank("nl")`` with our own normalising tokenizer (text is normalised before it is
tokenised, and every ``Doc`` keeps the original text and the character map), the lookup lemmatizer
from ``spacy-lookups-data``, and a small component that writes the lemma string the model reads.
Everything downstream gets ``Doc`` objects from ``Preprocessor.pipe`` and never loads a pipeline.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

import numpy
import spacy
from spacy.language import Language
from spacy.tokens import Doc

from signals.nlp.normalizer import NormalizedText, Normalizer

for _name in ("normalized", "lemma_text"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)



class NormalizingTokenizer:
    """Normalise, then tokenise with the language's own tokenizer; the Doc keeps the mapping."""

    def __init__(self, tokenizer, normalizer: Normalizer) -> None:
        self.tokenizer = tokenizer
        self.normalizer = normalizer

    def __call__(self, text: str) -> Doc:
        normalized = self.normalizer(text)
        doc = self.tokenizer(normalized.text)
        doc._.normalized = normalized
        return doc

    def pipe(self, texts: Iterable[str], batch_size: int = 1000) -> Iterator[Doc]:
        for text in texts:
            yield self(text)

    # spaCy calls these when the pipeline is saved; the tokenizer is rebuilt from code instead.
    def to_bytes(self, **kwargs) -> bytes:
        return b""

    def from_bytes(self, data: bytes, **kwargs) -> NormalizingTokenizer:
        return self


@Language.component("signals_lemma_text")
def lemma_text_component(doc: Doc) -> Doc:
    """Write the space-joined lemmas for the word features.

    Reads the lemma hashes as one array instead of creating a Python ``Token`` per word (the
    slowest part of a naive loop). Placeholders (``xmoneyx``) have no lemma and stay as they are.
    """
    strings = doc.vocab.strings
    lemmas = doc.to_array("LEMMA")
    orths = doc.to_array("ORTH")
    words = []
    for lemma, orth in zip(lemmas.tolist(), orths.tolist()):
        word = strings[lemma or orth]
        if not word.isspace():
            words.append(word)
    doc._.lemma_text = " ".join(words)
    return doc


class LookupLemmatizer:
    """spacy-lookups-data's Dutch lemma table applied to a whole doc at once.

    Same lemmas as spaCy's ``lemmatizer`` in ``lookup`` mode (the lowercased form looked up in
    ``lemma_lookup``, else the form itself; our text is already lowercase), but written with one
    ``Doc.from_array`` call instead of a Python ``Token`` per word, the slowest step of the pipeline.
    """

    def __init__(self, nlp: Language) -> None:
        from spacy.lookups import load_lookups

        table = load_lookups("nl", ["lemma_lookup"]).get_table("lemma_lookup")
        strings = nlp.vocab.strings
        # the table is keyed by string hash already (the same hash as the StringStore uses)
        self._lemma_of = {form_hash: strings.add(lemma) for form_hash, lemma in table.items()}

    def __call__(self, doc: Doc) -> Doc:
        if len(doc):
            orths = doc.to_array("ORTH")
            lemma_of = self._lemma_of
            lemmas = numpy.array([lemma_of.get(o, o) for o in orths.tolist()], dtype="uint64")
            doc.from_array(["LEMMA"], lemmas.reshape(-1, 1))
        return doc


@Language.factory("signals_lookup_lemmatizer")
def make_lookup_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    return LookupLemmatizer(nlp)


@lru_cache(maxsize=1)
def build_nlp() -> Language:
    """spacy.blank("nl") + normalising tokenizer + lookup lemmatizer + lemma-text component."""
    nlp = spacy.blank("nl")
    nlp.tokenizer = NormalizingTokenizer(nlp.tokenizer, Normalizer())
    nlp.add_pipe("signals_lookup_lemmatizer")
    nlp.add_pipe("signals_lemma_text")
    nlp.initialize()
    return nlp


# One pipeline per process (build_nlp is cached), so one lock: spaCy does not promise thread safety.
_NLP_LOCK = threading.RLock()


class Preprocessor:
    """Runs spaCy once per batch with ``nlp.pipe``; the only entry point into spaCy."""

    def __init__(self, batch_size: int = 512) -> None:
        self.nlp = build_nlp()
        self.batch_size = batch_size

    @contextmanager
    def batch(self, texts: Iterable[str]) -> Iterator[list[Doc]]:
        """Docs for a batch, valid only inside the ``with`` block.

        The batch runs in spaCy's memory zone, so the strings of a batch are freed with it: the
        vocabulary does not grow with every new word a service sees (memory, and no message text
        lingers in the process).
        """
        with _NLP_LOCK, self.nlp.memory_zone():
            yield list(self.nlp.pipe(texts, batch_size=self.batch_size))

    def pipe(self, texts: Iterable[str]) -> list[Doc]:
        """Docs that outlive the call (tests, exploration); services use ``batch``."""
        with _NLP_LOCK:
            return list(self.nlp.pipe(texts, batch_size=self.batch_size))

    def tokenize_only(self, texts: Iterable[str]) -> list[Doc]:
        """The plain spaCy tokenizer, no normalisation: the speed floor the benchmarks compare to."""
        return list(self.nlp.tokenizer.tokenizer.pipe(texts, batch_size=self.batch_size))


def normalized_of(doc: Doc) -> NormalizedText:
    return doc._.normalized
