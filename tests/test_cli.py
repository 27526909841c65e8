"""The command line, end to end through ``signals.cli.main`` with the small trained model."""

from __future__ import annotations

import io
import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from signals.cli import main
from signals.taxonomy import CATEGORIES, route_for

SCORE_FIELDS = {"id", "flagged", "labels", "category_scores", "route", "tactics", "model"}
CONVERSATION_FIELDS = {"id", "label", "risk", "suspect", "first_alert_turn", "speaker_risk", "model"}

MESSAGES = [
    {"id": "m1", "text": "stuur 200 euro of ik stuur je naaktfoto's naar al je volgers, je hebt 1 uur"},
    {"id": "m2", "text": "zullen we morgen samen huiswerk maken?"},
    {"id": 3, "text": "ge zijt echt anders dan de rest, kom op s n a p 😍"},
    {"id": "m4", "text": "14", "context": [{"speaker": "a", "text": "hoe oud ben je"}]},  # blank text is refused
]


pytestmark = pytest.mark.usefixtures("clean_cli_environment")


def write_jsonl(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows),
                    encoding="utf-8")
    return path


def output_rows(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines()]


def check_scored(row: dict, message: dict) -> None:
    assert set(row) == SCORE_FIELDS
    assert row["id"] == str(message["id"])
    assert set(row["category_scores"]) == set(CATEGORIES)
    assert all(0.0 <= s <= 1.0 for s in row["category_scores"].values())
    assert set(row["labels"]) <= set(CATEGORIES)
    assert row["flagged"] == bool(row["labels"])
    assert row["route"] == route_for(row["labels"])
    assert set(row["model"]) == {"name", "version", "sha256"}
    for tactic in row["tactics"]:
        assert set(tactic) == {"tactic", "start", "end", "score"}
        assert 0 <= tactic["start"] < tactic["end"] <= len(message["text"])


# -- score ----------------------------------------------------------------------------------------

def test_score_happy_path(tiny_model_dir, tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES)
    assert main(["score", str(source), "--model", str(tiny_model_dir)]) == 0
    captured = capsys.readouterr()
    rows = output_rows(captured.out)
    assert len(rows) == len(MESSAGES)
    for row, message in zip(rows, MESSAGES):
        check_scored(row, message)
    assert captured.err == f"model: signals-nl {rows[0]['model']['version']} from {tiny_model_dir.resolve()} (sha256 {rows[0]['model']['sha256']})\n"
    spans = {(t["tactic"], MESSAGES[0]["text"][t["start"]:t["end"]]) for t in rows[0]["tactics"]}
    assert ("payment_demand", "stuur 200 euro") in spans
    assert ("deadline", "je hebt 1 uur") in spans
    spans = {(t["tactic"], MESSAGES[2]["text"][t["start"]:t["end"]]) for t in rows[2]["tactics"]}
    assert ("platform_switch", "kom op s n a p") in spans
    assert len({row["model"]["sha256"] for row in rows}) == 1


def test_score_reads_stdin(tiny_model_dir, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("".join(json.dumps(m) + "\n" for m in MESSAGES[:2])))
    assert main(["score", "--model", str(tiny_model_dir)]) == 0
    rows = output_rows(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["m1", "m2"]


def test_score_reads_stdin_with_dash(loaded, monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(MESSAGES[1]) + "\n"))
    assert main(["score", "-", "--model", str(loaded)]) == 0
    assert [r["id"] for r in output_rows(capsys.readouterr().out)] == ["m2"]


@pytest.mark.parametrize("variable", ["SIGNALS_MODEL", "SIGNALS_MODEL_DIR"])
def test_score_model_from_the_environment(tiny_model_dir, tmp_path, monkeypatch, capsys, variable):
    monkeypatch.setenv(variable, str(tiny_model_dir))
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source)]) == 0
    captured = capsys.readouterr()
    assert len(output_rows(captured.out)) == 1
    assert f"from {tiny_model_dir.resolve()} (sha256 " in captured.err


