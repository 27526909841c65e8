"""Input lines as bytes, made safe to parse one at a time: bounded length, per-line UTF-8, bounded
JSON nesting and integer size. Every way a line can be bad raises an ``InputError`` subclass with
its own stable code, for that line only; the caller writes it as an error line and goes on.
"""

from __future__ import annotations

import codecs
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO, Any

from signals.errors import (
    InputError,
    LineEncodingError,
    LineTooLongError,
    NestingTooDeepError,
    NumberTooLargeError,
)

MAX_INTEGER_DIGITS = 64   # an integer id longer than this is a mistake or an attack (int() is quadratic)
_SKIP_BLOCK = 1 << 16
# A JSON string (escapes included), so that brackets inside strings are not counted as nesting.
_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")


@dataclass(frozen=True)
class LineLimits:
    max_line_bytes: int = 8_000_000
    max_nesting: int = 64
    max_text_chars: int | None = None   # checked by the record parsers, not here


@dataclass(frozen=True)
class RawLine:
    number: int
    data: bytes | None      # None: the line was over the byte limit (its bytes were skipped, not kept)
    size: int               # bytes read for the line (without the newline)


def raw_lines(handle: IO[bytes] | IO[str], max_bytes: int) -> Iterator[RawLine]:
    """Every line of ``handle``, split on ``\\n`` only; a line longer than ``max_bytes`` is read past
    in blocks and yielded without its bytes, so memory stays bounded whatever the input."""
    number = 0
    while True:
        chunk = _as_bytes(handle.readline(max_bytes + 1))
        if not chunk:
            return
        number += 1
        if chunk.endswith(b"\n"):
            yield RawLine(number, chunk[:-1], len(chunk) - 1)
            continue
        if len(chunk) <= max_bytes:          # the last line, without a newline
            yield RawLine(number, chunk, len(chunk))
            return
        size = len(chunk)
        while chunk and not chunk.endswith(b"\n"):
            chunk = _as_bytes(handle.readline(_SKIP_BLOCK))
            size += len(chunk)
        yield RawLine(number, None, size - chunk.endswith(b"\n"))


def _as_bytes(chunk: bytes | str) -> bytes:
    # A text stream (a test's StringIO) holds only valid text; surrogatepass keeps it byte for byte.
    return chunk.encode("utf-8", "surrogatepass") if isinstance(chunk, str) else chunk


def decode_line(line: RawLine, where: str, limits: LineLimits) -> str:
    """The line as text; raises for a line over the byte limit or one that is not valid UTF-8.
    A UTF-8 byte order mark at the start of the file is dropped."""
    if line.data is None:
        raise LineTooLongError(f"{where}: line is {line.size} bytes, over the limit of {limits.max_line_bytes}"
                               " (SIGNALS_MAX_LINE_BYTES)")
    data = line.data
    if line.number == 1 and data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise LineEncodingError(f"{where}: not valid UTF-8 ({exc.reason} at byte {exc.start})") from None
    return text.removesuffix("\r")


def nesting_depth(text: str, stop_above: int) -> int:
    """The deepest bracket nesting of a JSON text (brackets inside strings do not count); stops
    counting once it is over ``stop_above``. Cheap for ordinary lines, which have few brackets."""
    if text.count("[") + text.count("{") <= stop_above:
        return 0
    depth = deepest = 0
    for match in _BRACKET.finditer(_JSON_STRING.sub('""', text)):
        if match.group() in "[{":
            depth += 1
            if depth > deepest:
                deepest = depth
                if deepest > stop_above:
                    break
        else:
            depth -= 1
    return deepest


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INTEGER_DIGITS:
        raise NumberTooLargeError(f"an integer of {len(digits)} digits (at most {MAX_INTEGER_DIGITS})")
    return int(digits)


def load_json(text: str, where: str, limits: LineLimits) -> Any:
    """``json.loads`` with the nesting and integer bounds; every failure is an ``InputError``."""
    if nesting_depth(text, limits.max_nesting) > limits.max_nesting:
        raise NestingTooDeepError(f"{where}: JSON nested deeper than {limits.max_nesting} levels "
                                  "(SIGNALS_MAX_NESTING)")
    try:
        return json.loads(text, parse_int=_bounded_int)
    except NumberTooLargeError as exc:
        raise NumberTooLargeError(f"{where}: not accepted: {exc.message}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON ({exc.msg} at column {exc.colno})") from None
    except RecursionError:  # a backstop: the depth check above refuses such lines first
        raise NestingTooDeepError(f"{where}: JSON nested too deeply to parse") from None
    except ValueError as exc:  # anything else json or int() refuses
        raise InputError(f"{where}: not valid JSON ({type(exc).__name__})") from None
