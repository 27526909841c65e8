"""Hard-negative mining: the pool texts a first model scores highest, whether the pool is read in one
chunk or in many (``MINING_CHUNK``), returned as feature rows."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
import training.train as train_mod
from scipy import sparse

WORDS = ("foto", "geld", "snap", "geheim", "hond", "kat", "voetbal", "pizza")


class Words:
    """Stands in for the analyser and the feature space: a text's features are its word counts."""

    def analyze(self, texts):
        return list(texts)

    def matrix(self, texts):
        return sparse.csr_matrix([[text.split().count(word) for word in WORDS] for text in texts], dtype=float)


TRAIN = [("stuur een foto of geld", 1), ("foto op snap, geheim", 1), ("geld en een foto", 1), ("snap geheim foto", 1),
         ("de hond en de kat", 0), ("voetbal en pizza", 0), ("pizza met de hond", 0), ("kat op het voetbalveld", 0)]
POOL = ["pizza na het voetbal", "die foto van de hond", "geheim geld foto snap", "de kat slaapt",
        "geld voor pizza", "foto foto snap", "hond hond kat", "snap"]


@pytest.mark.parametrize("chunk", [1, 3, 4096])
def test_mining_picks_the_pool_texts_a_first_model_scores_highest_in_any_chunk_size(monkeypatch, chunk):
    monkeypatch.setattr(train_mod, "MINING_CHUNK", chunk)
    words = Words()
    X = words.matrix([text for text, _ in TRAIN])
    y = np.array([label for _, label in TRAIN])
    Y = np.repeat(y[:, None], 3, axis=1)
    W = np.ones(Y.shape)
    config = SimpleNamespace(C=1.0, class_weight="balanced", workers=1)
    picked = train_mod.mine_hard_negatives(config, X, Y, W, POOL, words, words, top=2)
    assert picked.shape == (2, len(WORDS))
    assert {tuple(row) for row in picked.toarray()} == {tuple(row) for row in words.matrix(
        ["geheim geld foto snap", "foto foto snap"]).toarray()}


def test_no_pool_or_no_top_mines_nothing():
    words = Words()
    X = words.matrix(["foto"])
    config = SimpleNamespace(C=1.0, class_weight="balanced", workers=1)
    assert train_mod.mine_hard_negatives(config, X, np.ones((1, 3)), np.ones((1, 3)), [], words, words, 5).shape == (0, len(WORDS))
    assert train_mod.mine_hard_negatives(config, X, np.ones((1, 3)), np.ones((1, 3)), POOL, words, words, 0).shape == (0, len(WORDS))