def test_score_to_a_file(tiny_model_dir, tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES)
    target = tmp_path / "out.jsonl"
    assert main(["score", str(source), "-o", str(target), "--model", str(tiny_model_dir)]) == 0
    assert capsys.readouterr().out == ""
    rows = output_rows(target.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == ["m1", "m2", "3", "m4"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "out.jsonl"]


def test_empty_input_scores_nothing(loaded, tmp_path, capsys):
    source = tmp_path / "in.jsonl"
    source.write_text("\n  \n", encoding="utf-8")
    assert main(["score", str(source), "--model", str(loaded)]) == 0
    assert capsys.readouterr().out == ""


# -- score-conversations --------------------------------------------------------------------------

CONVERSATIONS = [
    {"id": "c1", "turns": [
        {"speaker": "a", "text": "hey je bent echt anders dan de rest"},
        {"speaker": "b", "text": "haha dankje"},
        {"speaker": "a", "text": "hoe oud ben je? zijn je ouders thuis?"},
        {"speaker": "a", "text": "vertel het aan niemand en kom op snap"},
    ]},
    {"id": 2, "turns": [{"speaker": "moeder", "text": "hoe laat ben je thuis?"},
                        {"speaker": "kind", "text": "om 6 uur"}]},
]


def test_score_conversations(tiny_model_dir, tmp_path, capsys):
    source = write_jsonl(tmp_path / "conv.jsonl", CONVERSATIONS)
    assert main(["score-conversations", str(source), "--model", str(tiny_model_dir)]) == 0
    rows = output_rows(capsys.readouterr().out)
    assert [r["id"] for r in rows] == ["c1", "2"]
    for row in rows:
        assert set(row) == CONVERSATION_FIELDS
        assert row["label"] in {"grooming", "benign"}
        assert 0.0 <= row["risk"] <= 1.0
        assert (row["label"] == "grooming") == bool(row["suspect"])
        assert row["first_alert_turn"] is None or isinstance(row["first_alert_turn"], int)


def test_score_conversations_malformed_line(loaded, tmp_path, capsys):
    source = write_jsonl(tmp_path / "conv.jsonl", [CONVERSATIONS[0], {"id": "leeg", "turns": []}, CONVERSATIONS[1]])
    assert main(["score-conversations", str(source), "--model", str(loaded)]) == 2
    captured = capsys.readouterr()
    rows = output_rows(captured.out)
    assert [r["id"] for r in rows] == ["c1", "leeg", "2"]
    assert rows[1]["line"] == 2 and set(rows[1]) == {"id", "line", "error"}
    assert f"{source}:2: 'turns' must be a non-empty list" in captured.err


# -- malformed input ------------------------------------------------------------------------------

@pytest.mark.parametrize(("bad_line", "message", "error_id"), [
    ('{"id": "x", "text": "hoi"', "not valid JSON", None),
    ("geen json", "not valid JSON", None),
    ('{"id": "x"}', "'text' must be a string", "x"),
    ('{"id": "x", "text": 42}', "'text' must be a string", "x"),
    ('{"id": "x", "text": null}', "'text' must be a string", "x"),
    ('{"text": "hoi"}', "'id' must be a string or an integer", None),
    ('{"id": 1.5, "text": "hoi"}', "'id' must be a string or an integer", None),
    ('["x", "hoi"]', "expected a JSON object", None),
    ('{"id": "x", "text": "hoi", "context": "vorige"}', "'context' must be a list of turns", "x"),
    # what the API refuses (signals.validation)
    ('{"id": "", "text": "hoi"}', "'id' must not be empty", None),
    ('{"id": "' + "i" * 257 + '", "text": "hoi"}', "'id' must be at most 256 characters", None),
    ('{"id": "x", "text": ""}', "'text' must be a non-empty string, not whitespace only", "x"),
    ('{"id": "x", "text": " \\t\\n "}', "'text' must be a non-empty string, not whitespace only", "x"),
    ('{"id": "x", "text": "\\u3000"}', "'text' must be a non-empty string, not whitespace only", "x"),
], ids=["truncated-json", "not-json", "missing-text", "text-number", "text-null", "missing-id", "id-float",
        "array", "context-string", "id-empty", "id-over-256", "text-empty", "text-whitespace", "text-unicode-space"])
def test_malformed_line(loaded, tmp_path, capsys, bad_line, message, error_id):
    source = write_jsonl(tmp_path / "in.jsonl", [MESSAGES[0], bad_line, MESSAGES[1]])
    assert main(["score", str(source), "--model", str(loaded)]) == 2
    captured = capsys.readouterr()
    rows = output_rows(captured.out)
    assert len(rows) == 3
    check_scored(rows[0], MESSAGES[0])
    check_scored(rows[2], MESSAGES[1])
    assert rows[1] == {"id": error_id, "line": 2,
                       "error": {"code": "E100", "message": rows[1]["error"]["message"]}}
    assert rows[1]["error"]["message"].startswith(f"{source}:2: {message}")
    assert f"error: E100: {source}:2: {message}" in captured.err
    assert "1 malformed line(s); the other lines were scored" in captured.err


# (the second line, and what becomes of it: None scored, else (the error message after "<file>:2", its id))
CONVERSATION_LINES = [
    ({"id": "m", "turns": [{"speaker": "a", "text": ""}, {"speaker": "b", "text": "hoi"}]}, None),  # media-only turn
    ({"id": " ", "turns": [{"speaker": " ", "text": " "}]}, None),
    ({"id": "", "turns": [{"speaker": "a", "text": "hoi"}]}, (": 'id' must not be empty", None)),
    ({"id": "s", "turns": [{"speaker": "a", "text": "x"}, {"speaker": "", "text": "y"}]},
     (" turns[1]: 'speaker' must not be empty", "s")),
    ({"id": "l", "turns": [{"speaker": "a" * 257, "text": "x"}]}, (" turns[0]: 'speaker' must be at most 256 characters",
                                                                   "l")),
]


@pytest.mark.parametrize(("line", "expected"), CONVERSATION_LINES)
def test_score_conversations_holds_each_line_to_the_apis_rules(loaded, tmp_path, capsys, line, expected):
    source = write_jsonl(tmp_path / "conv.jsonl", [CONVERSATIONS[0], line, CONVERSATIONS[1]])
    target = tmp_path / "out.jsonl"
    code = main(["score-conversations", str(source), "-o", str(target), "--model", str(loaded)])
    captured = capsys.readouterr()
    rows = output_rows(target.read_text(encoding="utf-8"))
    assert [rows[0]["id"], rows[2]["id"]] == ["c1", "2"] and "risk" in rows[0] and "risk" in rows[2]
    if expected is None:
        assert code == 0 and rows[1]["id"] == line["id"] and "risk" in rows[1]
        return
    message, error_id = expected
    assert code == 2
    assert rows[1] == {"id": error_id, "line": 2, "error": {"code": "E100", "message": f"{source}:2{message}"}}
    assert f"error: E100: {source}:2{message}\n" in captured.err
    assert "1 malformed line(s); the other lines were scored" in captured.err


def test_several_malformed_lines_keep_their_positions(loaded, tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", ["x", MESSAGES[0], "", '{"id": 1}', MESSAGES[1], "y"])
    assert main(["score", str(source), "--model", str(loaded)]) == 2
    captured = capsys.readouterr()
    rows = output_rows(captured.out)
    assert [r.get("line") for r in rows] == [1, None, 4, None, 6]
    assert [r["id"] for r in rows] == [None, "m1", "1", "m2", None]
    assert "3 malformed line(s)" in captured.err


def test_malformed_lines_with_an_output_file_still_write_it(loaded, tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", [MESSAGES[0], "kapot"])
    target = tmp_path / "out.jsonl"
    assert main(["score", str(source), "-o", str(target), "--model", str(loaded)]) == 2
    rows = output_rows(target.read_text(encoding="utf-8"))
    assert [r["id"] for r in rows] == ["m1", None]


# -- errors that stop the run ---------------------------------------------------------------------

def test_missing_input_file(loaded, tmp_path, capsys):
    assert main(["score", str(tmp_path / "nergens.jsonl"), "--model", str(loaded)]) == 2
    captured = capsys.readouterr()
    assert "error: E100: input file not found" in captured.err
    assert captured.out == ""


@pytest.mark.parametrize(("folder", "reason"), [("geen-model", "no such folder"), ("leeg", "missing manifest.json")])
def test_missing_model_dir(tmp_path, capsys, folder, reason):
    (tmp_path / "leeg").mkdir()
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source), "--model", str(tmp_path / folder)]) == 2
    captured = capsys.readouterr()
    assert f"error: E200: no model at {tmp_path / folder} ({reason})" in captured.err
    assert "make train" in captured.err and "--model DIR or SIGNALS_MODEL=DIR" in captured.err
    assert captured.out == ""


