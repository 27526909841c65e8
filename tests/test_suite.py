"""The suite itself: what running it in parallel (``make test``: pytest-xdist, two workers) relies on."""

from __future__ import annotations

from collections import Counter


def test_every_collected_test_has_its_own_node_id(request):
    # pytest-xdist hands tests to its workers by node id: tests that share one run once between them
    counts = Counter(item.nodeid for item in request.session.items)
    assert [nodeid for nodeid, n in counts.items() if n > 1] == []
