"""Noisy copies keep everything but the text, and are reproducible."""

from __future__ import annotations

import pytest
from training.augment import augment

RECORDS = [
    {"id": "a1", "text": "Stuur die foto's naar niemand anders, beloofd?", "labels": [], "kind": "hard_negative",
     "register": "standard", "source": "writer_x"},
    {"id": "a2", "text": "Als je niet betaalt stuur ik alles naar je school", "labels": ["sextortion"],
     "kind": "positive", "register": "standard", "source": "writer_x"},
    {"id": "a3", "text": "Ge zijt echt anders dan de rest, allez kom naar telegram", "labels": ["recruitment"],
     "kind": "positive", "register": "flemish", "source": "writer_y"},
]


def test_copies_keep_labels_register_and_source_but_change_the_text():
    copies = augment(RECORDS, seed=1)
    assert copies, "at least one noisy copy"
    originals = {r["id"]: r for r in RECORDS}
    for copy in copies:
        original = originals[copy["id"].split("~")[0]]
        assert copy["text"] != original["text"]
        assert copy["augmented"] is True
        for key in ("labels", "kind", "register", "source"):
            assert copy[key] == original[key]


@pytest.mark.parametrize("seed", [1, 7])
def test_same_seed_same_copies(seed):
    assert augment(RECORDS, seed) == augment(RECORDS, seed)
