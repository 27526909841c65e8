"""Structured JSON logs through the ``logging`` module. Message text is never logged: callers put
only counts, codes, route templates and timings into a record's ``fields``."""

from __future__ import annotations

import json
import logging
import sys
import traceback
from datetime import datetime, timezone

LOGGER_NAME = "signals.api"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, event, then the record's ``fields``."""

    _second: int | None = None
    _second_text = ""

    def _timestamp(self, created: float) -> str:
        """ISO 8601 in UTC with milliseconds (``2026-12-06T13:32:33.771+00:00``); the date and time
        to the second are formatted once per second (a log line is written per request)."""
        second = int(created)
        micro = round((created - second) * 1_000_000)  # rounded as datetime.fromtimestamp does
        if micro >= 1_000_000:
            second, micro = second + 1, micro - 1_000_000
        if second != self._second:
            self._second_text = datetime.fromtimestamp(second, timezone.utc).strftime("%Y-%m-%dT%H:%M:%S")
            self._second = second
        return f"{self._second_text}.{micro // 1000:03d}+00:00"

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "ts": self._timestamp(record.created),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            entry.update(fields)
        if record.exc_info and record.exc_info[0] is not None:
            # The exception's type and stack only: its message could quote request data.
            entry["error_type"] = record.exc_info[0].__name__
            entry["stack"] = "".join(traceback.format_tb(record.exc_info[2]))
        return json.dumps(entry, ensure_ascii=False, default=str)


def configure_logging(level: int = logging.INFO) -> None:
    """JSON lines on stderr for the root logger (uvicorn's loggers propagate to it)."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    for existing in list(root.handlers):
        if isinstance(existing.formatter, JsonFormatter):
            root.removeHandler(existing)
    root.addHandler(handler)
    root.setLevel(level)
    # The JSON lines carry none of these: leave them out of every record (the logging HOWTO's
    # "Optimization"; a request log line is written for every request on the event loop). For the
    # whole process: another formatter in it no longer gets file, line, thread or process either.
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    logging._srcfile = None  # no caller lookup (file, line, function)
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).setLevel(level)
    # spaCy attaches its own plain-text handler; its records reach the root JSON handler anyway.
    spacy_logger = logging.getLogger("spacy")
    for spacy_handler in list(spacy_logger.handlers):
        spacy_logger.removeHandler(spacy_handler)
