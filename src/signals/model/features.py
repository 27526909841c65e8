"""From preprocessed docs and detector spans to the model's feature frame, and the feature union.

Columns of the frame:
- ``text``: normalised text (character n-grams);
- ``lemmas``: lemma string from spaCy (word n-grams);
- ``t:<tactic>``: the strongest hit of each tactic detector in the message;
- ``c:<tactic>``: the strongest hit of each tactic in the conversation context before it.
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import combinations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.compose import ColumnTransformer
from sklearn.feature_extraction.text import TfidfVectorizer

from signals.results import Span
from signals.taxonomy import TACTICS

TACTIC_COLUMNS = [f"t:{t}" for t in TACTICS]
CONTEXT_COLUMNS = [f"c:{t}" for t in TACTICS]


def tactic_vector(spans: Sequence[Span]) -> np.ndarray:
    """Strongest score per tactic (0 where a tactic has no hit)."""
    vector = np.zeros(len(TACTICS), dtype=np.float32)
    index = {t: i for i, t in enumerate(TACTICS)}
    for span in spans:
        i = index[span.label]
        vector[i] = max(vector[i], span.score)
    return vector


def feature_frame(texts: Sequence[str], lemma_texts: Sequence[str], tactic_vectors: np.ndarray,
                  context_vectors: np.ndarray) -> pd.DataFrame:
    """The model's input: one row per message (normalised text, lemma string, tactic scores)."""
    frame = pd.DataFrame({"text": list(texts), "lemmas": list(lemma_texts)})
    tactics = pd.DataFrame(tactic_vectors, columns=TACTIC_COLUMNS)
    context = pd.DataFrame(context_vectors, columns=CONTEXT_COLUMNS)
    return pd.concat([frame, tactics, context], axis=1)


class TacticInteractions(BaseEstimator, TransformerMixin):
    """Tactic scores, their pairwise products, and how many distinct tactics fired.

    A linear model cannot see that a threat *and* a payment demand together mean sextortion while
    each alone is often benign; the products let it.
    """

    def __init__(self, pairs: bool = True) -> None:
        self.pairs = pairs

    def fit(self, X, y=None):
        X = np.asarray(X, dtype=np.float32)
        self.n_features_in_ = X.shape[1]
        self.pairs_ = list(combinations(range(X.shape[1]), 2)) if self.pairs else []
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=np.float32)
        columns = [X]
        if self.pairs_:
            left = [i for i, _ in self.pairs_]
            right = [j for _, j in self.pairs_]
            columns.append(X[:, left] * X[:, right])
        columns.append(((X > 0).sum(axis=1, keepdims=True) / max(1, X.shape[1])).astype(np.float32))
        return sparse.csr_matrix(np.hstack(columns))


class ContextFeatures(BaseEstimator, TransformerMixin):
    """Context tactic scores, how many distinct tactics the context holds, and context × message."""

    def fit(self, X, y=None):
        self.n_features_in_ = np.asarray(X).shape[1]
        return self

    def transform(self, X):
        X = np.asarray(X, dtype=np.float32)
        half = X.shape[1] // 2
        context, message = X[:, :half], X[:, half:]
        breadth = (context > 0).sum(axis=1, keepdims=True).astype(np.float32) / max(1, half)
        any_message = message.max(axis=1, keepdims=True)
        return sparse.csr_matrix(np.hstack([context, breadth, breadth * any_message, context * any_message]))


def build_features(params: dict) -> ColumnTransformer:
    """The feature union; ``params`` comes from the training config's ``features`` section."""
    words = TfidfVectorizer(
        ngram_range=tuple(params.get("word_ngrams", (1, 2))),
        min_df=params.get("word_min_df", 2),
        max_features=params.get("word_max_features", 100_000),
        sublinear_tf=True,
        token_pattern=r"(?u)\b\w+\b",
        dtype=np.float32,
    )
    chars = TfidfVectorizer(
        analyzer=params.get("char_analyzer", "char_wb"),
        ngram_range=tuple(params.get("char_ngrams", (2, 5))),
        min_df=params.get("char_min_df", 3),
        max_features=params.get("char_max_features", 150_000),
        sublinear_tf=True,
        dtype=np.float32,
    )
    extra = []
    if params.get("cross_word_char_ngrams"):
        # character n-grams across word boundaries ("op snap", "je hebt"), beside the per-word ones
        extra.append(("chars_cross", TfidfVectorizer(
            analyzer="char", ngram_range=tuple(params["cross_word_char_ngrams"]),
            min_df=params.get("char_min_df", 3), max_features=params.get("char_max_features", 150_000),
            sublinear_tf=True, dtype=np.float32), "text"))
    return ColumnTransformer(
        [
            ("words", words, "lemmas"),
            ("chars", chars, "text"),
            *extra,
            ("tactics", TacticInteractions(), TACTIC_COLUMNS),
            ("context", ContextFeatures(), CONTEXT_COLUMNS + TACTIC_COLUMNS),
        ],
        transformer_weights=params.get("weights"),
        sparse_threshold=1.0,
    )
