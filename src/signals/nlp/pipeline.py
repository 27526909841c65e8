"""The one place that builds and runs spaCy.

``spacy.blank("nl")`` with our own normalising tokenizer (text is normalised before it is
tokenised, and every ``Doc`` keeps the original text and the character map) and the lookup
lemmatizer on spacy-lookups-data's Dutch table. Everything downstream gets ``Doc`` objects from
``Preprocessor.batch`` and never loads a pipeline.

spaCy does not promise that one pipeline may be used from several threads at once (its memory zones
certainly may not), so every thread gets its own pipeline, built on first use from the same
language resources: no lock is held around the work, and threads never wait for each other here.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import numpy as np
import spacy
from spacy.language import Language
from spacy.tokenizer import Tokenizer
from spacy.tokens import Doc

from signals.nlp.normalizer import NormalizedText, Normalizer
from signals.nlp.resources import LanguageResources, lemma_table

if not Doc.has_extension("normalized"):
    Doc.set_extension("normalized", default=None)


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


@lru_cache(maxsize=1)
def _lemma_arrays() -> tuple[np.ndarray, np.ndarray]:
    """The lemma table as (sorted form hashes, lemma hashes in the same order): spaCy's own 64-bit
    string hashes, so no lemma string is added to a pipeline's string store (the features read the
    hashes; ``lemma_string`` turns one back into text)."""
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    table = lemma_table()
    keys = np.fromiter((hash_string(form) for form in table), dtype=np.uint64, count=len(table))
    lemmas = np.fromiter((hash_string(lemma) for lemma in table.values()), dtype=np.uint64, count=len(table))
    order = np.argsort(keys)
    return keys[order], lemmas[order]


@lru_cache(maxsize=1)
def _lemma_strings() -> dict[int, str]:
    from spacy.strings import hash_string  # type: ignore[attr-defined]

    return {hash_string(lemma): lemma for lemma in set(lemma_table().values())}


def lemma_string(doc: Doc, value: int) -> str:
    """The text of a lemma hash of ``doc`` (a form of the doc itself, or a lemma from the table)."""
    strings = doc.vocab.strings
    return strings[value] if value in strings else _lemma_strings()[value]  # type: ignore[operator]


class LookupLemmatizer:
    """spacy-lookups-data's Dutch lemma table applied to a whole batch at once.

    Same lemmas as spaCy's ``lemmatizer`` in ``lookup`` mode (the form looked up in ``lemma_lookup``,
    else the form itself; our text is already lowercase), but looked up for every token of a batch in
    one sorted-array search and written with one ``Doc.from_array`` call per doc, instead of a Python
    ``Token`` per word (the slowest step of a naive pipeline).
    """

    def __init__(self, nlp: Language) -> None:
        self._keys, self._lemmas = _lemma_arrays()

    def lookup(self, orths: np.ndarray) -> np.ndarray:
        if not len(orths) or not len(self._keys):
            return orths
        position = np.minimum(np.searchsorted(self._keys, orths), len(self._keys) - 1)
        found = self._keys[position] == orths
        return np.where(found, self._lemmas[position], orths)

    def __call__(self, doc: Doc) -> Doc:
        return next(self.pipe([doc]))

    def pipe(self, docs: Iterable[Doc], batch_size: int = 256) -> Iterator[Doc]:
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._batch(batch)
                batch = []
        if batch:
            yield from self._batch(batch)

    def _batch(self, docs: list[Doc]) -> Iterator[Doc]:
        orths = [doc.to_array("ORTH") for doc in docs]
        lemmas = self.lookup(np.concatenate(orths)) if orths else np.zeros(0, np.uint64)
        cursor = 0
        for doc, orth in zip(docs, orths):
            n = len(orth)
            if n:
                doc.from_array(["LEMMA"], lemmas[cursor:cursor + n].reshape(-1, 1))  # type: ignore[arg-type]
            cursor += n
            yield doc


@Language.factory("signals_lookup_lemmatizer")
def make_lookup_lemmatizer(nlp: Language, name: str) -> LookupLemmatizer:
    return LookupLemmatizer(nlp)


def build_nlp(resources: LanguageResources | None = None, warmup: Sequence[str] = ()) -> Language:
    """spacy.blank("nl") + normalising tokenizer (with ``resources``) + lookup lemmatizer.

    ``warmup``: frequent chunks of normalised text (a model keeps its own list). They are tokenised
    once, outside any memory zone, so spaCy's tokenizer cache answers them from then on; inside a
    memory zone the tokenizer caches nothing, and without this every word was split afresh."""
    nlp = spacy.blank("nl")
    tokenizer: Tokenizer = nlp.tokenizer  # type: ignore[assignment]
    if warmup:
        tokenizer.max_cache_size = max(tokenizer.max_cache_size, 2 * len(warmup))
        for start in range(0, len(warmup), 5000):
            tokenizer(" ".join(warmup[start:start + 5000]))
    nlp.tokenizer = NormalizingTokenizer(tokenizer, Normalizer(resources))
    nlp.add_pipe("signals_lookup_lemmatizer")
    nlp.initialize()
    return nlp


def lemma_hashes(doc: Doc) -> np.ndarray:
    """The lemma of every token as its string hash (uint64): what the word features read."""
    return doc.to_array("LEMMA")


class Preprocessor:
    """Runs spaCy once per batch with ``nlp.pipe``; the only entry point into spaCy."""

    def __init__(self, batch_size: int = 512, resources: LanguageResources | None = None,
                 warmup: Sequence[str] = ()) -> None:
        self.batch_size = batch_size
        self.resources = resources or LanguageResources.default()
        self.warmup = list(warmup)
        self._local = threading.local()
        self._built: weakref.WeakSet[Language] = weakref.WeakSet()  # a finished thread's pipeline is still freed
        self._handed: dict[int, Language] = {}  # built for another thread, taken by it on first use
        self._built_lock = threading.Lock()

    @property
    def nlp(self) -> Language:
        """This thread's pipeline (built on first use, or the one built for it by ``build_for``)."""
        nlp = getattr(self._local, "nlp", None)
        if nlp is None:
            with self._built_lock:
                handed = self._handed.pop(threading.get_ident(), None)
            nlp = self._local.nlp = handed if handed is not None else self._build()
        return nlp

    def _build(self) -> Language:
        nlp = build_nlp(self.resources, self.warmup)
        with self._built_lock:
            self._built.add(nlp)
        return nlp

    def build_for(self, thread_id: int) -> None:
        """Prepare, here, the pipeline that thread ``thread_id`` takes on its first batch (a server
        prepares its event loop's pipeline on a worker thread: building takes a second, and the loop
        must not stop). This thread's own pipeline is given away when it has one (the thread that
        warmed the model up needs it no more, and builds another if it ever scores again); else a
        new one is built. A pipeline is only ever used by one thread: handed over, never shared."""
        with self._built_lock:
            if thread_id in self._handed:
                return
        nlp = getattr(self._local, "nlp", None)
        if nlp is not None:
            self._local.nlp = None
        else:
            nlp = self._build()
        with self._built_lock:
            self._handed.setdefault(thread_id, nlp)

    def release(self, thread_id: int) -> None:
        """Forget a pipeline built for ``thread_id`` that it never took."""
        with self._built_lock:
            self._handed.pop(thread_id, None)

    def ready_here(self) -> bool:
        """Whether this thread can run a batch without building a pipeline first."""
        if getattr(self._local, "nlp", None) is not None:
            return True
        with self._built_lock:
            return threading.get_ident() in self._handed

    def pipelines(self) -> list[Language]:
        """The pipelines of the threads still alive (what the privacy checks inspect)."""
        with self._built_lock:
            return list(self._built)

    @property
    def normalizer(self) -> Normalizer:
        return self._tokenizer.normalizer

    @property
    def _tokenizer(self) -> NormalizingTokenizer:
        return self.nlp.tokenizer  # type: ignore[return-value]

    @contextmanager
    def batch(self, texts: Iterable[str]) -> Iterator[list[Doc]]:
        """Docs for a batch, valid only inside the ``with`` block.

        The batch runs in spaCy's memory zone, so the strings of a batch are freed with it: the
        vocabulary does not grow with every new word a service sees (memory, and no message text
        lingers in the process).
        """
        nlp = self.nlp
        with nlp.memory_zone():
            yield list(nlp.pipe(texts, batch_size=self.batch_size))

    def pipe(self, texts: Iterable[str]) -> list[Doc]:
        """Docs that outlive the call (tests, exploration); services use ``batch``."""
        return list(self.nlp.pipe(texts, batch_size=self.batch_size))

    def tokenize_only(self, texts: Iterable[str]) -> list[Doc]:
        """The plain spaCy tokenizer, no normalisation: the speed floor the benchmarks compare to."""
        return list(self._tokenizer.tokenizer.pipe(texts, batch_size=self.batch_size))


def normalized_of(doc: Doc) -> NormalizedText:
    return doc._.normalized
