"""From an ``Analysis`` to the model's features: one column space, sparse n-grams then dense evidence.

Columns, in order:
- character n-grams of the normalised text (``ngrams.char_ngrams``, a learned vocabulary, tf-idf);
- word unigrams and bigrams of the lemmas (spaCy lemma hashes, a learned vocabulary, tf-idf);
- dense evidence: tactic scores, their pairwise products, how many tactics fired; the context's
  tactic scores and breadth, and context × message; mention cues, cues × tactic strength and
  "any cue" × each tactic (a tactic inside a warning or advice text is mentioned, not used).

A row's value for an n-gram is ``(1 + log count) × idf``, and each row's character and word parts
are scaled to unit length, so repeating a line does not make it weigh more. Scoring sums
``weight × value`` over the (row, column) pairs with ``np.bincount``: no sparse matrix is built on the
scoring path. Training builds the same values as a CSR matrix, so training and scoring see
identical features.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

import numpy as np

from signals.analysis import Analysis
from signals.model.ngrams import HashedNgrams, HashIndex, Vocabulary, char_ngrams, word_ngrams

CHUNK = 4096  # rows hashed at a time while fitting (bounds memory on big training sets)


@dataclass(frozen=True)
class FeatureParams:
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = 3
    char_max_features: int = 150_000
    word_bigrams: bool = True
    word_min_df: int = 2
    word_max_features: int = 80_000
    cue_tactic_interactions: bool = False  # "any cue" × each tactic (models trained before it lack these columns)


@dataclass
class Occurrences:
    """Sparse n-gram part of a batch: every occurrence as (row, column, value)."""

    rows: np.ndarray
    columns: np.ndarray
    values: np.ndarray
    n_rows: int


def dense_evidence(tactics: np.ndarray, context: np.ndarray, cues: np.ndarray, cue_tactics: bool = True) -> np.ndarray:
    """The dense block: tactic interactions, context, and mention cues against tactic strength."""
    tactics = np.asarray(tactics, np.float32)
    context = np.asarray(context, np.float32)
    cues = np.asarray(cues, np.float32)
    n_tactics = tactics.shape[1]
    pairs = list(combinations(range(n_tactics), 2))
    left = [i for i, _ in pairs]
    right = [j for _, j in pairs]
    breadth = (tactics > 0).sum(axis=1, keepdims=True).astype(np.float32) / max(1, n_tactics)
    strength = tactics.max(axis=1, keepdims=True) if n_tactics else np.zeros((len(tactics), 1), np.float32)
    context_breadth = (context > 0).sum(axis=1, keepdims=True).astype(np.float32) / max(1, n_tactics)
    any_cue = cues.max(axis=1, keepdims=True) if cues.shape[1] else np.zeros((len(tactics), 1), np.float32)
    blocks = [tactics, tactics[:, left] * tactics[:, right], breadth,
              context, context_breadth, context_breadth * strength, context * strength,
              cues, cues * strength, any_cue * breadth]
    if cue_tactics:
        blocks.append(any_cue * tactics)
    return np.hstack(blocks).astype(np.float32)


def dense_width(n_tactics: int, n_cues: int, cue_tactics: bool = True) -> int:
    return (2 + cue_tactics) * n_tactics + n_tactics * (n_tactics - 1) // 2 + 1 + n_tactics + 2 + 2 * n_cues + 1


def _occurrence_values(grams: HashedNgrams, index: HashIndex, idf: np.ndarray, n_rows: int,
                       offset: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (row, vocabulary n-gram) once, as sublinear tf × idf, each row L2-normalised.

    Counting repeats before normalising keeps a row's vector at length one whatever it repeats:
    weighting each occurrence by idf over the root of the summed squares let a repeated n-gram of
    count c weigh √c, so "xd xd xd …" (200 times) or a line of "€€€" scored near 1.0."""
    columns = index.lookup(grams.hashes)
    known = columns >= 0
    width = len(idf)
    keys, counts = np.unique(grams.rows[known] * width + columns[known], return_counts=True)
    rows, columns = keys // width, keys % width
    values = (1.0 + np.log(counts)).astype(np.float32) * idf[columns]
    norms = np.sqrt(np.bincount(rows, weights=values * values, minlength=n_rows)).astype(np.float32)
    return rows, columns + offset, values / norms[rows]


