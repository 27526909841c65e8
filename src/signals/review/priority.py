"""The queue's order: risk first, then uncertainty.

- ``risk``: the highest calibrated category score of the item.
- ``uncertainty``: how close the item's scores lie to their thresholds, 1 at a threshold and 0 at
  0 or 1 (the highest over the categories): the items the model is least sure of.

Items are ordered by risk band (tenths of risk, highest first), then by uncertainty (highest
first) within a band, then by arrival (oldest first), then by id. Within a band the reviewer sees
the borderline cases first: they are the ones where a decision tells the model the most. The whole
order is one string column (``queue_key``), so a page of the queue is one indexed range scan, and
paging is by key (a cursor), not by offset, which stays right while items leave the queue.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Mapping
from datetime import datetime

from signals.review.errors import ReviewError

BANDS = 10
UNCERTAINTY_DIGITS = 6
_KEY = re.compile(rf"\d{{{2 + UNCERTAINTY_DIGITS + 1 + 20}}}.", re.DOTALL)  # band, certainty, time, then the id


def risk_and_uncertainty(scores: Mapping[str, float], thresholds: Mapping[str, float]) -> tuple[float, float]:
    if not scores:
        return 0.0, 0.0
    risk = max(scores.values())
    uncertainty = 0.0
    for category, score in scores.items():
        threshold = min(max(thresholds.get(category, 0.5), 1e-6), 1 - 1e-6)
        span = threshold if score < threshold else 1.0 - threshold
        uncertainty = max(uncertainty, 1.0 - min(abs(score - threshold) / span, 1.0))
    return float(risk), float(uncertainty)


def queue_key(risk: float, uncertainty: float, enqueued_at: datetime, item_id: str) -> str:
    band = min(int(risk * BANDS), BANDS)  # 0..10, 1.0 is its own band
    certainty = round((1.0 - uncertainty) * (10 ** UNCERTAINTY_DIGITS))
    return f"{BANDS - band:02d}{certainty:0{UNCERTAINTY_DIGITS + 1}d}{enqueued_at:%Y%m%d%H%M%S%f}{item_id}"


def encode_cursor(key: str) -> str:
    return base64.urlsafe_b64encode(key.encode("utf-8")).decode("ascii").rstrip("=")


def decode_cursor(cursor: str) -> str:
    try:
        key = base64.b64decode(cursor + "=" * (-len(cursor) % 4), altchars=b"-_", validate=True).decode("utf-8")
    except (ValueError, UnicodeDecodeError):
        key = ""
    if not _KEY.match(key) or "\x00" in key:  # a forged cursor with a NUL was a 500 on PostgreSQL
        raise ReviewError("not a cursor this API gave out", field="cursor")
    return key
