"""Tactic spans as highlighted segments of the original text (offsets are character offsets into
it, as the scoring service gives them). Overlapping spans split the text at every boundary, so each
segment knows every tactic that covers it; the template escapes each segment."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import pairwise
from typing import Any


@dataclass(frozen=True)
class Segment:
    text: str
    tactics: tuple[str, ...] = ()


def segments(text: str, spans: Iterable[Mapping[str, Any]]) -> list[Segment]:
    clean = [(max(0, int(s["start"])), min(len(text), int(s["end"])), str(s["tactic"])) for s in spans]
    clean = [(start, end, tactic) for start, end, tactic in clean if start < end]
    cuts = sorted({0, len(text), *(start for start, _, _ in clean), *(end for _, end, _ in clean)})
    out: list[Segment] = []
    for lo, hi in pairwise(cuts):
        covering = tuple(sorted({tactic for start, end, tactic in clean if start <= lo and hi <= end}))
        out.append(Segment(text[lo:hi], covering))
    return out
