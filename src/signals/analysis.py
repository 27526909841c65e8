"""Texts → spaCy docs → tactic and cue spans → what the model reads. Shared by training and scoring.

Every text of a batch (messages and their context turns alike) goes through ``nlp.pipe`` once; the
docs never leave the batch (they live in spaCy's memory zone), only plain arrays do.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from signals.detectors import DetectorRegistry
from signals.nlp.pipeline import Preprocessor, lemma_hashes
from signals.results import Span

CONTEXT_WINDOW = 10  # previous turns that count as context


@dataclass
class Analysis:
    """What the model and the explanations need from a batch of texts."""

    texts: list[str]           # normalised text (character n-grams)
    lemmas: list[np.ndarray]   # lemma hashes per token (word n-grams)
    spans: list[list[Span]]    # tactic hits, offsets into the original text
    tactics: np.ndarray        # (n, tactics): strongest hit per tactic
    cues: np.ndarray           # (n, cues): strongest hit per mention cue

    def __len__(self) -> int:
        return len(self.texts)

    def rows(self, index: Sequence[int] | np.ndarray | slice) -> Analysis:
        """The analysis of a subset of the texts, in the given order."""
        if isinstance(index, slice):
            return Analysis(self.texts[index], self.lemmas[index], self.spans[index],
                            self.tactics[index], self.cues[index])
        index = np.asarray(index, dtype=np.int64)
        pick = index.tolist()
        return Analysis([self.texts[i] for i in pick], [self.lemmas[i] for i in pick],
                        [self.spans[i] for i in pick], self.tactics[index], self.cues[index])

    @staticmethod
    def concat(parts: Sequence[Analysis], n_tactics: int, n_cues: int) -> Analysis:
        if not parts:
            return Analysis([], [], [], np.zeros((0, n_tactics), np.float32), np.zeros((0, n_cues), np.float32))
        return Analysis([t for p in parts for t in p.texts], [x for p in parts for x in p.lemmas],
                        [s for p in parts for s in p.spans], np.vstack([p.tactics for p in parts]),
                        np.vstack([p.cues for p in parts]))


def strongest(spans: Sequence[Span], index: dict[str, int], width: int) -> np.ndarray:
    """Strongest score per label (0 where a label has no hit)."""
    vector = np.zeros(width, dtype=np.float32)
    for span in spans:
        i = index.get(span.label)
        if i is not None and span.score > vector[i]:
            vector[i] = span.score
    return vector


def context_vectors(tactics: np.ndarray, window: int = CONTEXT_WINDOW) -> np.ndarray:
    """For turns in order: the strongest tactic scores over the ``window`` turns before each."""
    out = np.zeros_like(tactics)
    for i in range(1, len(tactics)):
        out[i] = tactics[max(0, i - window):i].max(axis=0)
    return out


class Analyzer:
    """Runs the preprocessor and the detectors of one model."""

    def __init__(self, registry: DetectorRegistry, preprocessor: Preprocessor | None = None) -> None:
        self.registry = registry
        self.preprocessor = preprocessor or Preprocessor()
        self.tactics = registry.tactics
        self.cue_names = registry.cue_names
        self._tactic_index = {t: i for i, t in enumerate(self.tactics)}
        self._cue_index = {c: i for i, c in enumerate(self.cue_names)}

    def _analyze_batch(self, texts: Sequence[str]) -> Analysis:
        n_tactics, n_cues = len(self.tactics), len(self.cue_names)
        tactics = np.zeros((len(texts), n_tactics), np.float32)
        cues = np.zeros((len(texts), n_cues), np.float32)
        spans, normalized, lemmas = [], [], []
        with self.preprocessor.batch(texts) as docs:
            for i, doc in enumerate(docs):
                tactic_spans, cue_spans = self.registry.detect_doc(doc)
                spans.append(tactic_spans)
                if tactic_spans:
                    tactics[i] = strongest(tactic_spans, self._tactic_index, n_tactics)
                if cue_spans:
                    cues[i] = strongest(cue_spans, self._cue_index, n_cues)
                normalized.append(doc._.normalized.text)  # not doc.text: that re-joins every token
                lemmas.append(lemma_hashes(doc))
        return Analysis(normalized, lemmas, spans, tactics, cues)

    def analyze(self, texts: Sequence[str]) -> Analysis:
        """One ``nlp.pipe`` pass per batch of ``batch_size`` texts, then the detectors."""
        size = self.preprocessor.batch_size
        texts = list(texts)
        if len(texts) <= size:
            return self._analyze_batch(texts)
        return Analysis.concat([self._analyze_batch(texts[i:i + size]) for i in range(0, len(texts), size)],
                               len(self.tactics), len(self.cue_names))

    def messages_with_context(self, texts: Sequence[str], contexts: Sequence[Sequence[str]] | None
                              ) -> tuple[Analysis, np.ndarray]:
        """Analyse messages and their context turns in one batch; context turns only add features:
        (the messages' analysis, their context tactic vectors)."""
        if not contexts or not any(contexts):
            analysis = self.analyze(texts)
            return analysis, np.zeros_like(analysis.tactics)
        flat_context = [turn for ctx in contexts for turn in ctx[-CONTEXT_WINDOW:]]
        combined = self.analyze(list(texts) + flat_context)
        n = len(texts)
        messages = combined.rows(slice(0, n))
        context_tactics = np.zeros_like(messages.tactics)
        cursor = n
        for i, ctx in enumerate(contexts):
            k = len(ctx[-CONTEXT_WINDOW:])
            if k:
                context_tactics[i] = combined.tactics[cursor:cursor + k].max(axis=0)
            cursor += k
        return messages, context_tactics
