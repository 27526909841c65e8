"""The JSON log lines: one object per line, ISO 8601 UTC timestamps with milliseconds."""

from __future__ import annotations

import json
import logging
from datetime import datetime, timezone

import pytest

from signals.api.logs import JsonFormatter


def _record(created: float, **fields) -> logging.LogRecord:
    record = logging.LogRecord("signals.api", logging.INFO, __file__, 1, "request", None, None)
    record.created = created
    record.fields = fields  # type: ignore[attr-defined]
    return record


@pytest.mark.parametrize("created", [
    0.5,                    # the epoch
    1_765_000_000.0,        # on the second
    1_765_000_000.25,
    1_765_000_000.999,      # the last millisecond of a second
    1_765_000_001.001,      # the next second (the cached date and time must move on)
    1_765_000_001.9999996,  # rounds up into the next second, as datetime rounds it
    1_796_083_199.5,        # 2026-12-31 23:59:59 UTC: the year changes at the next second
    1_796_083_200.0,
])
def test_the_timestamp_is_the_iso_utc_time_to_the_millisecond(created):
    formatter = JsonFormatter()
    formatter.format(_record(created - 1.0))  # a line of the second before: the cache holds another second
    line = json.loads(formatter.format(_record(created)))
    assert line["ts"] == datetime.fromtimestamp(created, timezone.utc).isoformat(timespec="milliseconds")


def test_a_line_carries_the_event_and_the_fields_and_never_the_exception_message():
    formatter = JsonFormatter()
    words = ("hoe", "oud", "ben", "je")
    quoted = " ".join(words)  # a message that quotes a request (its text is not in the source line)
    try:
        raise ValueError(quoted)
    except ValueError:
        import sys

        record = _record(1_765_000_000.0, request_id="r1", status=500)
        record.exc_info = sys.exc_info()
    line = json.loads(formatter.format(record))
    assert {k: line[k] for k in ("level", "logger", "event", "request_id", "status", "error_type")} == {
        "level": "info", "logger": "signals.api", "event": "request", "request_id": "r1", "status": 500,
        "error_type": "ValueError"}
    assert quoted not in json.dumps(line)
