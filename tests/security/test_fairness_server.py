"""A cap-size hostile batch against a real ``signals serve`` on loopback while one client sends
one-message requests back to back (``benchmarks/fairness.py`` drives it and prints the latency
percentiles). Asserted is structure, not speed: the small requests are answered all along, none of
them waited for the whole batch, and the batch itself is answered (200, or 503 over its budget)."""

from __future__ import annotations

import pytest
from benchmarks.fairness import run


@pytest.mark.slow
def test_no_small_request_waits_for_a_whole_hostile_batch(tiny_model_dir):
    report = run(tiny_model_dir, "hostile")
    print(report)
    assert report["batch"]["status"] in (200, 503)
    assert report["small_statuses"] == [200]
    assert report["during_batch"]["count"] >= 10, "small requests were answered while the batch was scored"
    assert report["slowest_small_vs_batch"] < 0.5, "no small request waited for the whole batch"
