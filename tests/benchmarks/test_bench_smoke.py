"""Smoke test of ``python -m benchmarks.run --quick`` on the tiny model: every section is there and has numbers.

It checks the report's structure, never the values: speed and memory are what the benchmark prints,
not something a test asserts.
"""

from __future__ import annotations

import json
import numbers
import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECTIONS = ("accuracy", "baselines", "robustness", "leave_writer_out", "sealed", "conversations", "conversation_cost",
            "speed", "load", "training", "feedback")


def _dev_rows(n: int) -> list[dict]:
    source = ROOT / "training" / "data" / "dev" / "messages.jsonl"
    return [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()][:n]


def _labelled_extra(tmp_path: Path) -> Path:
    """A few labelled dev lines in the CLI format."""
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "text": r["text"], "labels": r.get("labels", [])},
                                       ensure_ascii=False) + "\n" for r in _dev_rows(40)), encoding="utf-8")
    return path


def _feedback_file(tmp_path: Path) -> Path:
    """A small file in the `signals feedback export` format: reviewer decisions, some held out."""
    path = tmp_path / "feedback.jsonl"
    rows = [{"id": f"fb-{i}", "text": r["text"], "labels": r.get("labels", []), "reviewer_categories": r.get("labels", []),
             "weight": 1.0, "decided_at": "2025-01-02T03:04:05+00:00", "split": "test" if i % 2 else "train"}
            for i, r in enumerate(_dev_rows(30))]
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _check_messages(entry: dict) -> None:
    assert all(_is_number(v["support"]) for v in entry["categories"].values())
    scored = [v for v in entry["categories"].values() if "f1" in v]
    assert scored and all(_is_number(v["f1"]) and _is_number(v["pr_auc"]) for v in scored)


