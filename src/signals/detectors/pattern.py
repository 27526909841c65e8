"""Pattern detectors: a tactic plus a table of (name, regex, score) rows, declared as data.

Regexes run on the normalised text (lowercase, folded, evasions undone, chat forms canonical), so
one row covers "snap", "sn4p", "s n a p" and "snapchat". Rows avoid nested unbounded quantifiers so
that matching stays linear on hostile input.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc

from signals.detectors.base import Detector
from signals.detectors.prefilter import required_substrings
from signals.nlp.normalizer import NormalizedText
from signals.results import Explanation, Span


@dataclass(frozen=True, slots=True)
class Pattern:
    name: str
    regex: str
    score: float


class PatternDetector(Detector):
    """All of a tactic's patterns compiled into one alternation; the matching row names the hit."""

    def __init__(self, tactic: str, patterns: list[Pattern]) -> None:
        if not patterns:
            raise ValueError(f"detector for {tactic!r} has no patterns")
        self.tactic = tactic
        self.name = f"pattern:{tactic}"
        self.patterns = {f"p{i}": pattern for i, pattern in enumerate(patterns)}
        self._regex = re.compile(
            "|".join(rf"(?P<{key}>{p.regex})" for key, p in self.patterns.items())
        )
        requirements = [required_substrings(p.regex) for p in patterns]
        # None: some pattern has no provable literal, so the regex always runs
        self.required: tuple[str, ...] | None = (
            None if any(r is None for r in requirements) else tuple(sorted(set().union(*requirements))))

    def detect(self, doc: Doc) -> list[Span]:
        return self.detect_normalized(doc._.normalized)

    def detect_normalized(self, normalized: NormalizedText) -> list[Span]:
        """The same, on a doc's ``NormalizedText`` (the registry fetches it once per doc)."""
        text = normalized.text
        if self.required is not None and not any(map(text.__contains__, self.required)):
            return []
        spans = []
        for match in self._regex.finditer(text):
            if match.end() == match.start():
                continue
            pattern = self.patterns[match.lastgroup]
            start, end = normalized.to_original(match.start(), match.end())
            spans.append(Span(self.tactic, start, end, pattern.score,
                              Explanation(self.name, pattern.name, pattern.score)))
        return spans
