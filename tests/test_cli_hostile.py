"""Hostile input lines for ``signals score``: every line, whatever its bytes, becomes a result or an
error line in its place with a stable code; the other lines are scored; the exit code is 2, never
1 and never a traceback. A table of the lines found in review (issue 12), a fuzz run over arbitrary
byte lines, and one real process over the whole table. Then real processes started with a standard
stream closed, or whose reader of standard output has gone: one line and exit code 2, or a quiet 141."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.cli import CHUNK, main

pytestmark = pytest.mark.usefixtures("clean_cli_environment")

GOOD_BEFORE = {"id": "voor", "text": "hoe oud ben je eigenlijk?"}
GOOD_AFTER = {"id": "na", "text": "we eten om zes uur"}
LIMIT = 5_000  # SIGNALS_MAX_TEXT_CHARS, the default


def _line(obj) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8", "surrogatepass")


# (name, the line's bytes, expected: ("error", code, id) or ("scored", id))
HOSTILE_LINES = [
    ("integer-of-5000-digits", b'{"id": ' + b"9" * 5000 + b', "text": "hoi"}', ("error", "E104", None)),
    ("lone-surrogate-in-id", b'{"id": "\\ud800", "text": "hoi"}', ("scored", "\ud800")),
    ("lone-surrogate-in-speaker", b'{"id": "s", "text": "ja", "context": [{"speaker": "\\udfff", "text": "hoi"}]}',
     ("scored", "s")),
    ("lone-surrogate-in-text", b'{"id": "t", "text": "\\udc00 hoe oud ben je"}', ("scored", "t")),
    ("100000-open-brackets", b"[" * 100_000, ("error", "E103", None)),
    ("deep-object-in-an-extra-field", b'{"id": "x", "text": "a", "meta": ' + b'{"a": ' * 100 + b"1" + b"}" * 100 + b"}",
     ("error", "E103", None)),
    ("text-over-1000000-characters", _line({"id": "lang", "text": "a " * 500_001}), ("error", "E105", "lang")),
    ("text-one-over-the-limit", _line({"id": "rand", "text": "x" * (LIMIT + 1)}), ("error", "E105", "rand")),
    ("nfkc-expands-18-fold", _line({"id": "fdfa", "text": "\ufdfa" * 300}), ("error", "E105", "fdfa")),
    ("context-turn-over-the-limit", _line({"id": "ctx", "text": "ok", "context": [{"speaker": "a", "text": "y" * 6000}]}),
     ("error", "E105", "ctx")),
    ("latin-1-byte", b'{"id": "b", "text": "caf\xe9"}', ("error", "E101", None)),
    ("overlong-utf8", b'{"id": "b", "text": "\xc0\xaf"}', ("error", "E101", None)),
    ("utf8-encoded-surrogate", b'{"id": "b", "text": "\xed\xa0\x80"}', ("error", "E101", None)),
    ("line-over-8-mb", b'{"id": "g", "text": "' + b"z" * 8_100_000 + b'"}', ("error", "E102", None)),
    ("nul-byte", b'{"id": "n", "text": "a\x00b"}', ("error", "E100", None)),
    ("infinite-float-id", b'{"id": 1e999999, "text": "hoi"}', ("error", "E100", None)),
    ("nan-text", b'{"id": "nan", "text": NaN}', ("error", "E100", "nan")),
    ("not-json-at-all", b"\x00\x01\x02\xfe", ("error", "E101", None)),
]


def _source(tmp_path: Path, hostile: bytes) -> Path:
    source = tmp_path / "in.jsonl"
    source.write_bytes(_line(GOOD_BEFORE) + b"\n" + hostile + b"\n" + _line(GOOD_AFTER) + b"\n")
    return source


def _rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").split("\n") if line]  # not splitlines: U+2028 is text


@pytest.mark.parametrize(("hostile", "expected"), [(line, expected) for _, line, expected in HOSTILE_LINES],
                         ids=[name for name, _, _ in HOSTILE_LINES])
def test_a_hostile_line_is_answered_in_place(loaded, tmp_path, capsys, hostile, expected):
    source, target = _source(tmp_path, hostile), tmp_path / "out.jsonl"
    code = main(["score", str(source), "-o", str(target), "--model", str(loaded)])
    err = capsys.readouterr().err
    assert "Traceback" not in err
    rows = _rows(target)
    assert [rows[0]["id"], rows[2]["id"]] == ["voor", "na"]
    assert "category_scores" in rows[0] and "category_scores" in rows[2]
    if expected[0] == "scored":
        assert code == 0
        assert rows[1]["id"] == expected[1] and "category_scores" in rows[1]
    else:
        assert code == 2
        _, error_code, error_id = expected
        assert rows[1]["line"] == 2 and rows[1]["id"] == error_id
        assert rows[1]["error"]["code"] == error_code
        assert len(rows[1]["error"]["message"]) < 300                 # never the line itself
        assert f"error: {error_code}: {source}:2" in err


def _expected_rows(lines: list[bytes]) -> int:
    """Output lines for these input lines: one per line, except blank ones (valid UTF-8, only whitespace)."""
    count = 0
    for number, line in enumerate(lines, 1):
        try:
            text = line.decode("utf-8")
        except UnicodeDecodeError:
            count += 1
            continue
        count += bool((text.removeprefix("\ufeff") if number == 1 else text).strip())
    return count


_json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4),
    max_leaves=12)
_records = st.fixed_dictionaries({"id": st.one_of(st.text(max_size=10), st.integers()), "text": st.text(max_size=60)},
                                 optional={"context": st.lists(st.fixed_dictionaries(
                                     {"speaker": st.text(max_size=5), "text": st.text(max_size=30)}), max_size=3)})
_lines = st.one_of(
    st.binary(max_size=80),
    _json_values.map(lambda v: json.dumps(v).encode()),
    _records.map(lambda r: json.dumps(r, ensure_ascii=False).encode("utf-8", "surrogatepass")),
    _records.map(lambda r: json.dumps(r).encode()[: len(json.dumps(r)) // 2]),   # cut short
).map(lambda line: line.replace(b"\n", b" "))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(_lines, min_size=1, max_size=8), newline_at_end=st.booleans())
def test_fuzz_any_bytes_give_one_output_line_per_input_line(loaded, tmp_path, capsys, lines, newline_at_end):
    source, target = tmp_path / "fuzz.jsonl", tmp_path / "fuzz.out.jsonl"
    source.write_bytes(b"\n".join(lines) + (b"\n" if newline_at_end else b""))
    code = main(["score", str(source), "-o", str(target), "--model", str(loaded)])
    err = capsys.readouterr().err
    assert code in (0, 2)
    assert "Traceback" not in err
    rows = _rows(target)
    assert len(rows) == _expected_rows(lines)
    errors = [row["line"] for row in rows if "error" in row]
    assert errors == sorted(errors)
    assert (code == 2) == bool(errors)


@pytest.mark.slow
def test_a_real_run_over_every_hostile_line(tiny_model_dir, tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out.jsonl"
    lines = [_line(GOOD_BEFORE)] + [line for _, line, _ in HOSTILE_LINES] + [_line(GOOD_AFTER)]
    source.write_bytes(b"\n".join(lines) + b"\n")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    result = subprocess.run([sys.executable, "-m", "signals.cli", "score", str(source), "-o", str(target),
                             "--model", str(tiny_model_dir)], check=False, cwd=tmp_path, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 2, result.stderr[-2000:]
    assert "Traceback" not in result.stderr
    rows = _rows(target)
    assert len(rows) == len(lines)
    codes = [row["error"]["code"] if "error" in row else "scored" for row in rows]
    assert codes == ["scored"] + [e[1] if e[0] == "error" else "scored" for _, _, e in HOSTILE_LINES] + ["scored"]
    errors = sum(e[0] == "error" for _, _, e in HOSTILE_LINES)
    assert f"{errors} malformed line(s); the other lines were scored" in result.stderr


LABELLED = [{"id": "p", "text": "hoe oud ben je? stuur een foto", "labels": ["recruitment"]},
            {"id": "n", "text": "we eten om zes uur", "labels": []}]


def _files(tmp_path: Path) -> dict[str, str]:
    """The files of a command line: {in} (messages, labelled for evaluate too), {many} (three chunks of
    messages) and {out}."""
    source, many = tmp_path / "in.jsonl", tmp_path / "many.jsonl"
    source.write_bytes(b"".join(_line(record) + b"\n" for record in LABELLED))
    many.write_bytes(b"".join(_line({**GOOD_BEFORE, "id": i}) + b"\n" for i in range(3 * CHUNK)))
    return {"in": str(source), "many": str(many), "out": str(tmp_path / "out.jsonl")}


def _signals(argv: list[str], tmp_path: Path, redirection: str = "", **streams) -> subprocess.CompletedProcess:
    """A real ``signals`` process, started by the shell with ``redirection`` (``<&-`` closes standard
    input); block-buffered output as a user has it (without PYTHONUNBUFFERED, which hides a late write)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_") and k != "PYTHONUNBUFFERED"}
    files = _files(tmp_path)
    command = ["sh", "-c", f'exec "$0" -m signals.cli "$@" {redirection}', sys.executable,
               *[arg.format(**files) for arg in argv]]
    streams = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, **streams}
    return subprocess.run(command, check=False, cwd=tmp_path, env=env, text=True, timeout=300, **streams)


