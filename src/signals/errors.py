"""Every error signals raises, with a stable code, in one place (after spacy/errors.py).

Fronts map these to their own conventions: the CLI to exit code 2 and one line with the code and the
message (``error_line``), the API to a 4xx envelope ``{"error": {"code", "message", "field"}}``.
"""

from __future__ import annotations


def one_line(text: object) -> str:
    """A library's multi-line message (YAML marks the spot on lines of their own) as one line, for
    the CLI's one-line errors."""
    return " ".join(str(text).split())


def error_line(code: str, message: str) -> str:
    """The CLI's line for an error with a code (a ``SignalsError``, or an input line's error):
    ``error: E201: model.json: ...``, the code as the API's messages write it."""
    return f"error: {code}: {message}"


class SignalsError(Exception):
    """Base class: a user-facing error with a stable machine-readable code."""

    code = "E000"

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class InputError(SignalsError):
    """A record, file or request that does not match the documented input contract."""

    code = "E100"


class LineEncodingError(InputError):
    """An input line that is not valid UTF-8 (only that line is refused)."""

    code = "E101"


class LineTooLongError(InputError):
    """An input line over ``SIGNALS_MAX_LINE_BYTES``."""

    code = "E102"


class NestingTooDeepError(InputError):
    """JSON nested deeper than ``SIGNALS_MAX_NESTING``."""

    code = "E103"


class NumberTooLargeError(InputError):
    """A JSON integer with more digits than any id needs."""

    code = "E104"


class TextTooLongError(InputError):
    """A text over ``SIGNALS_MAX_TEXT_CHARS`` (as sent or after NFKC normalisation)."""

    code = "E105"


class ModelNotFoundError(SignalsError):
    """No trained model where one was expected."""

    code = "E200"


class ArtifactIntegrityError(SignalsError):
    """A model directory whose files do not match its sha256 manifest, or that escapes its root."""

    code = "E201"


class ConfigError(SignalsError):
    """A configuration file or setting that cannot be used."""

    code = "E300"


class CorpusError(SignalsError):
    """A corpus or data file that is missing or malformed."""

    code = "E400"