def test_no_model_given_and_none_in_the_default_places(tmp_path, capsys, monkeypatch):
    places = [tmp_path / "models" / "signals-nl", tmp_path / "checkout" / "models" / "signals-nl"]
    monkeypatch.setattr("signals.settings.default_model_dirs", lambda: places)
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source)]) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"error: E200: no model given and none in {places[0]} or {places[1]}: give the model directory "
                            "with --model DIR or SIGNALS_MODEL=DIR (`make train` trains the default model)\n")
    assert captured.out == ""


def test_the_default_model_is_found_outside_the_checkout(tmp_path, capsys, monkeypatch, tiny_model_dir):
    """No --model and no SIGNALS_MODEL: ./models/<default model> is used, wherever the command runs."""
    import shutil

    from signals.settings import DEFAULT_MODEL_NAME

    shutil.copytree(tiny_model_dir, tmp_path / "models" / DEFAULT_MODEL_NAME)
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source)]) == 0   # the fixture made tmp_path the working directory
    assert f"from {(tmp_path / 'models' / DEFAULT_MODEL_NAME).resolve()}" in capsys.readouterr().err


@pytest.fixture
def model_copy(tiny_model_dir, tmp_path) -> Path:
    copy = tmp_path / "models" / "copy"
    shutil.copytree(tiny_model_dir, copy)
    return copy