# (name, the shell's redirection, the command line, its one line on stderr): refused before the model loads
CLOSED_STREAMS = [
    ("score-stdin-closed", "<&-", ["score", "-"], "standard input is closed: name an input file"),
    ("score-stdin-closed-by-default", "<&-", ["score", "-o", "{out}"], "standard input is closed: name an input file"),
    ("score-stdout-closed", ">&-", ["score", "{in}"], "standard output is closed: name an output file"),
    ("score-conversations-stdout-closed", ">&-", ["score-conversations", "{in}"],
     "standard output is closed: name an output file"),
    ("evaluate-stdout-closed", ">&-", ["evaluate", "messages", "{in}", "--report", "{out}"],
     "standard output is closed: evaluate prints its table there"),
]


@pytest.mark.parametrize(("redirection", "argv", "message"), [case[1:] for case in CLOSED_STREAMS],
                         ids=[case[0] for case in CLOSED_STREAMS])
def test_a_closed_standard_stream_is_one_line_and_exit_code_2(tiny_model_dir, tmp_path, redirection, argv, message):
    result = _signals([*argv, "--model", str(tiny_model_dir)], tmp_path, redirection)
    assert (result.returncode, result.stderr) == (2, f"error: E100: {message}\n")
    assert not (tmp_path / "out.jsonl").exists()


