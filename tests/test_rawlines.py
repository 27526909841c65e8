"""Input lines as bytes: bounded reading, per-line UTF-8, nesting depth and integer bounds."""

from __future__ import annotations

import io

import pytest

from signals.errors import (
    InputError,
    LineEncodingError,
    LineTooLongError,
    NestingTooDeepError,
    NumberTooLargeError,
)
from signals.rawlines import LineLimits, RawLine, decode_line, load_json, nesting_depth, raw_lines

LIMITS = LineLimits(max_line_bytes=10, max_nesting=4)


@pytest.mark.parametrize(("data", "expected"), [
    (b"", []),
    (b"a\n", [(1, b"a", 1)]),
    (b"a\nbb", [(1, b"a", 1), (2, b"bb", 2)]),
    (b"0123456789\nx\n", [(1, b"0123456789", 10), (2, b"x", 1)]),              # exactly the limit
    (b"0123456789A\nx\n", [(1, None, 11), (2, b"x", 1)]),                      # one byte over
    (b"0123456789A", [(1, None, 11)]),                                         # over, no newline
    (b"x" * 200_000 + b"\n\n", [(1, None, 200_000), (2, b"", 0)]),            # skipped in blocks
    (b"\r\n\n", [(1, b"\r", 1), (2, b"", 0)]),
])
def test_raw_lines_are_bounded(data, expected):
    assert [(r.number, r.data, r.size) for r in raw_lines(io.BytesIO(data), 10)] == expected


def test_raw_lines_never_hold_more_than_the_limit():
    asked: list[int] = []

    class Reader(io.BytesIO):
        def readline(self, size=-1):
            asked.append(size)
            return super().readline(size)

    reader = Reader(b"y" * 1_000_000 + b"\nz\n")
    assert [(r.number, r.data) for r in raw_lines(reader, 100)] == [(1, None), (2, b"z")]
    assert all(0 < size <= 1 << 16 for size in asked)


@pytest.mark.parametrize(("line", "error", "message"), [
    (RawLine(3, None, 99), LineTooLongError, "w: line is 99 bytes, over the limit of 10"),
    (RawLine(3, b"\xff", 1), LineEncodingError, "w: not valid UTF-8 (invalid start byte at byte 0)"),
    (RawLine(3, b"ok\xed\xa0\x80", 5), LineEncodingError, "w: not valid UTF-8 (invalid continuation byte at byte 2)"),
])
def test_decode_line_refuses(line, error, message):
    with pytest.raises(error) as info:
        decode_line(line, "w", LIMITS)
    assert info.value.message.startswith(message)


@pytest.mark.parametrize(("line", "text"), [
    (RawLine(1, b"\xef\xbb\xbf{}", 5), "{}"),
    (RawLine(2, b"{}\r", 3), "{}"),
    (RawLine(2, "café".encode(), 5), "café"),
    (RawLine(2, b"\xef\xbb\xbf{}", 5), "\ufeff{}"),       # a BOM is only dropped on line 1
])
def test_decode_line(line, text):
    assert decode_line(line, "w", LIMITS) == text


@pytest.mark.parametrize(("text", "depth"), [
    ('{"a": [1, {"b": [2]}]}', 4),
    ('{"a": "[[[[[[[[[[[["}', 1),                     # brackets inside a string do not count
    ('{"a": "\\"[[[[[[[[[["}', 1),                    # ... after an escaped quote either
    ("[" * 100_000, 5),                               # counting stops once over the limit
    ("[]" * 100, 1),
])
def test_nesting_depth(text, depth):
    assert min(nesting_depth(text, 4), 5) in (depth, 0)
    assert (nesting_depth(text, 4) > 4) == (depth > 4)


@pytest.mark.parametrize(("text", "error", "code"), [
    ("[" * 100_000, NestingTooDeepError, "E103"),
    ('{"a": [[[[[1]]]]]}', NestingTooDeepError, "E103"),
    ('{"id": ' + "9" * 5000 + "}", NumberTooLargeError, "E104"),
    ('{"id": -' + "9" * 65 + "}", NumberTooLargeError, "E104"),
    ('{"id": "a"', InputError, "E100"),
    ("nee", InputError, "E100"),
])
def test_load_json_refuses(text, error, code):
    with pytest.raises(error) as info:
        load_json(text, "w:1", LIMITS)
    assert info.value.code == code
    assert info.value.message.startswith("w:1: ")


def test_load_json_accepts_what_fits():
    assert load_json('{"id": ' + "9" * 64 + ', "x": [[1]], "y": 1e999}', "w", LIMITS)["id"] == int("9" * 64)
