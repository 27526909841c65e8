"""``signals evaluate``: a platform checks the model on its own labelled data before trusting it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from signals.cli import main

MESSAGES = [
    {"id": "1", "text": "stuur 200 euro of ik stuur je foto's naar al je volgers, je hebt 1 uur", "labels": ["sextortion"],
     "register": "standard"},
    {"id": "2", "text": "zullen we morgen samen huiswerk maken?", "labels": [], "register": "standard"},
    {"id": "3", "text": "ge zijt zo volwassen voor uw leeftijd, zeg niks tegen uw ouders", "labels": ["recruitment"],
     "register": "flemish"},
    {"id": "4", "text": "hoe laat zijde thuis? we eten om 6u", "labels": [], "register": "flemish"},
]
CONVERSATIONS = [
    {"id": "c1", "label": "benign", "turns": [{"speaker": "a", "text": "hoi"}, {"speaker": "b", "text": "hoi!"}]},
    {"id": "c2", "label": "grooming", "suspect": "x", "turns": [
        {"speaker": "x", "text": "jij bent anders dan de rest"}, {"speaker": "y", "text": "haha"},
        {"speaker": "x", "text": "hoe oud ben je? vertel niemand over ons"}, {"speaker": "y", "text": "14"},
        {"speaker": "x", "text": "stuur een foto of ik zet alles online, je hebt 1 uur"}]},
]


def write(path: Path, rows: list) -> Path:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r)) + "\n" for r in rows), encoding="utf-8")
    return path


def test_messages(tiny_model_dir, tmp_path, capsys):
    report = tmp_path / "report.json"
    code = main(["evaluate", "messages", str(write(tmp_path / "m.jsonl", MESSAGES)), "--model", str(tiny_model_dir),
                 "--report", str(report)])
    captured = capsys.readouterr()
    out = captured.out
    assert code == 0
    assert "4 messages" in out and "ROC-AUC" in out and "flemish" in out and "words" in out
    assert captured.err.startswith("model: signals-nl ") and f"from {tiny_model_dir.resolve()} (sha256 " in captured.err
    data = json.loads(report.read_text(encoding="utf-8"))
    assert set(data["categories"]) == {"recruitment", "sextortion", "disclosure"}
    assert set(data["registers"]) == {"standard", "flemish"} and data["model"]["sha256"]


def test_conversations(tiny_model_dir, tmp_path, capsys):
    report = tmp_path / "report.json"
    code = main(["evaluate", "conversations", str(write(tmp_path / "c.jsonl", CONVERSATIONS)),
                 "--model", str(tiny_model_dir), "--report", str(report)])
    assert code == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["n"] == 2 and data["grooming"] == 1 and "1-25" in data["length_buckets"]
    assert "2 conversations (1 grooming)" in capsys.readouterr().out


def test_conversations_at_the_high_recall_point_flag_at_least_as_many(tiny_model_dir, tmp_path, capsys, service):
    """--operating-point high_recall scores conversations at the model's high-recall thresholds."""
    scorer = service.model.conversation
    low = scorer.threshold_for(5) if not scorer.by_length else scorer.by_length[0][2]
    reports = {}
    for point in ("high_precision", "high_recall"):
        out = tmp_path / f"{point}.json"
        assert main(["evaluate", "conversations", str(write(tmp_path / "c.jsonl", CONVERSATIONS)), "--model",
                     str(tiny_model_dir), "--report", str(out), "--operating-point", point]) == 0
        reports[point] = json.loads(out.read_text(encoding="utf-8"))
        assert f"operating point {point}" in capsys.readouterr().out
    assert reports["high_recall"]["recall"] >= reports["high_precision"]["recall"]
    assert reports["high_recall"]["flag_rate_benign"] >= reports["high_precision"]["flag_rate_benign"]
    at = scorer.at_high_recall()
    assert at.threshold_for(5) == low and at.threshold_for(10**6) == scorer.high_recall
    assert all(at.threshold_for(n) <= scorer.threshold_for(n) for n in (1, 25, 26, 100, 101, 500, 501))