# (name, the shell's redirection, the command line, where the scores go): a closed stream the run does not use
UNUSED_STREAMS = [
    ("stdin-closed-input-from-a-file", "<&-", ["score", "{in}"], "stdout"),
    ("stdout-closed-output-to-a-file", ">&-", ["score", "{in}", "-o", "{out}"], "out.jsonl"),
    ("stderr-closed", "2>&-", ["score", "{in}"], "stdout"),   # its messages went into the scores, then a traceback
]


@pytest.mark.slow
@pytest.mark.parametrize(("redirection", "argv", "output"), [case[1:] for case in UNUSED_STREAMS],
                         ids=[case[0] for case in UNUSED_STREAMS])
def test_a_closed_stream_the_run_does_not_use_is_no_error(tiny_model_dir, tmp_path, redirection, argv, output):
    result = _signals([*argv, "--model", str(tiny_model_dir)], tmp_path, redirection)
    assert result.returncode == 0, result.stderr[-2000:]
    scores = result.stdout if output == "stdout" else (tmp_path / output).read_text(encoding="utf-8")
    assert [json.loads(line)["id"] for line in scores.splitlines()] == ["p", "n"]


@pytest.mark.slow
def test_output_to_dev_stdout_goes_through_the_pipe(tiny_model_dir, tmp_path):
    """``-o /dev/stdout`` into a pipe: the link resolved to ``pipe:[N]``, taken for a folder that did not exist."""
    result = _signals(["score", "{in}", "-o", "/dev/stdout", "--model", str(tiny_model_dir)], tmp_path)
    assert result.returncode == 0, result.stderr[-2000:]
    assert [json.loads(line)["id"] for line in result.stdout.splitlines()] == ["p", "n"]


# (name, the command line): the reader of standard output went away before the first line (`| head`, `| true`)
BROKEN_PIPES = [
    ("score", ["score", "{in}"]),
    ("score-two-workers-with-chunks-in-flight", ["score", "{many}", "--workers", "2"]),
    ("evaluate", ["evaluate", "messages", "{in}"]),   # its table was left to Python's exit: a warning and 120
]


@pytest.mark.slow
@pytest.mark.parametrize("argv", [argv for _, argv in BROKEN_PIPES], ids=[name for name, _ in BROKEN_PIPES])
def test_a_reader_that_went_away_is_a_quiet_exit_code_141(tiny_model_dir, tmp_path, argv):
    reader, writer = os.pipe()
    os.close(reader)
    try:
        result = _signals([*argv, "--model", str(tiny_model_dir)], tmp_path, stdout=writer)
    finally:
        os.close(writer)
    assert result.returncode == 141, result.stderr[-2000:]
    assert result.stderr.startswith("model: ") and result.stderr.count("\n") == 1, result.stderr[-2000:]
