"""The only list of detectors. Configuration says which tactics are on."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml
from spacy.tokens import Doc

from signals.detectors.base import Detector
from signals.detectors.pattern import Pattern, PatternDetector
from signals.errors import ConfigError
from signals.results import Span
from signals.taxonomy import TACTICS


def load_patterns(path: Path | None = None) -> dict[str, list[Pattern]]:
    """Tactic → patterns, from ``patterns.yaml`` (packaged) or a file a team maintains."""
    source = path.read_text(encoding="utf-8") if path else (
        resources.files("signals.detectors").joinpath("patterns.yaml").read_text(encoding="utf-8"))
    data = yaml.safe_load(source) or {}
    unknown = set(data) - set(TACTICS)
    if unknown:
        raise ConfigError(f"patterns file names unknown tactics: {sorted(unknown)}")
    return {tactic: [Pattern(**row) for row in rows] for tactic, rows in data.items()}


class DetectorRegistry:
    """Holds the enabled detectors and runs them all on a batch of docs."""

    def __init__(self, detectors: list[Detector]) -> None:
        self.detectors = detectors

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

    def detect(self, doc: Doc) -> list[Span]:
        normalized = doc._.normalized  # one extension lookup per doc, not one per detector
        spans = [span for detector in self.detectors for span in (
            detector.detect_normalized(normalized) if isinstance(detector, PatternDetector) else detector.detect(doc))]
        spans.sort(key=lambda s: (s.start, -s.score))
        return spans

    def detect_batch(self, docs: list[Doc]) -> list[list[Span]]:
        return [self.detect(doc) for doc in docs]
