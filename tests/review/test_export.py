"""``signals feedback export``, ``training/feedback.py`` and ``benchmarks/feedback.py``."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter

import pytest
from benchmarks.feedback import render_feedback_md, run_feedback
from training.feedback import held_out_feedback, load_feedback, read_feedback

from signals.cli import main as cli_main
from signals.errors import CorpusError
from signals.review.decisions import DecisionIn, decide
from signals.review.export import split_for

from .helpers import ROOT, enqueue, example_messages, message


def _decide(store, service, *args, **kwargs):
    return decide(store, DecisionIn(*args, **kwargs), tuple(service.thresholds), dict(service.thresholds), 500)


@pytest.fixture
def exported(store, service, review_db, tmp_path):
    enqueue(store, service, [message(m["id"], m["text"]) for m in example_messages()])
    labels = {m["id"]: store.get(m["id"]).labels for m in example_messages()}
    for item_id, flagged in labels.items():
        if item_id == "m4":
            _decide(store, service, item_id, "escalated", "rev-1")
        elif flagged:
            _decide(store, service, item_id, "confirmed", "rev-1")
        else:
            _decide(store, service, item_id, "dismissed", "rev-1")
    _decide(store, service, "m5", "confirmed", "rev-2", ("sextortion",))  # a second reviewer changes it
    store.delete("m6")                                                  # text deleted: cannot be exported
    out = tmp_path / "feedback.jsonl"
    assert cli_main(["feedback", "export", str(out), "--db", review_db, "--weight", "2"]) == 0
    return out, labels


def test_export_writes_final_decisions_in_the_training_format(exported):
    out, labels = exported
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert {r["id"] for r in rows} == {m["id"] for m in example_messages()} - {"m4", "m6"}
    by_id = {r["id"]: r for r in rows}
    m5 = by_id["m5"]
    assert m5["labels"] == ["sextortion"] == m5["reviewer_categories"] and m5["kind"] == "positive"
    assert m5["reviewer_count"] == 2 and m5["decision"] == "confirmed"
    for row in rows:
        assert {"id", "text", "labels", "tactics", "kind", "source", "reviewer_categories", "weight", "decided_at",
                "split", "model_version", "model_labels"} <= set(row)
        assert row["weight"] == 2.0 and row["source"] == "feedback" and row["split"] == split_for(row["id"])
        if row["decision"] == "dismissed":
            assert row["labels"] == [] and row["kind"] == ("hard_negative" if labels[row["id"]] else "benign")
    assert (out.stat().st_mode & 0o077) == 0  # the file holds message text: owner only


def test_load_feedback_and_held_out_feedback_split_the_file(exported):
    out, _ = exported
    train, test = load_feedback(out), held_out_feedback(out)
    assert all(r["split"] == "train" and r["source"] == "feedback" for r in train)
    assert all(r["split"] == "test" for r in test)
    assert len(train) + len(test) == len(read_feedback(out))


def test_the_split_is_stable_and_about_a_fifth():
    ids = [f"item-{i}" for i in range(5000)]
    share = Counter(split_for(i) for i in ids)["test"] / len(ids)
    assert 0.18 < share < 0.22
    assert [split_for(i) for i in ids[:50]] == [split_for(i) for i in ids[:50]]


@pytest.mark.parametrize(("change", "message_part"), [
    ({"labels": ["spam"], "reviewer_categories": ["spam"]}, "unknown labels"),
    ({"reviewer_categories": ["recruitment"]}, "differ"),
    ({"weight": 0}, "weight"),
    ({"weight": True}, "weight"),
    ({"decided_at": "gisteren"}, "decided_at"),
    ({"split": "dev"}, "split"),
    ({"text": " "}, "text"),
    # the solver fails on inf (minutes in) and turns 1e308 into NaN coefficients
    ({"weight": float("inf")}, "weight"),
    ({"weight": float("nan")}, "weight"),
    ({"weight": 1e308}, "at most 100"),
    ({"weight": 100.5}, "at most 100"),
    # a hand-edited file: these were a TypeError traceback, not a line number
    ({"labels": 5}, "'labels' must be a list"),
    ({"labels": None}, "'labels' must be a list"),
    ({"tactics": "flattery"}, "'tactics' must be a list"),
])
def test_malformed_feedback_is_refused_with_its_line(tmp_path, change, message_part):
    good = {"id": "x", "text": "kom op snap", "labels": [], "tactics": [], "kind": "benign", "source": "feedback",
            "reviewer_categories": [], "weight": 1.0, "decided_at": "2026-03-01T12:00:00+00:00", "split": "train"}
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, **change}) + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=message_part) as raised:
        load_feedback(path)
    assert ":2:" in str(raised.value)
    with pytest.raises(CorpusError, match="not found"):
        load_feedback(tmp_path / "missing.jsonl")


def test_a_feedback_file_that_is_not_utf8_is_refused_with_its_line(tmp_path):
    path = tmp_path / "f.jsonl"
    path.write_bytes(b'{"id": "x"}\n{"id": "caf\xe9"}\n')  # Latin-1, as a spreadsheet saves it
    with pytest.raises(CorpusError, match=r"f\.jsonl:2: not UTF-8"):
        load_feedback(path)


def test_before_and_after_report(exported, tiny_model_dir):
    out, _ = exported
    report = run_feedback(tiny_model_dir, tiny_model_dir, out, ROOT / "training" / "data" / "dev" / "messages.jsonl")
    assert set(report["model"]["sets"]) == {"dev", "feedback_held_out"}
    dev = report["model"]["sets"]["dev"]["categories"]
    assert all({"precision", "recall", "f1"} <= set(dev[c]) for c in dev)
    assert report["baseline"]["sets"]["dev"] == report["model"]["sets"]["dev"]  # the same model: no change
    markdown = render_feedback_md(report)
    assert "## 9. Reviewer feedback: before and after" in markdown and "| dev | recruitment |" in markdown
    assert "+0.000" in markdown


def test_held_out_items_are_read_from_every_export_each_id_once(exported, tiny_model_dir, tmp_path):
    """Exports are cumulative: the held-out items of all configured files count, each id with its
    latest decision (the benchmark read only the first file, the oldest and smallest)."""
    out, _ = exported
    rows = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    held = [r for r in rows if r["split"] == "test"]
    assert held, "the example export needs held-out items"
    newer = {**held[0], "labels": [], "reviewer_categories": [], "decision": "dismissed",
             "kind": "hard_negative" if held[0]["model_labels"] else "benign", "decided_at": "2099-01-01T00:00:00+00:00"}
    extra = {**held[0], "id": "nieuw-1", "text": "een nieuw besluit na de eerste export"}
    old, new = tmp_path / "export-1.jsonl", tmp_path / "export-2.jsonl"
    old.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    new.write_text("".join(json.dumps(r) + "\n" for r in [newer, *rows[1:], extra] if r["id"] != held[0]["id"] or r is newer),
                   encoding="utf-8")
    records = held_out_feedback([old, new])
    assert sorted(r["id"] for r in records) == sorted({r["id"] for r in held} | {"nieuw-1"})
    assert next(r for r in records if r["id"] == held[0]["id"])["decided_at"].startswith("2099")   # the latest decision
    report = run_feedback(tiny_model_dir, None, [old, new], ROOT / "training" / "data" / "dev" / "messages.jsonl")
    assert report["held_out"] == len(held) + 1 and str(new) in report["feedback_path"]


@pytest.mark.parametrize(("argv", "message"), [
    # a mistyped --db created a new, empty store and exported 0 rows with exit 0
    (lambda t: ["feedback", "export", str(t / "uit.jsonl"), "--db", str(t / "reveiw.sqlite3")], "no review store at"),
    (lambda t: ["review", "purge", "--db", str(t / "reveiw.sqlite3")], "no review store at"),
    (lambda t: ["review", "purge", "--days", "1000000", "--db", str(t / "x.sqlite3")], "--days must be from 1 to"),
    (lambda t: ["feedback", "export", str(t / "uit.jsonl"), "--weight", "inf"], "--weight must be a positive number"),
    (lambda t: ["feedback", "export", str(t / "uit.jsonl"), "--weight", "1e308"], "at most 100"),
])
def test_the_store_commands_refuse_what_they_would_misread(tmp_path, capsys, argv, message):
    assert cli_main(argv(tmp_path)) == 2
    err = capsys.readouterr().err
    assert message in err and err.startswith("error: E300: ") and err.count("\n") == 1   # one line, with its code
    assert sorted(p.name for p in tmp_path.iterdir()) == []          # no store and no output created


@pytest.mark.parametrize(("make", "db", "message"), [
    # another program's database: it gained the review tables and was switched to WAL, exit 0
    (lambda p: sqlite3.connect(p).execute("create table contacts(naam text)").connection.commit(), "other.db",
     "is not a review store"),
    (lambda p: p.write_bytes(b""), "empty.sqlite3", "is not a review store"),           # became a store, exit 0
    (lambda p: p.write_text("hoi\n", encoding="utf-8"), "notes.jsonl", "cannot open the review store"),
    (None, "foo://bar", "cannot open the review store"),                                # a traceback, exit 1
])
@pytest.mark.parametrize("command", [["feedback", "export", "uit.jsonl"], ["review", "purge"]])
def test_a_database_that_is_no_review_store_is_refused_and_left_as_it_was(tmp_path, monkeypatch, capsys, make, db,
                                                                           message, command):
    monkeypatch.chdir(tmp_path)
    if make is not None:
        make(tmp_path / db)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    assert cli_main([*command, "--db", db]) == 2
    assert message in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before


@pytest.mark.parametrize(("output", "db"), [
    ("var/review.sqlite3", None),                       # read as "export this store" (the default store)
    ("var/review.sqlite3", "var/review.sqlite3"),
    ("./var/../var/review.sqlite3", None),
    ("var/review.sqlite3-wal", None),
])
def test_an_export_over_the_store_itself_is_refused(tmp_path, monkeypatch, capsys, output, db):
    """It replaced the SQLite store with the JSONL export: every decision gone, exit 0."""
    from signals.review.store import ReviewStore

    monkeypatch.chdir(tmp_path)
    for name in ("SIGNALS_REVIEW_DB", "SIGNALS_ENV_FILE"):
        monkeypatch.delenv(name, raising=False)
    ReviewStore.open("var/review.sqlite3").close()
    before = (tmp_path / "var" / "review.sqlite3").read_bytes()
    assert cli_main(["feedback", "export", output, *(["--db", db] if db else [])]) == 2
    assert "is the review store itself" in capsys.readouterr().err
    assert (tmp_path / "var" / "review.sqlite3").read_bytes() == before


@pytest.mark.parametrize("command", [["feedback", "export", "uit.jsonl"], ["review", "purge"]])
def test_the_store_commands_read_a_named_env_file(tmp_path, monkeypatch, capsys, command):
    """Every other command took --env-file; these two read only SIGNALS_ENV_FILE. The store the file
    names is the one they open (here: none there, so its name is in the refusal)."""
    monkeypatch.chdir(tmp_path)
    for name in ("SIGNALS_REVIEW_DB", "SIGNALS_ENV_FILE"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "team.env").write_text("SIGNALS_REVIEW_DB=sqlite:///stores/team.sqlite3\n", encoding="utf-8")
    assert cli_main([*command, "--env-file", "team.env"]) == 2
    assert "no review store at sqlite:///stores/team.sqlite3" in capsys.readouterr().err
