"""The served linear model: a message's scores do not depend on what it is batched with."""

from __future__ import annotations

import numpy as np
import pytest

from signals.model.features import Occurrences
from signals.model.linear import LinearScorer


@pytest.mark.parametrize("batch", [1, 2, 7, 64, 512])
def test_a_row_scores_the_same_alone_and_in_any_batch(batch):
    """The dense block was a float32 matrix product, whose rounding follows the batch's shape: the
    API's micro-batches gave 0.857291 for a message that scored 0.85729 in another batch."""
    rng = np.random.default_rng(0)
    n_sparse, n_dense = 50, 160
    scorer = LinearScorer(rng.standard_normal((n_sparse + n_dense, 3)).astype(np.float32),
                          rng.standard_normal(3).astype(np.float32), np.array([[1.0, 0.0]] * 3), n_sparse)
    dense = rng.random((512, n_dense)).astype(np.float32)
    rows = np.repeat(np.arange(512), 4)
    columns = rng.integers(0, n_sparse, len(rows))
    values = rng.random(len(rows)).astype(np.float32)

    def occurrences(k: int, start: int = 0) -> Occurrences:
        keep = (rows >= start) & (rows < start + k)
        return Occurrences(rows[keep] - start, columns[keep], values[keep], k)

    together = scorer.decision(occurrences(batch), dense[:batch])
    for i in range(min(batch, 5)):
        alone = scorer.decision(occurrences(1, i), dense[i:i + 1])
        assert np.array_equal(alone[0], together[i]), alone[0] - together[i]
