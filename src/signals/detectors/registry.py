"""The only list of detectors, and the one multi-pattern prefilter that runs before them.

A model says which detectors it has: its tactic patterns (``patterns.yaml``) and its cue patterns
(``cues.yaml``: wording that marks a text as *about* a tactic rather than using it, such as a
warning to "jullie" or advice to block and report). The packaged files are the defaults for
training a new model; a trained model loads its own copies.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from importlib import resources
from pathlib import Path

import ahocorasick
import yaml
from spacy.tokens import Doc

from signals.detectors.base import Detector
from signals.detectors.pattern import Pattern, PatternDetector
from signals.errors import ConfigError, one_line
from signals.nlp.normalizer import NormalizedText
from signals.results import Span
from signals.taxonomy import TACTICS

PATTERNS_FILE = "patterns.yaml"
CUES_FILE = "cues.yaml"


def packaged_text(name: str) -> str:
    return resources.files("signals.detectors").joinpath(name).read_text(encoding="utf-8")


def parse_patterns(source: str, allowed: Sequence[str] | None = None, what: str = "patterns") -> dict[str, list[Pattern]]:
    """Label → patterns from YAML text; ``allowed`` (e.g. the model's tactics) rejects other labels."""
    try:
        data = yaml.safe_load(source) or {}
    except yaml.YAMLError as exc:
        raise ConfigError(f"{what} file is not valid YAML: {one_line(exc)}") from exc
    if not isinstance(data, dict):
        raise ConfigError(f"{what} file must map labels to lists of patterns")
    unknown = set(data) - set(allowed) if allowed is not None else set()
    if unknown:
        raise ConfigError(f"{what} file names unknown labels: {sorted(unknown)}")
    try:
        return {label: [Pattern(**row) for row in rows] for label, rows in data.items()}
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{what} file has a malformed row: {exc}") from exc


def load_patterns(path: Path | None = None) -> dict[str, list[Pattern]]:
    """Tactic → patterns, from ``patterns.yaml`` (packaged) or a file a team maintains."""
    source = path.read_text(encoding="utf-8") if path else packaged_text(PATTERNS_FILE)
    return parse_patterns(source, TACTICS)


class Prefilter:
    """One Aho-Corasick pass over a text finds every row whose required literals occur in it.

    ``rows_for(text)`` answers, per detector index, the rows worth running (detectors absent from
    the answer have none); rows without a provable literal always run. It never skips a row that
    could match (see ``required_substrings``).
    """

    def __init__(self, detectors: Sequence[PatternDetector]) -> None:
        self.always: dict[int, set[int]] = {}
        literal_rows: dict[str, list[tuple[int, int]]] = {}
        for d, detector in enumerate(detectors):
            for r, pattern in enumerate(detector.patterns):
                if pattern.required is None:
                    self.always.setdefault(d, set()).add(r)
                else:
                    for literal in pattern.required:
                        literal_rows.setdefault(literal, []).append((d, r))
        self.automaton = ahocorasick.Automaton()
        for literal, rows in literal_rows.items():
            self.automaton.add_word(literal, tuple(rows))
        self.empty = not literal_rows
        if not self.empty:
            self.automaton.make_automaton()

    def rows_for(self, text: str) -> dict[int, set[int]]:
        rows = {d: set(r) for d, r in self.always.items()}
        if not self.empty:
            for _, hits in self.automaton.iter(text):
                for d, r in hits:
                    if d in rows:
                        rows[d].add(r)
                    else:
                        rows[d] = {r}
        return rows


class DetectorRegistry:
    """Holds the enabled detectors (tactics, and cues that only feed the model) and runs them."""

    def __init__(self, detectors: list[Detector], cues: list[PatternDetector] | None = None) -> None:
        self.detectors = detectors
        self.cues = cues or []
        self._patterned = [d for d in (*detectors, *self.cues) if isinstance(d, PatternDetector)]
        self._index = [any(d is cue for cue in self.cues) for d in self._patterned]  # True: a cue detector
        self._others = [d for d in detectors if not isinstance(d, PatternDetector)]
        self._prefilter = Prefilter(self._patterned)

    @classmethod
    def from_texts(cls, patterns_text: str, cues_text: str | None, tactics: Sequence[str]) -> DetectorRegistry:
        """A model's detectors, from its own ``patterns.yaml`` and ``cues.yaml`` texts."""
        patterns = parse_patterns(patterns_text, tactics)
        cues = parse_patterns(cues_text, None, "cues") if cues_text else {}
        return cls([PatternDetector(t, patterns[t]) for t in tactics if t in patterns],
                   [PatternDetector(name, rows) for name, rows in cues.items()])

    @classmethod
    def from_config(cls, enabled: list[str] | None = None, patterns_path: Path | None = None) -> DetectorRegistry:
        patterns = load_patterns(patterns_path)
        names = list(TACTICS) if enabled is None else enabled
        missing = [n for n in names if n not in TACTICS]
        if missing:
            raise ConfigError(f"unknown tactics enabled: {missing}")
        return cls([PatternDetector(t, patterns[t]) for t in names if t in patterns])

    @property
    def tactics(self) -> list[str]:
        return [d.tactic for d in self.detectors]

    @property
    def cue_names(self) -> list[str]:
        return [d.tactic for d in self.cues]

    def detect_doc(self, doc: Doc) -> tuple[list[Span], list[Span]]:
        """(tactic spans, cue spans) of one doc, each sorted by start, strongest first."""
        normalized: NormalizedText = doc._.normalized
        rows = self._prefilter.rows_for(normalized.text)
        index = self._index
        tactic_spans: list[Span] = []
        cue_spans: list[Span] = []
        for d, chosen in rows.items():
            detector = self._patterned[d]
            (cue_spans if index[d] else tactic_spans).extend(detector.detect_normalized(normalized, chosen))
        for other in self._others:
            tactic_spans.extend(other.detect(doc))
        if len(tactic_spans) > 1:
            tactic_spans.sort(key=lambda s: (s.start, -s.score))
        if len(cue_spans) > 1:
            cue_spans.sort(key=lambda s: (s.start, -s.score))
        return tactic_spans, cue_spans

    def detect(self, doc: Doc) -> list[Span]:
        return self.detect_doc(doc)[0]

    def detect_batch(self, docs: Iterable[Doc]) -> list[list[Span]]:
        return [self.detect(doc) for doc in docs]