@pytest.mark.slow
def test_quick_bench_writes_every_section(tiny_model_dir, tmp_path, monkeypatch):
    from benchmarks import run

    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("SIGNALS_READ_SEALED", raising=False)
    out = tmp_path / "reports"
    argv = ["--model", str(tiny_model_dir), "--out", str(out), "--quick",
            "--extra", str(_labelled_extra(tmp_path)), str(ROOT / "examples" / "messages.jsonl"),
            "--feedback", str(_feedback_file(tmp_path)), "--baseline", str(tiny_model_dir)]
    assert run.main(argv) == 0
    assert "SIGNALS_READ_SEALED" not in os.environ  # set only while the sealed files are read

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    markdown = (out / "report.md").read_text(encoding="utf-8")
    assert markdown.startswith("# signals benchmark report")
    assert report["meta"]["failed_sections"] == []
    for section in SECTIONS:
        assert section in report, section
        assert "error" not in report[section], (section, report[section])

    # 1. accuracy on dev, baselines, corpora, robustness
    messages = report["accuracy"]["messages"]
    assert {"dev", "extra:labelled"} <= messages.keys()
    for entry in messages.values():
        _check_messages(entry)
        assert "confusion" in entry and "reliability" in entry
    assert "registers" in messages["dev"] and "flag_rate_hard_negative" in messages["dev"]
    # small sets: every register rate and its gap come with a 95 % interval, in the JSON and the page
    assert all(len(e["counts"]["recall_any"]["interval"]) == 2 for e in messages["dev"]["registers"].values())
    assert len(messages["dev"]["register_gap"]["intervals"]["recall_any"]) == 2
    assert "caught of positives (95 %)" in markdown and "flagged of benign (95 %)" in markdown
    assert "extra:messages" in report["accuracy"]["corpora_test"]  # unlabelled extra → flag rate only
    for baseline in ("keywords", "tfidf"):
        assert report["baselines"][baseline]["messages"].keys() == messages.keys()
    for entry in report["robustness"]["sets"].values():
        rewrites = entry["scorers"]["model"]["rewrites"]
        assert len(rewrites) >= 8
        assert all(_is_number(r["recall_after"]) for r in rewrites.values() if r["changed_share"] > 0)
        beside = entry["scorers"]["model"]["context"]["beside_small_talk"]   # no target, not among the rewrites
        assert beside["changed_share"] == 1.0 and _is_number(beside["recall_after"]) and beside["meets_target"] is None
        assert "beside_small_talk" not in rewrites

    # 2. leave-writer-out from metrics.json
    lwo = report["leave_writer_out"]
    assert lwo["writers"] and all(_is_number(e["f1"]) for e in lwo["categories"].values())
    assert all(_is_number(e["gap"]) for e in lwo["precision_reached"].values())

    # 3. sealed: scored once, cached by model sha256, reused on the next run
    sealed = report["sealed"]
    assert sealed["reused"] is False and Path(sealed["cache"]).is_file()
    assert Path(sealed["cache"]).name == f"{report['meta']['model']['sha256']}.json"
    _check_messages(sealed["messages"])
    assert _is_number(sealed["messages"]["flag_rate_awareness"])
    assert "never used to choose anything" in markdown

    # 4. conversations: dev and sealed, per length bucket
    conversations = report["conversations"]["sets"]
    assert {"dev_conversations", "dev_long_conversations", "dev_long_threads", "sealed_conversations",
            "sealed_long_threads"} <= conversations.keys()
    if "subtitles_nl" in report["accuracy"]["corpora_test"]:   # real dialogue as harmless conversations
        assert {"1-25", "26-100", "101-500"} <= conversations["corpus_dialogue"]["length_buckets"].keys()
    for entry in conversations.values():
        assert entry["length_buckets"] and "suspect_accuracy" in entry
        assert "first_alert_relative_mean" in entry and "alert_delay_turns_mean" in entry
        if entry["grooming"]:
            assert _is_number(entry["recall"])
        else:                                                    # harmless chats only: a flag rate, no recall
            assert entry["recall"] is None and _is_number(entry["flag_rate_benign"])

    # 5. conversation cost, 6. speed
    assert set(report["conversation_cost"]["lengths"]) == {"10", "100", "1000"}
    assert all(_is_number(e["turns_per_s"]) for e in report["conversation_cost"]["lengths"].values())
    rooms = report["conversation_cost"]["chat_rooms"]
    assert [room["speakers"] for room in rooms] == [200, 400]
    assert all(_is_number(room["turns_per_s"]) and _is_number(room["relative_to_two_speakers"]) for room in rooms)
    assert all(0 <= room["flagged"] <= room["conversations"] for room in rooms)
    processes = report["speed"]["processes"]
    assert set(processes) == {"tokenizer", "score_workers_1", "score_default", "startup"}
    assert all(_is_number(processes[p]["ratio_to_tokenizer"]["median"]) for p in ("score_workers_1", "score_default"))
    assert all(_is_number(p["peak_rss_process_mib"]) for p in processes.values())
    stages = report["speed"]["stages"]
    assert {"normalise + tokenise", "detectors", "features", "model"} <= stages["stages"].keys()
    assert _is_number(stages["load_seconds"])

    # 7. API load next to the no-op app
    load = report["load"]
    shapes = {(lv["server"], lv["shape"], lv["concurrency"]) for lv in load["levels"]}
    assert {("noop", "single", 16), ("score", "single", 1), ("score", "single", 16), ("score", "batch32", 16)} <= shapes
    assert _is_number(load["ratio_to_noop"]["c16"]) and _is_number(load["errors_total"])
    assert load["client"] == ("wrk" if shutil.which("wrk") else "httpx")
    if load["cores"] > 1:  # the same server with one process per core
        assert ("score_procs", "single", 16) in shapes and _is_number(load["ratio_to_noop"]["processes_c16"])

    # 8. training, 9. feedback before/after
    assert "model" in report["training"] and "skipped" in report["training"]["timed_run"]
    assert report["feedback"]["held_out"] > 0 and "baseline" in report["feedback"]

    for name in report["plots"].values():
        assert (out / name).stat().st_size > 0

    # a second run for the same model reuses the sealed result instead of scoring the sealed set again
    from benchmarks.sealed import run_sealed
    from benchmarks.sets import resolved_config

    from signals.service import ScoringService

    again = run_sealed(ScoringService.load(tiny_model_dir), resolved_config(tiny_model_dir), out / "sealed")
    assert again["reused"] is True and again["scored_at"] == sealed["scored_at"]


def test_the_loop_batch_measurement_fills_each_kind_up_to_the_inline_limits(tiny_model_dir):
    from benchmarks.fairness import KINDS, loop_batches

    report = loop_batches(tiny_model_dir, repeats=1)
    assert set(report["kinds"]) == {*KINDS, "plain", "one_word"}
    for kind, measured in report["kinds"].items():
        assert 0 < measured["characters"] <= report["inline_chars"], kind
        assert 1 <= measured["messages"] <= report["max_documents"] and measured["worst_ms"] > 0, kind
    assert report["kinds"]["one_word"]["messages"] == report["max_documents"]  # bounded by documents
