"""Character and word n-grams as 64-bit hashes, computed for a whole batch at once with numpy.

sklearn's text vectorisers build every n-gram as a Python string and look it up in a dict, which
was a third of the scoring time. Here a batch of texts becomes one array of code points; the
n-grams of every length are polynomial hashes computed with a few vectorised operations, and a
vocabulary is a sorted array of hashes (``np.searchsorted``). Word n-grams use spaCy's own 64-bit
string hashes of the lemmas, so no string is built at all.

Hashes are stable across processes and platforms (no Python ``hash``), so a vocabulary saved with a
model finds the same n-grams when it is loaded elsewhere.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

_BASE = np.uint64(1_000_003)          # polynomial hash base (odd, > any code point we keep)
_MIX = np.uint64(0x9E3779B97F4A7C15)  # golden-ratio multiplier to spread the bits
_SEPARATOR = 0                        # code point between texts; n-grams never cross it
_FAMILY_SALT = {"char": np.uint64(0x51ED27), "word": np.uint64(0xA5A5A5), "bigram": np.uint64(0x3C3C3C)}


def _finish(hashes: np.ndarray, n: int, family: str) -> np.ndarray:
    """Mix the order and the family into the hash so "ab" (2-gram) and "ab" (word) never collide."""
    with np.errstate(over="ignore"):
        mixed = (hashes ^ (_FAMILY_SALT[family] + np.uint64(n))) * _MIX
        return mixed ^ (mixed >> np.uint64(29))


@dataclass(frozen=True)
class HashedNgrams:
    """(row, hash) pairs: the n-gram occurrences of a batch, in row order."""

    rows: np.ndarray    # int64
    hashes: np.ndarray  # uint64

    def per_row_unique(self) -> np.ndarray:
        """The hashes with duplicates inside a row removed (what document frequencies count), sorted.

        One stable sort by hash: the n-grams of one length come in row order, so inside each run of
        equal hashes the rows come in order too, and a (row, hash) pair is new where the hash or the
        row changes (8x faster than two ``np.unique`` calls on a chunk of 4,096 messages). Should two
        n-grams of different lengths ever share a hash, leaving rows out of order inside a run, the
        two-sort way is taken."""
        if not len(self.hashes):
            return self.hashes
        order = np.argsort(self.hashes, kind="stable")
        hashes, rows = self.hashes[order], self.rows[order]
        new = np.ones(len(hashes), bool)
        np.not_equal(hashes[1:], hashes[:-1], out=new[1:])
        if not np.all(new[1:] | (rows[1:] >= rows[:-1])):
            distinct, ids = np.unique(self.hashes, return_inverse=True)
            keys = np.unique(self.rows * len(distinct) + ids.reshape(-1))
            return np.sort(distinct[keys % len(distinct)])
        new[1:] |= rows[1:] != rows[:-1]
        return hashes[new]


def char_ngrams(texts: Sequence[str], min_n: int, max_n: int) -> HashedNgrams:
    """All character n-grams (``min_n``..``max_n``) of ``" " + text + " "``, across word boundaries.

    The padding makes word starts and ends visible ("␣snap", "ap␣"): the n-grams that sklearn's
    ``char_wb`` analyser sees are all here, next to the ones that span two words ("op s").
    """
    if not texts:
        return HashedNgrams(np.zeros(0, np.int64), np.zeros(0, np.uint64))
    joined = "\x00".join(f" {t} " for t in texts)
    codes = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32).astype(np.uint64)
    is_separator = codes == _SEPARATOR
    text_of = np.cumsum(is_separator)  # row index of every position (separators belong to the next row)
    all_rows, all_hashes = [], []
    rolling = np.zeros(0, np.uint64)
    with np.errstate(over="ignore"):
        for n in range(1, max_n + 1):
            if len(codes) < n:
                break
            rolling = codes.copy() if n == 1 else rolling[:-1] * _BASE + codes[n - 1:]
            if n < min_n:
                continue
            # an n-gram starting at i is valid when no separator lies in [i, i + n)
            crossing = text_of[n - 1:] != text_of[: len(text_of) - n + 1]
            valid = ~(crossing | is_separator[: len(text_of) - n + 1])
            all_rows.append(text_of[: len(text_of) - n + 1][valid])
            all_hashes.append(_finish(rolling[valid], n, "char"))
    return HashedNgrams(np.concatenate(all_rows).astype(np.int64), np.concatenate(all_hashes))


def word_ngrams(words: Sequence[np.ndarray], bigrams: bool = True) -> HashedNgrams:
    """Unigrams and (optionally) bigrams of each row's word hashes (spaCy lemma hashes, uint64)."""
    lengths = np.array([len(w) for w in words], dtype=np.int64)
    if not lengths.sum():
        return HashedNgrams(np.zeros(0, np.int64), np.zeros(0, np.uint64))
    flat = np.concatenate([np.asarray(w, dtype=np.uint64) for w in words])
    rows = np.repeat(np.arange(len(words), dtype=np.int64), lengths)
    parts_rows, parts_hashes = [rows], [_finish(flat, 1, "word")]
    if bigrams and len(flat) > 1:
        same = rows[1:] == rows[:-1]
        with np.errstate(over="ignore"):
            pairs = flat[:-1] * _BASE + (flat[1:] ^ _MIX)
        parts_rows.append(rows[1:][same])
        parts_hashes.append(_finish(pairs[same], 2, "bigram"))
    return HashedNgrams(np.concatenate(parts_rows), np.concatenate(parts_hashes))


