"""Texts → spaCy docs → tactic spans → the model's feature frame. Shared by training and scoring.

Every text of a batch (messages and their context turns alike) goes through ``nlp.pipe`` once.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from signals.detectors import DetectorRegistry
from signals.model.features import feature_frame, tactic_vector
from signals.nlp.pipeline import Preprocessor
from signals.results import Span
from signals.taxonomy import TACTICS

CONTEXT_WINDOW = 10  # previous turns that count as context


@dataclass
class Analysis:
    """What the model and the explanations need from a batch; spaCy docs never leave the batch."""

    texts: list[str]         # normalised text
    lemma_texts: list[str]   # lemma string for the word features
    spans: list[list[Span]]  # tactic hits, offsets into the original text
    tactics: np.ndarray      # (n, len(TACTICS)): strongest hit per tactic


def context_vectors(tactics: np.ndarray, window: int = CONTEXT_WINDOW) -> np.ndarray:
    """For turns in order: the strongest tactic scores over the ``window`` turns before each."""
    out = np.zeros_like(tactics)
    for i in range(1, len(tactics)):
        out[i] = tactics[max(0, i - window):i].max(axis=0)
    return out


class Analyzer:
    """Runs the preprocessor and the detectors; builds feature frames."""

    def __init__(self, registry: DetectorRegistry, preprocessor: Preprocessor | None = None) -> None:
        self.registry = registry
        self.preprocessor = preprocessor or Preprocessor()

    def analyze(self, texts: Sequence[str]) -> Analysis:
        """One ``nlp.pipe`` pass and the detectors, inside spaCy's memory zone (see ``Preprocessor``)."""
        with self.preprocessor.batch(texts) as docs:
            spans = self.registry.detect_batch(docs)
            normalized = [doc.text for doc in docs]
            lemma_texts = [doc._.lemma_text for doc in docs]
        tactics = np.vstack([tactic_vector(s) for s in spans]) if spans else np.zeros((0, len(TACTICS)), np.float32)
        return Analysis(normalized, lemma_texts, spans, tactics)

    def frame(self, analysis: Analysis, contexts: np.ndarray | None = None) -> pd.DataFrame:
        if contexts is None:
            contexts = np.zeros_like(analysis.tactics)
        return feature_frame(analysis.texts, analysis.lemma_texts, analysis.tactics, contexts)

    def messages_with_context(self, texts: Sequence[str], contexts: Sequence[Sequence[str]] | None
                              ) -> tuple[Analysis, pd.DataFrame]:
        """Analyse messages and their context turns in one batch; context turns only add features."""
        contexts = contexts or [()] * len(texts)
        flat_context = [turn for ctx in contexts for turn in ctx[-CONTEXT_WINDOW:]]
        combined = self.analyze(list(texts) + flat_context)
        n = len(texts)
        messages = Analysis(combined.texts[:n], combined.lemma_texts[:n], combined.spans[:n], combined.tactics[:n])
        context_tactics = np.zeros_like(messages.tactics)
        cursor = n
        for i, ctx in enumerate(contexts):
            k = len(ctx[-CONTEXT_WINDOW:])
            if k:
                context_tactics[i] = combined.tactics[cursor:cursor + k].max(axis=0)
            cursor += k
        return messages, self.frame(messages, context_tactics)