@pytest.mark.parametrize(("kind", "rows", "message"), [
    ("messages", [{"id": "1", "text": "hoi", "labels": ["onbekend"]}], r"m\.jsonl:1: 'labels' must be a list of"),
    ("messages", [MESSAGES[0], "{niet json"], r"m\.jsonl:2: not valid JSON"),
    ("messages", [{"id": "1", "text": "", "labels": []}], r"m\.jsonl:1: 'text' must be a non-empty string"),
    ("conversations", [{"id": "c", "label": "misschien", "turns": [{"speaker": "a", "text": "x"}]}],
     r"m\.jsonl:1: 'label' must be 'grooming' or 'benign'"),
    ("conversations", [{"id": "c", "label": "benign", "turns": []}], r"m\.jsonl:1: 'turns' must be a non-empty list"),
    # what the review of bad inputs found: each was a traceback, or silently skewed a metric
    ("messages", [{"id": "1", "text": "hoi", "labels": [], "register": {"a": 1}}], r"m\.jsonl:1: 'register' must be a string"),
    ("messages", [{"id": "1", "text": "hoi", "labels": [], "kind": ["x"]}], r"m\.jsonl:1: 'kind' must be a string"),
    ("messages", [{"id": "1", "text": "hoi", "labels": [], "register": "\udc00"}], r"'register' must be a string"),
    ("messages", ['{"id": "1", "labels": [], "text": ' + "[" * 5000 + "]" * 5000 + "}"], r"m\.jsonl:1: JSON nested deeper"),
    ("conversations", [{**CONVERSATIONS[1], "first_grooming_turn": "1"}], r"'first_grooming_turn' must be a turn index"),
    ("conversations", [{**CONVERSATIONS[1], "first_grooming_turn": 99}], r"'first_grooming_turn' must be a turn index"),
    ("conversations", [{**CONVERSATIONS[1], "suspect": "z"}], r"'suspect' must be one of the conversation's speakers"),
    ("conversations", [{**CONVERSATIONS[0], "turns": [{"speaker": True, "text": "hoi"}]}], r"'speaker' must be a string"),
    # what the API refuses (signals.validation), as `signals score` refuses it
    ("messages", [MESSAGES[0], {**MESSAGES[1], "id": ""}], r"m\.jsonl:2: 'id' must not be empty"),
    ("messages", [{**MESSAGES[1], "id": "i" * 257}], r"m\.jsonl:1: 'id' must be at most 256 characters"),
    ("messages", [{**MESSAGES[1], "text": " \t\u3000"}],
     r"m\.jsonl:1: 'text' must be a non-empty string, not whitespace only"),
    ("conversations", [{**CONVERSATIONS[0], "id": ""}], r"m\.jsonl:1: 'id' must not be empty"),
    ("conversations", [{**CONVERSATIONS[0], "turns": [{"speaker": "", "text": "hoi"}]}],
     r"m\.jsonl:1 turns\[0\]: 'speaker' must not be empty"),
])
def test_bad_files_are_exit_2_with_the_line(tiny_model_dir, tmp_path, capsys, kind, rows, message):
    import re

    assert main(["evaluate", kind, str(write(tmp_path / "m.jsonl", rows)), "--model", str(tiny_model_dir)]) == 2
    assert re.search(message, capsys.readouterr().err)


@pytest.mark.parametrize(("kind", "rows", "error"), [
    ("messages", [MESSAGES[0], {**MESSAGES[1], "text": ""}], "m.jsonl:2: 'text' must be a non-empty string, not whitespace only"),
    ("conversations", [CONVERSATIONS[0], {**CONVERSATIONS[1], "id": ""}], "m.jsonl:2: 'id' must not be empty"),
    # what the API accepts is evaluated: no id (the line number stands in), a media-only turn
    ("messages", [{k: v for k, v in m.items() if k != "id"} for m in MESSAGES], None),
    ("conversations", [{k: v for k, v in CONVERSATIONS[0].items() if k != "id"},
                       {**CONVERSATIONS[1], "turns": [*CONVERSATIONS[1]["turns"], {"speaker": "y", "text": ""}]}], None),
])
def test_a_refused_line_is_one_line_and_writes_no_report(tiny_model_dir, tmp_path, capsys, kind, rows, error):
    report = tmp_path / "report.json"
    code = main(["evaluate", kind, str(write(tmp_path / "m.jsonl", rows)), "--model", str(tiny_model_dir),
                 "--report", str(report)])
    err = capsys.readouterr().err
    if error is None:
        assert code == 0 and report.is_file()
        return
    assert code == 2
    assert err.splitlines()[1:] == [f"error: E100: {tmp_path}/{error}"]   # after the model line, one line
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.jsonl"]


def test_a_missing_file_is_exit_2(tiny_model_dir, tmp_path, capsys):
    assert main(["evaluate", "messages", str(tmp_path / "nergens.jsonl"), "--model", str(tiny_model_dir)]) == 2
    assert "file not found" in capsys.readouterr().err