@pytest.mark.parametrize("name", ["thresholds.json", "patterns.yaml", "weights.joblib"])
def test_tampered_model(model_copy, tmp_path, capsys, name):
    path = model_copy / name
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x20
    path.write_bytes(bytes(data))
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source), "--model", str(model_copy)]) == 2
    captured = capsys.readouterr()
    assert f"{name}: sha256 does not match the manifest" in captured.err
    assert captured.out == ""


def test_extra_file_in_model(model_copy, tmp_path, capsys):
    (model_copy / "evil.pkl").write_bytes(b"\x80\x04.")
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source), "--model", str(model_copy)]) == 2
    assert "evil.pkl: file not listed in the manifest" in capsys.readouterr().err


def test_model_outside_the_model_root(model_copy, tmp_path, monkeypatch, capsys):
    root = tmp_path / "trusted"
    root.mkdir()
    monkeypatch.setenv("SIGNALS_MODEL_ROOT", str(root))
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source), "--model", str(model_copy)]) == 2
    assert "outside the model root" in capsys.readouterr().err


def test_no_output_file_when_the_model_is_missing(tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES)
    target = tmp_path / "out" / "scores.jsonl"
    target.parent.mkdir()
    assert main(["score", str(source), "-o", str(target), "--model", str(tmp_path / "geen-model")]) == 2
    assert list(target.parent.iterdir()) == []


