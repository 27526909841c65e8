"""JSONL in and out: validated records with line numbers, and output files that appear whole or not at all."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from signals.errors import InputError
from signals.jsonl import (
    LineError,
    atomic_output,
    open_input,
    parse_conversation,
    parse_message,
    parse_turn,
    read_lines,
)
from signals.rawlines import LineLimits
from signals.service import Conversation, Message, Turn


@pytest.mark.parametrize(("obj", "expected"), [
    ({"id": "a", "text": "hoe oud ben je"}, Message("a", "hoe oud ben je")),
    ({"id": 7, "text": "hoi"}, Message("7", "hoi")),
    ({"id": "b", "text": "ja", "context": [{"speaker": "x", "text": "stuur je snap"}]},
     Message("b", "ja", (Turn("x", "stuur je snap"),))),
    ({"id": "c", "text": "ok", "context": None}, Message("c", "ok")),
    ({"id": "d", "text": "ok", "context": [{"speaker": 2, "text": "hoi"}], "extra": 1},
     Message("d", "ok", (Turn("2", "hoi"),))),
    # the edges of the API's rules (signals.validation), accepted as the API accepts them
    ({"id": "e", "text": "ok", "context": [{"speaker": "x", "text": ""}]}, Message("e", "ok", (Turn("x", ""),))),
    ({"id": " ", "text": "ok"}, Message(" ", "ok")),
    ({"id": 0, "text": "ok"}, Message("0", "ok")),
    ({"id": "i" * 256, "text": "ok"}, Message("i" * 256, "ok")),
    ({"id": "f", "text": "\u200b"}, Message("f", "\u200b")),           # zero-width is not whitespace
    ({"id": "\ud800", "text": "ok"}, Message("\ud800", "ok")),        # written back as an escape
])
def test_parse_message(obj, expected):
    assert parse_message(obj, "in:1") == expected


@pytest.mark.parametrize(("obj", "message", "field"), [
    ({"text": "hoi"}, "'id' must be a string or an integer", "id"),
    ({"id": None, "text": "hoi"}, "'id' must be a string or an integer", "id"),
    ({"id": True, "text": "hoi"}, "'id' must be a string or an integer", "id"),
    ({"id": 1.5, "text": "hoi"}, "'id' must be a string or an integer", "id"),
    ({"id": "a"}, "'text' must be a string", "text"),
    ({"id": "a", "text": 5}, "'text' must be a string", "text"),
    ({"id": "a", "text": ["hoi"]}, "'text' must be a string", "text"),
    ({"id": "a", "text": "hoi", "context": "vorige"}, "'context' must be a list of turns", "context"),
    ({"id": "a", "text": "hoi", "context": False}, "'context' must be a list of turns", "context"),   # was no context
    ({"id": "a", "text": "hoi", "context": {}}, "'context' must be a list of turns", "context"),
    ({"id": "a", "text": "hoi", "context": ""}, "'context' must be a list of turns", "context"),
    ({"id": "a", "text": "hoi", "context": ["vorige"]}, "a turn is an object", None),
    ({"id": "a", "text": "hoi", "context": [{"text": "x"}]}, "'speaker' must be a string", "speaker"),
    ({"id": "a", "text": "hoi", "context": [{"speaker": "x"}]}, "'text' must be a string", "text"),
    (["id", "text"], "expected a JSON object", None),
    ("hoi", "expected a JSON object", None),
    # what the API refuses (signals.validation), refused here too
    ({"id": "", "text": "hoi"}, "'id' must not be empty", "id"),
    ({"id": "i" * 257, "text": "hoi"}, "'id' must be at most 256 characters", "id"),
    ({"id": "a", "text": ""}, "'text' must be a non-empty string, not whitespace only", "text"),
    ({"id": "a", "text": " \n\t "}, "'text' must be a non-empty string, not whitespace only", "text"),
    ({"id": "a", "text": "\u3000\u00a0"}, "'text' must be a non-empty string, not whitespace only", "text"),
    ({"id": "a", "text": "hoi", "context": [{"speaker": "", "text": "x"}]}, r"context\[0\]: 'speaker' must not be empty",
     "speaker"),
])
def test_parse_message_rejects(obj, message, field):
    with pytest.raises(InputError, match=message) as info:
        parse_message(obj, "in.jsonl:3")
    assert info.value.message.startswith("in.jsonl:3")
    assert info.value.field == field
    assert info.value.code == "E100"


@pytest.mark.parametrize(("obj", "expected"), [
    ({"id": 1, "turns": [{"speaker": "a", "text": "hoi"}, {"speaker": "b", "text": "hoe oud ben je"}]},
     Conversation("1", (Turn("a", "hoi"), Turn("b", "hoe oud ben je")))),
    ({"id": "c", "turns": [{"speaker": 7, "text": ""}, {"speaker": " ", "text": "  "}]},    # media-only turns
     Conversation("c", (Turn("7", ""), Turn(" ", "  ")))),
])
def test_parse_conversation(obj, expected):
    assert parse_conversation(obj, "c:1") == expected


@pytest.mark.parametrize(("obj", "message"), [
    ({"id": "c"}, "'turns' must be a non-empty list"),
    ({"id": "c", "turns": []}, "'turns' must be a non-empty list"),
    ({"id": "c", "turns": "hoi"}, "'turns' must be a non-empty list"),
    ({"turns": [{"speaker": "a", "text": "hoi"}]}, "'id' must be a string or an integer"),
    ({"id": "c", "turns": [{"speaker": "a", "text": None}]}, r"turns\[0\]: 'text' must be a string"),
    ({"id": "c", "turns": [{"speaker": "a", "text": "x"}, {"speaker": False, "text": "y"}]},
     r"turns\[1\]: 'speaker' must be a string"),
    (None, "expected a JSON object"),
    ({"id": "", "turns": [{"speaker": "a", "text": "hoi"}]}, "c:1: 'id' must not be empty"),
    ({"id": "c", "turns": [{"speaker": "a", "text": "x"}, {"speaker": "", "text": "y"}]},
     r"turns\[1\]: 'speaker' must not be empty"),
    ({"id": "c", "turns": [{"speaker": "s" * 257, "text": "x"}]}, r"turns\[0\]: 'speaker' must be at most 256"),
])
def test_parse_conversation_rejects(obj, message):
    with pytest.raises(InputError, match=message):
        parse_conversation(obj, "c:1")


def test_parse_turn():
    assert parse_turn({"speaker": "moeder", "text": "ben je thuis?"}, "t") == Turn("moeder", "ben je thuis?")


def test_read_lines_numbers_lines_and_skips_blank_ones():
    handle = io.StringIO(
        '{"id": "a", "text": "hoi"}\n'
        '\n'
        '   \n'
        'geen json\n'
        '{"id": "b"}\n'
        '{"text": "zonder id"}\n'
        '"een string"\n'
        '{"id": "c", "text": "laatste"}'          # no trailing newline
    )
    rows = list(read_lines(handle, parse_message, "in.jsonl"))
    assert [number for number, _ in rows] == [1, 4, 5, 6, 7, 8]
    assert rows[0][1] == Message("a", "hoi")
    assert rows[5][1] == Message("c", "laatste")
    errors = {number: record for number, record in rows if isinstance(record, LineError)}
    assert set(errors) == {4, 5, 6, 7}
    assert errors[4].message.startswith("in.jsonl:4: not valid JSON")
    assert errors[5].id == "b" and errors[5].message == "in.jsonl:5: 'text' must be a string"
    assert errors[6].id is None
    assert errors[7].id is None
    assert all(e.code == "E100" for e in errors.values())


def test_an_invalid_bool_id_is_not_echoed_in_the_error_line():
    ((_, record),) = read_lines(io.StringIO('{"id": true, "text": "hoi"}\n'), parse_message, "in")
    assert isinstance(record, LineError)
    assert record.id is None


@pytest.mark.parametrize(("line", "echoed"), [
    ('{"id": "", "text": "hoi"}', None),
    ('{"id": "' + "i" * 257 + '", "text": "hoi"}', None),
    ('{"id": "b", "text": " "}', "b"),
])
def test_only_a_usable_id_is_echoed_in_the_error_line(line, echoed):
    ((_, record),) = read_lines(io.StringIO(line + "\n"), parse_message, "in")
    assert isinstance(record, LineError)
    assert record.id == echoed


def test_line_error_output_shape():
    error = LineError(3, "b", "E100", "in:3: 'text' must be a string")
    assert error.as_output() == {"id": "b", "line": 3,
                                 "error": {"code": "E100", "message": "in:3: 'text' must be a string"}}
    json.dumps(error.as_output())


def test_open_input_missing_file(tmp_path: Path):
    with pytest.raises(InputError, match="input file not found"), open_input(str(tmp_path / "nergens.jsonl")):
        pass


def test_open_input_refuses_a_directory(tmp_path: Path):
    with pytest.raises(InputError, match="input is a folder, not a file"), open_input(str(tmp_path)):
        pass


def test_open_input_gives_bytes_to_decode_line_by_line(tmp_path: Path):
    path = tmp_path / "in.jsonl"
    path.write_bytes(b'{"id": "a", "text": "caf\xe9"}\n')       # Latin-1, not UTF-8
    with open_input(str(path)) as handle:
        assert handle.read() == b'{"id": "a", "text": "caf\xe9"}\n'


@pytest.mark.parametrize("name", [None, "-"])
def test_open_input_dash_is_stdin_as_bytes(monkeypatch, name):
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(b"x\xff\n"), encoding="utf-8"))
    with open_input(name) as handle:
        assert handle.read() == b"x\xff\n"


def test_read_lines_takes_bytes_and_limits(tmp_path: Path):
    handle = io.BytesIO(b'\xef\xbb\xbf{"id": "a", "text": "hoi"}\r\n'            # BOM, CRLF
                        b'{"id": "b", "text": "' + b"x" * 300 + b'"}\n'            # over the line limit
                        b'{"id": "c", "text": "\xe9"}\n'                            # not UTF-8
                        b'{"id": "d", "text": "' + "\ufdfa".encode() * 10 + b'"}\n'  # 10 chars, 180 after NFKC
                        b'{"id": "e", "text": "ok", "x": [[[[[[1]]]]]]}\n'          # nested 7 deep
                        b'{"id": 1' + b"0" * 70 + b', "text": "ok"}\n'              # a 71-digit integer
                        b'{"id": "g", "text": "laatste"}')
    limits = LineLimits(max_line_bytes=200, max_nesting=6, max_text_chars=100)
    rows = dict(read_lines(handle, parse_message, "in", limits))
    assert rows[1] == Message("a", "hoi")
    assert rows[7] == Message("g", "laatste")
    errors = {number: (record.code, record.id, record.message) for number, record in rows.items()
              if isinstance(record, LineError)}
    assert errors == {
        2: ("E102", None, "in:2: line is 323 bytes, over the limit of 200 (SIGNALS_MAX_LINE_BYTES)"),
        3: ("E101", None, "in:3: not valid UTF-8 (invalid continuation byte at byte 21)"),
        4: ("E105", "d", ("in:4: 'text' is 180 characters (as sent or after NFKC normalisation), over the limit "
                          "of 100 (SIGNALS_MAX_TEXT_CHARS)")),
        5: ("E103", None, "in:5: JSON nested deeper than 6 levels (SIGNALS_MAX_NESTING)"),
        6: ("E104", None, "in:6: not accepted: an integer of 71 digits (at most 64)"),
    }


def test_atomic_output_writes_on_success(tmp_path: Path):
    target = tmp_path / "out.jsonl"
    with atomic_output(str(target)) as out:
        out.write("een\n")
        assert not target.exists()            # only the temp file exists while writing
    assert target.read_text(encoding="utf-8") == "een\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_atomic_output_leaves_nothing_on_failure(tmp_path: Path):
    target = tmp_path / "out.jsonl"
    with pytest.raises(RuntimeError), atomic_output(str(target)) as out:
        out.write("half\n")
        raise RuntimeError("midden in het schrijven")
    assert list(tmp_path.iterdir()) == []


def test_atomic_output_keeps_the_old_file_on_failure(tmp_path: Path):
    target = tmp_path / "out.jsonl"
    target.write_text("oud\n", encoding="utf-8")
    with pytest.raises(KeyboardInterrupt), atomic_output(str(target)) as out:
        out.write("nieuw\n")
        raise KeyboardInterrupt
    assert target.read_text(encoding="utf-8") == "oud\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.jsonl"]


def test_atomic_output_missing_folder(tmp_path: Path):
    with pytest.raises(InputError, match="output folder does not exist"), \
            atomic_output(str(tmp_path / "nergens" / "out.jsonl")):
        pass


@pytest.mark.parametrize("name", [None, "-"])
def test_atomic_output_dash_is_stdout(capsys, name):
    with atomic_output(name) as out:
        out.write("regel\n")
    assert capsys.readouterr().out == "regel\n"


def test_a_speaker_with_a_lone_surrogate_is_written_back_as_its_escape_everywhere():
    """pydantic wrote a lone-surrogate dict key as U+FFFD without failing: speaker_risk no longer
    named the speaker the input named (the suspect field did, as an escape)."""
    from signals.jsonl import dumps_line
    from signals.results import ConversationResult

    result = ConversationResult(id="c1", label="grooming", risk=0.9, suspect="\ud800", first_alert_turn=2,
                                speaker_risk={"\ud800": 0.9, "b": 0.1})
    line = dumps_line(result)
    assert "\ufffd" not in line
    assert json.loads(line)["speaker_risk"] == {"\ud800": 0.9, "b": 0.1} and json.loads(line)["suspect"] == "\ud800"


@pytest.mark.parametrize("record", [
    {"id": None, "line": 2, "error": {"code": "E100", "message": "in.jsonl:2: not valid JSON"}},   # an error line
    {"id": "\udc80", "line": 3, "error": {"code": "E101", "message": "lone surrogate"}},            # its escaped form
])
def test_error_lines_are_written_as_compactly_as_results(record):
    """Result lines came compact from pydantic, error lines with spaces after ':' and ','."""
    from signals.jsonl import dumps_line

    line = dumps_line(record)
    assert ": " not in line.replace(record["error"]["message"], "") and ", " not in line.replace(record["error"]["message"], "")
    assert json.loads(line) == record
