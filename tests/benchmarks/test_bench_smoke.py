"""Smoke test of ``python -m benchmarks.run --quick`` on the tiny model: every section is there and has numbers.

It checks the report's shape, never the values (those are what the benchmark is for).
"""

from __future__ import annotations

import importlib.util
import json
import numbers
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _api_missing() -> bool:
    try:
        return importlib.util.find_spec("signals.api.app") is None
    except ModuleNotFoundError:
        return True


def _labelled_extra(tmp_path: Path) -> Path:
    """A few labelled lines taken from the dev set (or the hand-written data), in the CLI format."""
    source = ROOT / "training" / "data" / "dev" / "messages.jsonl"
    if not source.is_file():
        source = ROOT / "training" / "data" / "handwritten" / "writer_a.jsonl"
    rows = [json.loads(line) for line in source.read_text(encoding="utf-8").splitlines() if line.strip()][:40]
    path = tmp_path / "labelled.jsonl"
    path.write_text("".join(json.dumps({"id": r["id"], "text": r["text"], "labels": r.get("labels", [])},
                                       ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
    return path


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


@pytest.mark.slow
def test_quick_bench_writes_every_section(tiny_model_dir, tmp_path, monkeypatch):
    from benchmarks import run

    monkeypatch.chdir(ROOT)
    out = tmp_path / "reports"
    argv = ["--model", str(tiny_model_dir), "--out", str(out), "--quick",
            "--extra", str(_labelled_extra(tmp_path)), str(ROOT / "examples" / "messages.jsonl")]
    if _api_missing():
        argv.append("--no-load")
    assert run.main(argv) == 0

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert (out / "report.md").read_text(encoding="utf-8").startswith("# signals benchmark report")
    assert report["meta"]["failed_sections"] == []

    messages = report["accuracy"]["messages"]
    assert messages, "no labelled evaluation set was scored"
    assert "extra:labelled" in messages
    for entry in messages.values():
        assert all(_is_number(v["support"]) for v in entry["categories"].values())
        assert "confusion" in entry and "reliability" in entry
    scored = [v for entry in messages.values() for v in entry["categories"].values() if "f1" in v]
    assert scored and all(_is_number(v["f1"]) and _is_number(v["pr_auc"]) for v in scored)
    assert "extra:messages" in report["accuracy"]["corpora_test"]  # unlabelled extra → flag rate only
    for baseline in ("keywords", "tfidf"):
        assert report["baselines"][baseline]["messages"].keys() == messages.keys()

    robustness = report["robustness"]["sets"]
    assert robustness
    for entry in robustness.values():
        rewrites = entry["scorers"]["model"]["rewrites"]
        assert len(rewrites) >= 8
        assert all(_is_number(r["recall_after"]) for r in rewrites.values() if r["changed_share"] > 0)

    speed = report["speed"]
    for stage in ("tokenizer", "preprocess", "analyze", "full"):
        assert _is_number(speed["stages"][stage]["per_second"])
    assert _is_number(speed["ratio_full_to_tokenizer"]) and _is_number(speed["load_seconds"])
    assert _is_number(speed["rss_mb"]["peak_while_scoring"])
    assert len(speed["profile"]["top_cumulative"]) == 15

    if not _api_missing():
        levels = report["load"]["levels"]
        assert {(lv["shape"], lv["concurrency"]) for lv in levels} >= {("single", 1), ("batch32", 16)}
        assert all(_is_number(lv["requests_per_s"]) and _is_number(lv["errors"]) for lv in levels)

    for name in report["plots"].values():
        assert (out / name).stat().st_size > 0