def test_a_stopped_run_leaves_no_output_and_keeps_the_previous_one(loaded, service, tmp_path, monkeypatch, capsys):
    def interrupted(messages, explain=True):
        raise KeyboardInterrupt

    monkeypatch.setattr(service, "score_messages", interrupted)
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES)
    target = tmp_path / "scores.jsonl"
    target.write_text("vorige run\n", encoding="utf-8")
    assert main(["score", str(source), "-o", str(target), "--model", str(loaded)]) == 130
    assert target.read_text(encoding="utf-8") == "vorige run\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl", "scores.jsonl"]
    assert "stopped by SIGINT before the end of the input" in capsys.readouterr().err


@pytest.mark.parametrize(("payload", "reason"), [
    (b"\xff\xfe\x00{", "invalid start byte at byte 0"),
    (b'{"id": "a", "text": "caf\xe9"}', "invalid continuation byte at byte 24"),
    (b"\xc3\x28", "invalid continuation byte at byte 0"),
])
def test_invalid_utf8_is_an_error_for_that_line_only(loaded, tmp_path, capsys, payload, reason):
    source = tmp_path / "in.jsonl"
    source.write_bytes((json.dumps(MESSAGES[0]) + "\n").encode() + payload + b"\n" + json.dumps(MESSAGES[1]).encode())
    target = tmp_path / "out.jsonl"
    assert main(["score", str(source), "-o", str(target), "--model", str(loaded)]) == 2
    rows = output_rows(target.read_text(encoding="utf-8"))
    check_scored(rows[0], MESSAGES[0])
    check_scored(rows[2], MESSAGES[1])
    assert rows[1] == {"id": None, "line": 2,
                       "error": {"code": "E101", "message": f"{source}:2: not valid UTF-8 ({reason})"}}
    assert f"error: E101: {source}:2: not valid UTF-8" in capsys.readouterr().err


def test_invalid_utf8_on_stdin(loaded, monkeypatch, capsys):
    stdin = io.TextIOWrapper(io.BytesIO(b'{"id": "a", "text": "\xff"}\n{"id": "b", "text": "hoi"}\n'),
                             encoding="utf-8", errors="strict")
    monkeypatch.setattr("sys.stdin", stdin)
    assert main(["score", "--model", str(loaded)]) == 2
    captured = capsys.readouterr()
    assert [row["id"] for row in output_rows(captured.out)] == [None, "b"]
    assert "-:1: not valid UTF-8" in captured.err


