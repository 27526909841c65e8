"""The detector interface: a name, the tactic it finds, and ``detect(doc)`` → spans."""

from __future__ import annotations

from abc import ABC, abstractmethod

from spacy.tokens import Doc

from signals.results import Span


class Detector(ABC):
    """Finds one tactic in a preprocessed ``Doc``; spans are offsets into the original text."""

    name: str
    tactic: str

    @abstractmethod
    def detect(self, doc: Doc) -> list[Span]:
        """Every hit of this detector in ``doc``, in text order."""
