"""Text whose every character knows which span of the original text it came from.

Each normalisation stage rewrites the text with a list of edits; the character map is rewritten
with it, so a match in normalised text maps back to exact character offsets in the original.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

Edit = tuple[int, int, str]  # replace text[start:end] by the string


@dataclass(frozen=True, slots=True)
class MappedText:
    """``text`` plus, per character, the ``[start, end)`` span of the original it stands for."""

    text: str
    starts: tuple[int, ...]
    ends: tuple[int, ...]

    @classmethod
    def identity(cls, text: str) -> MappedText:
        n = len(text)
        return cls(text, tuple(range(n)), tuple(range(1, n + 1)))

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """Map a ``[start, end)`` span of ``text`` to the span of the original it covers."""
        if not self.text or end <= start:
            anchor = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
            return anchor, anchor
        return self.starts[start], self.ends[end - 1]

    def apply(self, edits: Iterable[Edit]) -> MappedText:
        """Apply sorted, non-overlapping edits; replaced characters inherit the span they replace."""
        edits = list(edits)
        if not edits:
            return self
        pieces: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        cursor = 0
        for start, end, replacement in edits:
            if start < cursor:
                raise ValueError("edits overlap or are not sorted")
            pieces.append(self.text[cursor:start])
            starts.extend(self.starts[cursor:start])
            ends.extend(self.ends[cursor:start])
            if end > start:
                span_start, span_end = self.starts[start], self.ends[end - 1]
            else:  # pure insertion: anchor on the neighbouring character
                anchor = self.starts[start] if start < len(self.starts) else (self.ends[-1] if self.ends else 0)
                span_start = span_end = anchor
            pieces.append(replacement)
            starts.extend([span_start] * len(replacement))
            ends.extend([span_end] * len(replacement))
            cursor = end
        pieces.append(self.text[cursor:])
        starts.extend(self.starts[cursor:])
        ends.extend(self.ends[cursor:])
        return MappedText("".join(pieces), tuple(starts), tuple(ends))