def test_missing_output_folder(loaded, tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    target = tmp_path / "nergens" / "out.jsonl"
    assert main(["score", str(source), "-o", str(target), "--model", str(loaded)]) == 2
    assert "output folder does not exist" in capsys.readouterr().err
    assert not target.parent.exists()


@pytest.mark.parametrize("argv", [[], ["onbekend"], ["score", "--onbekend"]])
def test_bad_arguments_exit_with_usage(argv, capsys):
    with pytest.raises(SystemExit) as info:
        main(argv)
    assert info.value.code == 2
    assert "usage: signals" in capsys.readouterr().err


# -- paths, settings and the output file: one line on stderr, exit 2, nothing lost ------------------

def _same_as_input(tmp_path: Path) -> list[str]:
    return [str(tmp_path / "in.jsonl"), "-o", str(tmp_path / "in.jsonl")]


@pytest.mark.parametrize(("argv", "message"), [
    (lambda t: [str(t / "in.jsonl"), "-o", str(t)], "output is a folder, not a file"),
    (lambda t: [str(t / "in.jsonl"), "-o", ""], "output path is empty"),
    (lambda t: [str(t / "in.jsonl"), "-o", str(t / "in.jsonl" / "x")], "output folder does not exist"),
    (lambda t: [str(t / "in.jsonl"), "-o", "/proc/uit.jsonl"], "cannot write in the output folder /proc"),
    (_same_as_input, "output is the input file"),
    (lambda t: [str(t)], "input is a folder, not a file"),
])
def test_a_bad_path_is_refused_before_scoring_and_the_input_is_kept(loaded, tmp_path, capsys, argv, message):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    before = source.read_bytes()
    assert main(["score", *argv(tmp_path), "--model", str(loaded)]) == 2
    err = capsys.readouterr().err
    assert message in err and "Traceback" not in err and "model:" not in err   # refused before the model loads
    assert source.read_bytes() == before


def test_a_replaced_output_file_keeps_its_permissions(loaded, tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    target = tmp_path / "uit.jsonl"
    target.write_text("oud\n", encoding="utf-8")
    target.chmod(0o640)
    assert main(["score", str(source), "-o", str(target), "--model", str(loaded)]) == 0
    assert target.stat().st_mode & 0o777 == 0o640 and target.read_text(encoding="utf-8") != "oud\n"


WORKERS_MEANING = "(0: one per core for input files of 1 MB or more, else 1)"


@pytest.mark.parametrize(("command", "workers", "message"), [
    ("score", "-3", f"--workers must be 0 or more {WORKERS_MEANING}, not -3"),
    ("score", "-1", f"--workers must be 0 or more {WORKERS_MEANING}, not -1"),
    ("score-conversations", "-3", f"--workers must be 0 or more {WORKERS_MEANING}, not -3"),
    ("score", "0", None),            # 0: automatic, as documented
    ("score", "1", None),
])
def test_a_negative_worker_count_is_refused_before_anything_runs(loaded, tmp_path, capsys, command, workers, message):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1] if command == "score" else CONVERSATIONS[:1])
    target = tmp_path / "out.jsonl"
    code = main([command, str(source), "-o", str(target), "--workers", workers, "--model", str(loaded)])
    err = capsys.readouterr().err
    if message is None:
        assert code == 0 and len(output_rows(target.read_text(encoding="utf-8"))) == 1
        return
    assert code == 2
    assert err == f"error: E300: {message}\n"                  # one line, before the model loads
    assert sorted(p.name for p in tmp_path.iterdir()) == ["in.jsonl"]


@pytest.mark.parametrize(("processes", "message"), [
    ("-3", "--processes must be 1 to 64, not -3"),
    ("0", "--processes must be 1 to 64, not 0"),
    ("65", "--processes must be 1 to 64, not 65"),   # SIGNALS_PROCESSES's range: 65 started a crash-looping server
])
def test_a_bad_process_count_is_refused_before_the_server_starts(tmp_path, capsys, monkeypatch, processes, message):
    def serve(**_kwargs):
        raise AssertionError("the server was started")

    monkeypatch.setattr("signals.api.server.serve", serve)
    monkeypatch.delenv("SIGNALS_PROCESSES", raising=False)
    assert main(["serve", "--processes", processes, "--model", str(tmp_path / "geen-model")]) == 2
    assert capsys.readouterr().err == f"error: E300: {message}\n"
    assert "SIGNALS_PROCESSES" not in os.environ


@pytest.mark.parametrize("port", ["70000", "-1"])
def test_a_port_out_of_range_is_refused_before_the_model_loads(tmp_path, capsys, monkeypatch, port):
    def serve(**_kwargs):
        raise AssertionError("the server was started")

    monkeypatch.setattr("signals.api.server.serve", serve)
    assert main(["serve", "--port", port, "--model", str(tmp_path / "geen-model")]) == 2
    assert capsys.readouterr().err == f"error: E300: --port must be 0 to 65535, not {port}\n"


