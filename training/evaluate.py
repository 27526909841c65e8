"""Metrics live in ``signals.evaluation`` (``signals evaluate`` uses them too); kept here as the
training code's import path."""

from signals.evaluation import (  # noqa: F401
    conversation_metrics,
    corpus_flag_rate,
    expected_calibration_error,
    flagged,
    message_metrics,
    reliability,
)
