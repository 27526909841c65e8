"""The n-gram part of the feature space: sublinear tf × idf, one unit-length vector per block and row."""

import numpy as np
import pytest

from signals.analysis import Analysis
from signals.model.features import FeatureParams, FeatureSpace

CORPUS = [
    "hey schatje stuur je nog een foto",
    "xd xd dat was echt grappig",
    "ik betaal je 200 euro als je komt",
    "wie heeft de sleutel van het lokaal",
    "€€€ snel geld verdienen",
    "ben je alleen thuis vanavond",
    "haha lol jij bent zo raar",
    "morgen training om 7 uur",
]
PARAMS = FeatureParams(char_ngrams=(2, 5), char_min_df=1, word_min_df=1)


def analysis(texts: list[str]) -> Analysis:
    words = [np.array([abs(hash(("w", w))) % (1 << 63) for w in t.split()], dtype=np.uint64) for t in texts]
    return Analysis(list(texts), words, [[] for _ in texts], np.zeros((len(texts), 2), np.float32),
                    np.zeros((len(texts), 1), np.float32))


@pytest.fixture(scope="module")
def space() -> FeatureSpace:
    return FeatureSpace.fit(analysis(CORPUS), PARAMS)


def blocks(space: FeatureSpace, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    matrix = space.matrix(analysis(texts)).toarray()
    return matrix[:, :len(space.chars)], matrix[:, len(space.chars):space.n_sparse]


@pytest.mark.parametrize("text", [
    "xd " * 200,
    "€€€ " * 50,
    "a1 " + "1 " * 2500,
    "stuur je foto " * 30,
    "ben je alleen thuis vanavond",
    "haha",
])
def test_each_block_of_a_row_has_unit_length_whatever_it_repeats(space, text):
    chars, words = blocks(space, [text])
    for block in (chars, words):
        norm = np.linalg.norm(block[0])
        assert norm == pytest.approx(1.0, abs=1e-5) or norm == 0.0


@pytest.mark.parametrize("text, times", [
    ("xd", 200),
    ("€€€", 50),
    ("stuur je nog een foto", 30),
    ("ben je alleen thuis", 40),
])
def test_a_line_repeated_many_times_points_where_it_does_written_twice(space, text, times):
    (twice, repeated), _words = blocks(space, [f"{text} {text}", " ".join([text] * times)])
    assert twice @ repeated / (np.linalg.norm(twice) * np.linalg.norm(repeated)) > 0.9


def test_a_repeated_ngram_weighs_one_plus_the_log_of_its_count(space):
    _chars, words = blocks(space, ["lol", "haha", "lol lol lol lol haha"])
    lol, haha = int(np.argmax(words[0])), int(np.argmax(words[1]))
    # "lol" 4 times, "haha" once; the bigrams "lol lol" and "lol haha" are not in the vocabulary
    assert set(np.flatnonzero(words[2])) == {lol, haha}
    expected = np.array([(1 + np.log(4)) * space.words.idf[lol], space.words.idf[haha]])
    expected /= np.linalg.norm(expected)
    assert words[2, [lol, haha]] == pytest.approx(expected, rel=1e-5)