@dataclass(frozen=True)
class Vocabulary:
    """Kept n-gram hashes (sorted) and their inverse document frequencies."""

    hashes: np.ndarray  # uint64, sorted, unique
    idf: np.ndarray     # float32, same order

    def __len__(self) -> int:
        return len(self.hashes)

    @classmethod
    def fit(cls, row_hashes: list[np.ndarray], n_rows: int, min_df: int, max_features: int) -> Vocabulary:
        """The ``max_features`` n-grams in most rows (at least ``min_df``), with smoothed idf.

        ``row_hashes``: per chunk of rows, ``HashedNgrams.per_row_unique()`` (so a huge training set
        is hashed chunk by chunk); ``n_rows``: how many rows they came from."""
        flat = np.concatenate(row_hashes) if row_hashes else np.zeros(0, np.uint64)
        if not len(flat):
            return cls(np.zeros(0, np.uint64), np.zeros(0, np.float32))
        values, df = np.unique(flat, return_counts=True)
        eligible = df >= min_df
        values, df = values[eligible], df[eligible]
        if len(values) > max_features:
            top = np.argsort(-df, kind="stable")[:max_features]
            values, df = values[top], df[top]
        order = np.argsort(values)
        idf = np.log((1.0 + n_rows) / (1.0 + df[order])) + 1.0
        return cls(values[order], idf.astype(np.float32))


class HashIndex:
    """An open-addressing hash table from n-gram hash to column: one or two probes per lookup,
    vectorised, instead of a binary search per n-gram (a sorted-array search was 6× slower)."""

    def __init__(self, hashes: np.ndarray, load: float = 0.3) -> None:
        size = 1 << max(10, int(np.ceil(np.log2(max(1, len(hashes)) / load))))
        self._mask = np.uint64(size - 1)
        self._keys = np.zeros(size, np.uint64)
        self._columns = np.full(size, -1, np.int32)
        slots = (hashes & self._mask).astype(np.int64)
        pending = np.arange(len(hashes))
        while len(pending):
            wanted = slots[pending]
            free = self._columns[wanted] == -1
            taken_slots, first = np.unique(wanted[free], return_index=True)
            winners = pending[free][first]
            self._columns[taken_slots] = winners.astype(np.int32)
            self._keys[taken_slots] = hashes[winners]
            placed = np.zeros(len(hashes), bool)
            placed[winners] = True
            pending = pending[~placed[pending]]
            slots[pending] = (slots[pending] + 1) & (size - 1)
        self._size = size

    def lookup(self, queries: np.ndarray) -> np.ndarray:
        """The column of every query hash, -1 where it is not in the vocabulary."""
        out = np.full(len(queries), -1, np.int32)
        slots = (queries & self._mask).astype(np.int64)
        todo = np.arange(len(queries))
        while len(todo):
            slot = slots[todo]
            column = self._columns[slot]
            hit = (column >= 0) & (self._keys[slot] == queries[todo])
            out[todo[hit]] = column[hit]
            todo = todo[(column >= 0) & ~hit]  # occupied by another hash: probe the next slot
            slots[todo] = (slots[todo] + 1) & (self._size - 1)
        return out
