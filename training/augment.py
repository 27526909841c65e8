"""Noisy copies of hand-written messages: typos, chat abbreviations, evasive spellings.

Real chat is messier than anyone writes on purpose. Each copy keeps its original's labels, kind,
register and source (so folds still never split a writer), and gets a lower weight than the
original. The noise functions are the generator's own (``training.synth.style``).
"""

from __future__ import annotations

import random

from training.synth.style import abbreviate, evasive, typo


def noisy_copy(text: str, rng: random.Random, evasive_p: float = 0.3) -> str:
    if rng.random() < evasive_p:
        text = evasive(text, rng)
    if rng.random() < 0.5:
        text = abbreviate(text, rng)
    for _ in range(rng.choice([1, 1, 2])):
        text = typo(text, rng)
    if rng.random() < 0.5:
        text = text.lower()
    return text


def augment(records: list[dict], seed: int, copies: int = 1) -> list[dict]:
    """``copies`` noisy variants of every record (those identical to their original are dropped)."""
    rng = random.Random(seed)
    out = []
    for record in records:
        for k in range(copies):
            text = noisy_copy(record["text"], rng)
            if text != record["text"]:
                out.append({**record, "id": f"{record.get('id', '')}~aug{k}", "text": text, "augmented": True})
    return out
