"""Dutch preprocessing: normalise chat text (keeping offsets into the original) and run spaCy once per batch."""

from signals.nlp.normalizer import NormalizedText, Normalizer

__all__ = ["NormalizedText", "Normalizer"]