@pytest.mark.parametrize("argv", [["score-conversations"], ["evaluate", "conversations"]])
def test_a_model_without_a_conversation_part_is_refused_for_conversations(tiny_model_dir, service, tmp_path, monkeypatch,
                                                                           capsys, argv):
    import copy
    import dataclasses

    messages_only = copy.copy(service)
    messages_only.model = dataclasses.replace(service.model, conversation=None)
    monkeypatch.setattr("signals.cli._verified_service", lambda model_dir, settings: messages_only)
    source = write_jsonl(tmp_path / "c.jsonl", [{"id": "c1", "label": "benign", "turns": [{"speaker": "a", "text": "hoi"}]}])
    assert main([*argv, str(source), "--model", str(tiny_model_dir)]) == 2
    assert "has no conversation model: it scores messages only" in capsys.readouterr().err


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("SIGNALS_BATCH_SIZE", "abc", "SIGNALS_BATCH_SIZE: Input should be a valid integer"),
    ("SIGNALS_MAX_TEXT_CHARS", "-1", "SIGNALS_MAX_TEXT_CHARS: Input should be greater than or equal to 1"),
    ("SIGNALS_WORKERS", "0", "SIGNALS_WORKERS"),
    ("SIGNALS_MAX_LINE_BYTES", str(2**63 - 1), "SIGNALS_MAX_LINE_BYTES"),   # was an OverflowError when reading
])
def test_a_bad_setting_is_one_line_naming_the_variable(loaded, tmp_path, monkeypatch, capsys, variable, value, message):
    monkeypatch.setenv(variable, value)
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source), "--model", str(loaded)]) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("content", "message"), [
    (b'SIGNALS_MAX_TEXT_CHARS="10\n', ":1: cannot parse this line"),   # python-dotenv would drop it with a warning
    (b"\xff\xfeSIGNALS_BATCH_SIZE=4\n", "is not UTF-8 text"),
])
def test_an_env_file_that_cannot_be_read_whole_is_an_error(loaded, tmp_path, capsys, content, message):
    env = tmp_path / "signals.env"
    env.write_bytes(content)
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source), "--model", str(loaded), "--env-file", str(env)]) == 2
    assert message in capsys.readouterr().err


def test_a_full_disk_is_one_line_not_a_traceback(loaded, tmp_path, monkeypatch, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])

    class Full(io.StringIO):
        def write(self, _text):
            raise OSError(28, "No space left on device")

    monkeypatch.setattr("sys.stdout", Full())
    assert main(["score", str(source), "--model", str(loaded)]) == 2
    assert capsys.readouterr().err.strip().endswith("error: No space left on device")


def _rewrite(model_dir: Path, name: str, edit) -> None:
    """Change a model file and re-hash it in the manifest, as someone editing a model by hand would."""
    from signals.model.artifact import MANIFEST, sha256_bytes

    path = model_dir / name
    path.write_bytes(edit(path.read_bytes()))
    manifest = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
    manifest["files"][name] = sha256_bytes(path.read_bytes())
    (model_dir / MANIFEST).write_text(json.dumps(manifest), encoding="utf-8")


def _thresholds(change):
    def edit(data: bytes) -> bytes:
        thresholds = json.loads(data)
        change(thresholds["messages"])
        return json.dumps(thresholds).encode("utf-8")
    return edit


