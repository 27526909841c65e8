"""Character and word n-grams hashed with numpy for a whole batch: the same n-grams a string loop
finds, stable hashes, vocabularies and their hash table."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from signals.model.ngrams import HashedNgrams, HashIndex, Vocabulary, char_ngrams, word_ngrams


def reference_char_ngrams(text: str, low: int, high: int) -> list[str]:
    padded = f" {text} "
    return [padded[i:i + n] for n in range(low, high + 1) for i in range(len(padded) - n + 1)]


@pytest.mark.parametrize(("texts", "low", "high"), [
    (["kom op snap", "hoi"], 2, 5),
    (["a", "", "ab"], 1, 3),
    (["één ✨ emoji", "x" * 40], 3, 6),
])
def test_char_ngrams_are_the_ngrams_of_each_padded_text(texts, low, high):
    grams = char_ngrams(texts, low, high)
    for row, text in enumerate(texts):
        expected = reference_char_ngrams(text, low, high)
        assert (grams.rows == row).sum() == len(expected)
    assert grams.rows.max() == len(texts) - 1 or not len(grams.rows)


def test_equal_ngrams_hash_equally_across_texts_and_batches():
    a = char_ngrams(["stuur je snap"], 3, 3)
    b = char_ngrams(["hoi", "wat is je snap eigenlijk"], 3, 3)
    snap = char_ngrams(["snap"], 4, 4)  # " snap " → " sna", "snap", "nap "
    assert set(snap.hashes.tolist()) <= set(a.hashes.tolist()) | set(char_ngrams(["snap"], 4, 4).hashes.tolist())
    assert set(a.hashes[a.rows == 0].tolist()) & set(b.hashes[b.rows == 1].tolist())  # shared "je ", " sn", ...


def test_hashes_are_stable_numbers():
    """No Python hash(): the same text gives the same hashes in every process (saved vocabularies)."""
    grams = char_ngrams(["ab"], 2, 2)
    assert grams.hashes.dtype == np.uint64
    assert sorted(grams.hashes.tolist()) == sorted(char_ngrams(["ab"], 2, 2).hashes.tolist())
    assert len(set(grams.hashes.tolist())) == 3  # " a", "ab", "b "


def test_ngrams_never_cross_texts():
    together = char_ngrams(["ab", "cd"], 2, 5)
    apart = [char_ngrams([t], 2, 5) for t in ("ab", "cd")]
    assert sorted(together.hashes[together.rows == 0].tolist()) == sorted(apart[0].hashes.tolist())
    assert sorted(together.hashes[together.rows == 1].tolist()) == sorted(apart[1].hashes.tolist())


def test_word_ngrams_are_unigrams_and_bigrams_within_a_row():
    words = [np.array([1, 2, 3], np.uint64), np.array([], np.uint64), np.array([3], np.uint64)]
    grams = word_ngrams(words, bigrams=True)
    assert np.bincount(grams.rows, minlength=3).tolist() == [3 + 2, 0, 1]
    assert len(set(word_ngrams(words, bigrams=False).hashes.tolist())) == 3


def distinct_pairs(grams: HashedNgrams) -> list[int]:
    return sorted(h for _, h in set(zip(grams.rows.tolist(), grams.hashes.tolist())))


@pytest.mark.parametrize("texts", [
    ["snap snap snap", "snap", "geld geld", ""],
    ["ben je alleen thuis?", "ja alleen", "alleen alleen alleen thuis"],
    ["ff", "f", "fff ✨✨", "✨"],
])
def test_per_row_unique_counts_each_ngram_once_per_row(texts):
    ids = {w: i for i, w in enumerate(sorted({w for t in texts for w in t.split()}))}  # stable, unlike hash()
    for grams in (char_ngrams(texts, 1, 5), word_ngrams([np.array([ids[w] for w in t.split()], np.uint64)
                                                         for t in texts])):
        assert grams.per_row_unique().tolist() == distinct_pairs(grams)


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 5)), max_size=60))
def test_per_row_unique_holds_when_rows_come_out_of_order(pairs):
    # a hash shared by n-grams of two lengths would bring its rows out of order: the exact way is taken
    grams = HashedNgrams(np.array([r for r, _ in pairs], np.int64), np.array([h for _, h in pairs], np.uint64))
    assert grams.per_row_unique().tolist() == distinct_pairs(grams)


def test_vocabulary_keeps_the_most_frequent_and_weights_rare_ones_higher():
    texts = ["snap snap", "snap", "geld"]
    grams = char_ngrams(texts, 4, 4)
    vocabulary = Vocabulary.fit([grams.per_row_unique()], len(texts), min_df=2, max_features=10)
    kept = set(vocabulary.hashes.tolist())
    assert set(char_ngrams(["snap"], 4, 4).hashes.tolist()) <= kept       # in two rows
    assert not set(char_ngrams(["geld"], 4, 4).hashes.tolist()) & kept    # in one row only
    assert np.all(np.diff(vocabulary.hashes.astype(np.float64)) > 0)      # sorted, unique


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 2**64 - 1), min_size=0, max_size=300, unique=True),
       st.lists(st.integers(0, 2**64 - 1), max_size=300))
def test_hash_index_finds_exactly_the_vocabulary(vocabulary, queries):
    keys = np.array(sorted(vocabulary), dtype=np.uint64)
    index = HashIndex(keys)
    probe = np.array(queries + vocabulary[:50], dtype=np.uint64)
    found = index.lookup(probe)
    position = {k: i for i, k in enumerate(keys.tolist())}
    assert found.tolist() == [position.get(q, -1) for q in probe.tolist()]