def test_a_file_is_read_as_score_reads_it(tiny_model_dir, tmp_path, capsys):
    """A byte order mark is dropped; invalid UTF-8 names its line (both were refused or a traceback)."""
    path = tmp_path / "m.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + write(tmp_path / "plain.jsonl", MESSAGES).read_bytes())
    assert main(["evaluate", "messages", str(path), "--model", str(tiny_model_dir)]) == 0
    path.write_bytes(b'{"id": "1", "text": "h\xffi", "labels": []}\n')
    assert main(["evaluate", "messages", str(path), "--model", str(tiny_model_dir)]) == 2
    assert "m.jsonl:1: not valid UTF-8" in capsys.readouterr().err


def test_the_text_limit_holds_as_in_score(tiny_model_dir, tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SIGNALS_MAX_TEXT_CHARS", "20")
    rows = [{"id": "1", "text": "hoi " * 20, "labels": []}]
    assert main(["evaluate", "messages", str(write(tmp_path / "m.jsonl", rows)), "--model", str(tiny_model_dir)]) == 2
    assert "over the limit of 20 (SIGNALS_MAX_TEXT_CHARS)" in capsys.readouterr().err


def test_lines_without_a_register_are_in_no_register_row(tiny_model_dir, tmp_path, capsys):
    rows = [MESSAGES[0], MESSAGES[1], {k: v for k, v in MESSAGES[2].items() if k != "register"}, MESSAGES[3]]
    report = tmp_path / "r.json"
    assert main(["evaluate", "messages", str(write(tmp_path / "m.jsonl", rows)), "--model", str(tiny_model_dir),
                 "--report", str(report)]) == 0
    registers = json.loads(report.read_text(encoding="utf-8"))["registers"]
    assert set(registers) == {"standard", "flemish"} and registers["flemish"]["n"] == 1


@pytest.mark.parametrize(("report", "message"), [
    (lambda t: t / "nergens" / "r.json", "output folder does not exist"),
    (lambda t: t, "output is a folder, not a file"),
    (lambda t: t / "m.jsonl", "output is the input file"),
])
def test_a_bad_report_path_is_refused_before_evaluating(tiny_model_dir, tmp_path, capsys, report, message):
    path = write(tmp_path / "m.jsonl", MESSAGES)
    before = path.read_bytes()
    assert main(["evaluate", "messages", str(path), "--model", str(tiny_model_dir), "--report", str(report(tmp_path))]) == 2
    captured = capsys.readouterr()
    assert message in captured.err and captured.out == ""
    assert path.read_bytes() == before


def _no_nan(constant: str) -> None:
    raise AssertionError(f"{constant} in the report")


@pytest.mark.parametrize(("rows", "grooming"), [
    ([CONVERSATIONS[0]], 0),                                                   # harmless chats only
    ([CONVERSATIONS[1], {**CONVERSATIONS[1], "id": "c3"}], 2),                 # grooming only
    ([CONVERSATIONS[1], {k: v for k, v in CONVERSATIONS[1].items() if k != "suspect"}], 2),  # a suspect not labelled
])
def test_a_file_of_one_class_has_no_ranking_and_no_nan(tiny_model_dir, tmp_path, capsys, rows, grooming):
    """ROC-AUC and PR-AUC are undefined with one class: left out of the report and printed as –."""
    report = tmp_path / "r.json"
    assert main(["evaluate", "conversations", str(write(tmp_path / "c.jsonl", rows)), "--model", str(tiny_model_dir),
                 "--report", str(report)]) == 0
    data = json.loads(report.read_text(encoding="utf-8"), parse_constant=_no_nan)
    assert data["grooming"] == grooming and "roc_auc" not in data and "pr_auc" not in data
    assert data["suspect_accuracy"] in (None, 0.0, 1.0)   # never the share of labels that name no suspect
    assert "ROC-AUC   –" in capsys.readouterr().out


GROOMING_CONTEXT = [{"speaker": "a", "text": t} for t in (
    "hoe oud ben je eigenlijk? jij bent echt volwassen voor je leeftijd", "vertel het aan niemand he, dit blijft tussen ons",
    "ik geef je een nieuwe telefoon als je komt", "kom op snap dan praten we verder")]


def test_a_message_is_evaluated_with_its_context_as_score_scores_it(tiny_model_dir, tmp_path, capsys, service):
    """The context turns count as they count in `signals score` (they were dropped: a harmless-looking
    reply after a grooming exchange was measured without it)."""
    from signals.service import Message, Turn

    rows = [{"id": "c1", "text": "ja is goed, ik zeg niks", "context": GROOMING_CONTEXT, "labels": []},
            {"id": "c2", "text": "heb je je huiswerk al af?", "labels": []}]
    report = tmp_path / "r.json"
    assert main(["evaluate", "messages", str(write(tmp_path / "m.jsonl", rows)), "--model", str(tiny_model_dir),
                 "--report", str(report)]) == 0
    served = service.score_messages([Message("c1", rows[0]["text"], tuple(Turn(t["speaker"], t["text"]) for t in GROOMING_CONTEXT)),
                                     Message("c2", rows[1]["text"])])
    assert served[0].flagged and not served[1].flagged   # the premise: the context decides
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["with_context"] == 1
    assert data["flag_rate_negatives"] == sum(r.flagged for r in served) / 2
    assert "(1 with context turns)" in capsys.readouterr().out


def test_fragment_lines_are_left_out_and_counted(tiny_model_dir, tmp_path, capsys):
    rows = [{"id": "f", "text": "ok morgen om 4 dan", "labels": ["recruitment"], "fragment": True}, *MESSAGES]
    report = tmp_path / "r.json"
    assert main(["evaluate", "messages", str(write(tmp_path / "m.jsonl", rows)), "--model", str(tiny_model_dir),
                 "--report", str(report)]) == 0
    data = json.loads(report.read_text(encoding="utf-8"))
    assert data["n"] == 4 and data["fragments_left_out"] == 1 and data["categories"]["recruitment"]["support"] == 1
    assert "1 fragment line(s) left out" in capsys.readouterr().out


@pytest.mark.parametrize("where", ["file", "report"])
def test_a_dash_is_not_a_file_here(tiny_model_dir, tmp_path, capsys, where):
    path = str(write(tmp_path / "m.jsonl", MESSAGES))
    args = ["evaluate", "messages", "-" if where == "file" else path, "--model", str(tiny_model_dir)]
    args += ["--report", "-"] if where == "report" else []
    with pytest.raises(SystemExit) as stopped:
        main(args)
    assert stopped.value.code == 2
    assert "'-' is not a file here" in capsys.readouterr().err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.jsonl"]


def test_rates_are_printed_with_their_counts_and_95_percent_intervals(tiny_model_dir, tmp_path, capsys):
    """Two lines per register cannot show a gap: the printout says what the set can tell."""
    main(["evaluate", "messages", str(write(tmp_path / "m.jsonl", MESSAGES)), "--model", str(tiny_model_dir)])
    out = capsys.readouterr().out
    assert "95 % intervals: recall, flag rate" in out
    gap = next(line for line in out.splitlines() if line.startswith("gap (max - min)"))
    assert "95 % interval -" in gap and " to " in gap          # two lines per register: the interval holds 0
    main(["evaluate", "conversations", str(write(tmp_path / "c.jsonl", CONVERSATIONS)), "--model", str(tiny_model_dir)])
    bucket = next(line for line in capsys.readouterr().out.splitlines() if line.startswith("1-25"))
    assert " of 1, " in bucket                                 # one harmless chat in the bucket, and its interval


@pytest.mark.parametrize(("kind", "rows", "repeated"), [
    ("messages", MESSAGES + MESSAGES[:2], 2),                                  # a file appended to itself, in part
    ("messages", [MESSAGES[0], {**MESSAGES[1], "id": 1}, {**MESSAGES[2], "id": "1"}], 2),  # an id comes back as text
    ("messages", [{k: v for k, v in m.items() if k != "id"} for m in MESSAGES] + [{**MESSAGES[0], "id": "2"}], 0),
    ("conversations", CONVERSATIONS + [{**CONVERSATIONS[0], "label": "grooming", "suspect": "a"}], 1),
    ("conversations", CONVERSATIONS, 0),
])
def test_lines_that_repeat_an_id_are_counted_and_said(tiny_model_dir, tmp_path, capsys, kind, rows, repeated):
    """Every line is measured, but a file with ids on more than one line (appended twice, two exports
    joined) weighed those lines twice without a word."""
    report = tmp_path / "r.json"
    assert main(["evaluate", kind, str(write(tmp_path / "m.jsonl", rows)), "--model", str(tiny_model_dir),
                 "--report", str(report)]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert json.loads(report.read_text(encoding="utf-8"))["repeated_ids"] == repeated
    assert (f"; {repeated} line(s) repeat an earlier line's id" in header) == bool(repeated), header


def test_one_register_prints_no_gap(tiny_model_dir, tmp_path, capsys):
    """A file in one register printed "gap (max - min): recall 0.000 (95 % interval -0.658 to 0.658)":
    the register against itself."""
    rows = [m for m in MESSAGES if m["register"] == "standard"]
    report = tmp_path / "r.json"
    assert main(["evaluate", "messages", str(write(tmp_path / "m.jsonl", rows)), "--model", str(tiny_model_dir),
                 "--report", str(report)]) == 0
    out = capsys.readouterr().out
    assert "\nstandard " in out and "gap (max - min)" not in out
    assert json.loads(report.read_text(encoding="utf-8"))["register_gap"]["recall_any_max_minus_min"] is None