@pytest.mark.parametrize(("name", "edit", "message"), [
    # a NaN threshold switched its category off without a word; a missing or a string one failed at scoring
    ("thresholds.json", _thresholds(lambda m: m["high_precision"].update(recruitment=float("nan"))),
     "high_precision.recruitment is nan, not a number from 0 to 1"),
    ("thresholds.json", _thresholds(lambda m: m["high_recall"].pop("sextortion")), "high_recall has no threshold for ['sextortion']"),
    ("thresholds.json", _thresholds(lambda m: m["high_precision"].update(disclosure="0.3")), "high_precision.disclosure is '0.3'"),
    ("thresholds.json", _thresholds(lambda m: m["high_precision"].update(disclosure=True)), "high_precision.disclosure is True"),
    ("model.json", lambda data: b"[1]", "not a model this signals can read"),                      # was an AttributeError
    ("patterns.yaml", lambda data: b"flattery: [ {name: x, regex: '(', score", "patterns file is not valid YAML"),
])
def test_a_model_that_cannot_be_served_is_refused_when_it_loads(model_copy, tmp_path, capsys, name, edit, message):
    _rewrite(model_copy, name, edit)
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES[:1])
    assert main(["score", str(source), "--model", str(model_copy)]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and len(captured.err.strip().splitlines()) == 1 and captured.out == ""


def _format(number: int):
    def edit(data: bytes) -> bytes:
        return json.dumps({**json.loads(data), "format": number}).encode("utf-8")
    return edit


OLDER_FORMAT = ("error: E201: model.json: not a model description this signals can read (model format 2; this "
                "signals reads format 3: train the model again with it (make train))\n")


@pytest.mark.parametrize("argv", [
    lambda t: ["score", str(write_jsonl(t / "in.jsonl", MESSAGES[:1]))],
    lambda t: ["score-conversations", str(write_jsonl(t / "in.jsonl", CONVERSATIONS[:1]))],
    lambda t: ["evaluate", "messages", str(write_jsonl(t / "in.jsonl", MESSAGES[:1]))],
    lambda t: ["spark-score", str(write_jsonl(t / "in.jsonl", MESSAGES[:1])), str(t / "uit")],  # before Spark starts
], ids=["score", "score-conversations", "evaluate", "spark-score"])
def test_a_model_of_an_older_format_is_refused_with_its_code(model_copy, tmp_path, capsys, argv):
    """The API named the code (E201) for a model.json of format 2, the command line only the message."""
    _rewrite(model_copy, "model.json", _format(2))
    assert main([*argv(tmp_path), "--model", str(model_copy)]) == 2
    captured = capsys.readouterr()
    assert captured.err == OLDER_FORMAT and captured.out == ""


# -- outputs that are not plain files, and a terminal -----------------------------------------------

def test_a_run_in_a_terminal_shows_progress_and_scores_everything(loaded, tmp_path, monkeypatch, capsys):
    """A tqdm bar refuses bool(): every run started by hand in a terminal crashed (exit 1)."""
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True, raising=False)
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES)
    assert main(["score", str(source), "-o", str(tmp_path / "out.jsonl"), "--model", str(loaded)]) == 0
    assert len(output_rows((tmp_path / "out.jsonl").read_text(encoding="utf-8"))) == len(MESSAGES)
    assert " lines" in capsys.readouterr().err


def test_output_through_a_symbolic_link_writes_its_target_and_keeps_the_link(loaded, tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES)
    target = tmp_path / "target.jsonl"
    target.write_text("old\n", encoding="utf-8")
    link = tmp_path / "link.jsonl"
    link.symlink_to(target)
    assert main(["score", str(source), "-o", str(link), "--model", str(loaded)]) == 0
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert len(output_rows(target.read_text(encoding="utf-8"))) == len(MESSAGES)


def test_output_to_a_named_pipe_is_written_through_not_replaced(loaded, tmp_path, capsys):
    import threading

    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES)
    pipe = tmp_path / "out.fifo"
    os.mkfifo(pipe)
    received: list[str] = []
    reader = threading.Thread(target=lambda: received.append(pipe.read_text(encoding="utf-8")))
    reader.start()
    assert main(["score", str(source), "-o", str(pipe), "--model", str(loaded)]) == 0
    reader.join(timeout=30)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert len(output_rows(received[0])) == len(MESSAGES)


def test_output_to_dev_null_is_accepted(loaded, tmp_path, capsys):
    source = write_jsonl(tmp_path / "in.jsonl", MESSAGES)
    assert main(["score", str(source), "-o", os.devnull, "--model", str(loaded)]) == 0
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)


def test_standard_output_is_utf8_whatever_the_locale(loaded, tmp_path, monkeypatch):
    latin = io.TextIOWrapper(io.BytesIO(), encoding="latin-1")
    monkeypatch.setattr(sys, "stdout", latin)
    source = write_jsonl(tmp_path / "in.jsonl", [{"id": "één-😍", "text": "hoi"}])
    assert main(["score", str(source), "--model", str(loaded)]) == 0
    latin.flush()
    assert json.loads(latin.buffer.getvalue().decode("utf-8"))["id"] == "één-😍"
