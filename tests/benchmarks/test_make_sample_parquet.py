"""benchmarks.make_sample_parquet: the Parquet sample `make spark-sample` scores."""

import json

import pyarrow.parquet as pq
import pytest
from benchmarks.make_sample_parquet import main


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


def test_every_line_is_a_row_with_a_string_id_and_its_extra_fields(tmp_path):
    source, target = tmp_path / "in.jsonl", tmp_path / "out" / "sample.parquet"
    write_jsonl(source, [{"id": 1, "text": "hoi hoe gaat het", "conversation_id": "c1"},
                         {"id": "m2", "text": "stuur ff een foto", "conversation_id": "c1"}])
    assert main([str(source), str(target)]) == 0
    assert pq.read_table(target).to_pylist() == [
        {"id": "1", "text": "hoi hoe gaat het", "conversation_id": "c1"},
        {"id": "m2", "text": "stuur ff een foto", "conversation_id": "c1"}]


@pytest.mark.parametrize("bad_line, message", [
    ('{"id": "m2"}', "in.jsonl:2"),
    ("niet json", "in.jsonl:2"),
    ('{"id": "m2", "text": 5}', "in.jsonl:2"),
])
def test_a_bad_line_is_named_and_nothing_is_written(tmp_path, capsys, bad_line, message):
    source, target = tmp_path / "in.jsonl", tmp_path / "sample.parquet"
    source.write_text('{"id": "m1", "text": "hoi"}\n' + bad_line + "\n", encoding="utf-8")
    assert main([str(source), str(target)]) == 2
    assert message in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == [source]


def test_a_missing_input_is_exit_2(tmp_path, capsys):
    assert main([str(tmp_path / "none.jsonl"), str(tmp_path / "out.parquet")]) == 2
    assert "input file not found" in capsys.readouterr().err
