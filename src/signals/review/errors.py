"""Errors of the review store, each with the HTTP status and error code the API answers it with."""

from __future__ import annotations

from signals.errors import SignalsError


class ReviewError(SignalsError):
    """Bad review input; nothing was stored."""

    code = "E500"
    status = 422
    api_code = "validation_error"


class UnknownItem(ReviewError):
    code = "E501"
    status = 404
    api_code = "not_found"


class OverLimit(ReviewError):
    code = "E502"
    status = 422
    api_code = "limit_exceeded"


class StoreUnavailable(ReviewError):
    """The review store could not be opened or migrated (the API answers 503)."""

    code = "E503"
    status = 503
    api_code = "not_ready"