@dataclass
class FeatureSpace:
    """Learned vocabularies and the layout of the column space."""

    params: FeatureParams
    chars: Vocabulary
    words: Vocabulary
    n_tactics: int
    n_cues: int
    _char_index: HashIndex = field(init=False, repr=False)
    _word_index: HashIndex = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._char_index = HashIndex(self.chars.hashes)
        self._word_index = HashIndex(self.words.hashes)

    @property
    def n_sparse(self) -> int:
        return len(self.chars) + len(self.words)

    @property
    def n_features(self) -> int:
        return self.n_sparse + dense_width(self.n_tactics, self.n_cues, self.params.cue_tactic_interactions)

    @classmethod
    def fit(cls, analysis: Analysis, params: FeatureParams, rows: np.ndarray | None = None) -> FeatureSpace:
        """Vocabularies from ``analysis`` (only ``rows``, e.g. without noisy copies, when given)."""
        subset = analysis if rows is None else analysis.rows(np.flatnonzero(rows))
        low, high = params.char_ngrams
        char_parts, word_parts = [], []
        for start in range(0, len(subset), CHUNK):
            chunk = subset.rows(slice(start, start + CHUNK))
            char_parts.append(char_ngrams(chunk.texts, low, high).per_row_unique())
            word_parts.append(word_ngrams(chunk.lemmas, params.word_bigrams).per_row_unique())
        chars = Vocabulary.fit(char_parts, len(subset), params.char_min_df, params.char_max_features)
        words = Vocabulary.fit(word_parts, len(subset), params.word_min_df, params.word_max_features)
        return cls(params, chars, words, analysis.tactics.shape[1], analysis.cues.shape[1])

    def occurrences(self, analysis: Analysis) -> Occurrences:
        n = len(analysis)
        low, high = self.params.char_ngrams
        c_rows, c_cols, c_vals = _occurrence_values(char_ngrams(analysis.texts, low, high), self._char_index,
                                                    self.chars.idf, n, 0)
        w_rows, w_cols, w_vals = _occurrence_values(word_ngrams(analysis.lemmas, self.params.word_bigrams),
                                                    self._word_index, self.words.idf, n, len(self.chars))
        return Occurrences(np.concatenate([c_rows, w_rows]), np.concatenate([c_cols, w_cols]),
                           np.concatenate([c_vals, w_vals]), n)

    def dense(self, analysis: Analysis, context: np.ndarray | None = None) -> np.ndarray:
        context = np.zeros_like(analysis.tactics) if context is None else context
        return dense_evidence(analysis.tactics, context, analysis.cues, self.params.cue_tactic_interactions)

    def matrix(self, analysis: Analysis, context: np.ndarray | None = None):
        """The full feature matrix (training and evaluation), built chunk by chunk (scipy CSR)."""
        from scipy import sparse

        blocks = []
        for start in range(0, len(analysis), CHUNK):
            chunk = analysis.rows(slice(start, start + CHUNK))
            occ = self.occurrences(chunk)
            ngram_part = sparse.csr_matrix((occ.values, (occ.rows, occ.columns)),
                                           shape=(occ.n_rows, self.n_sparse), dtype=np.float32)
            ctx = None if context is None else context[start:start + CHUNK]
            blocks.append(sparse.hstack([ngram_part, sparse.csr_matrix(self.dense(chunk, ctx))], format="csr"))
        if not blocks:
            return sparse.csr_matrix((0, self.n_features), dtype=np.float32)
        return sparse.vstack(blocks, format="csr")

    def to_arrays(self) -> dict[str, np.ndarray]:
        return {"char_hashes": self.chars.hashes, "char_idf": self.chars.idf,
                "word_hashes": self.words.hashes, "word_idf": self.words.idf}

    @classmethod
    def from_arrays(cls, arrays: dict[str, np.ndarray], params: FeatureParams, n_tactics: int,
                    n_cues: int) -> FeatureSpace:
        return cls(params, Vocabulary(arrays["char_hashes"], arrays["char_idf"]),
                   Vocabulary(arrays["word_hashes"], arrays["word_idf"]), n_tactics, n_cues)
