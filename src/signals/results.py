"""The one result shape: a label over a character span of the original text, with a score and why."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass(frozen=True, slots=True)
class Explanation:
    """Which detector fired, on which pattern, with which base score."""

    detector: str
    pattern: str
    score: float


@dataclass(frozen=True, slots=True)
class Span:
    """A category or tactic over ``original[start:end]`` (character offsets), with a score."""

    label: str
    start: int
    end: int
    score: float
    explanation: Explanation | None = field(default=None, compare=False)

    def as_tactic(self) -> dict:
        """The wire form used by the CLI and API: ``{"tactic", "start", "end", "score"}``."""
        return {"tactic": self.label, "start": self.start, "end": self.end, "score": round(self.score, 4)}

    def as_dict(self) -> dict:
        return asdict(self)
