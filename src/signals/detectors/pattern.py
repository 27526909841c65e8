"""Pattern detectors: a label (tactic or cue) plus a table of (name, regex, score) rows, declared as data.

Regexes run on the normalised text (lowercase, folded, evasions undone, chat forms canonical), so
one row covers "snap", "sn4p", "s n a p" and "snapchat". A row that nests a variable repeat inside an
unbounded one is refused (``prefilter.nested_repeat``), in the packaged files and in a model's, so
that matching stays fast on hostile input.

Each row is compiled on its own and carries the literal substrings every match of it must contain
(``prefilter.required_substrings``); the registry looks for all rows' literals in one pass over the
text and only runs the rows whose literals are there.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field

from spacy.tokens import Doc

from signals.detectors.base import Detector
from signals.detectors.prefilter import nested_repeat, required_substrings
from signals.nlp.normalizer import NormalizedText
from signals.results import Explanation, Span


@dataclass(frozen=True)
class Pattern:
    name: str
    regex: str
    score: float
    compiled: re.Pattern = field(init=False, repr=False, compare=False)
    required: frozenset[str] | None = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        nested = nested_repeat(self.regex)
        if nested:
            raise ValueError(f"row {self.name!r}: {nested} (it could backtrack for minutes on one message)")
        object.__setattr__(self, "compiled", re.compile(self.regex))
        object.__setattr__(self, "required", required_substrings(self.regex))


class PatternDetector(Detector):
    """Every row of one label; where two rows match overlapping text, the leftmost wins, and at the same
    start the row listed first (the order of a regex alternation of all rows)."""

    def __init__(self, tactic: str, patterns: list[Pattern]) -> None:
        if not patterns:
            raise ValueError(f"detector for {tactic!r} has no patterns")
        self.tactic = tactic
        self.name = f"pattern:{tactic}"
        self.patterns = list(patterns)

    def detect(self, doc: Doc) -> list[Span]:
        return self.detect_normalized(doc._.normalized)

    def detect_normalized(self, normalized: NormalizedText, rows: Collection[int] | None = None) -> list[Span]:
        """Hits in ``normalized`` (offsets into the original). ``rows``: indices of the patterns
        worth running (the prefilter's answer); None runs them all."""
        text = normalized.text
        found: list[tuple[int, int, int, Pattern]] = []
        for index, pattern in enumerate(self.patterns):
            if rows is not None and index not in rows:
                continue
            for match in pattern.compiled.finditer(text):
                if match.end() > match.start():
                    found.append((match.start(), index, match.end(), pattern))
        if not found:
            return []
        found.sort(key=lambda hit: (hit[0], hit[1]))
        spans, cursor = [], -1
        for start, _, end, pattern in found:
            if start < cursor:  # overlaps a hit already kept
                continue
            cursor = end
            original_start, original_end = normalized.to_original(start, end)
            spans.append(Span(self.tactic, original_start, original_end, pattern.score,
                              Explanation(self.name, pattern.name, pattern.score)))
        return spans
