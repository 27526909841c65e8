"""benchmarks.make_sample_parquet with unusual input and outputs it cannot write: no field is dropped,
an empty input is a file spark-score reads, and a user's mistake is one `error:` line and exit 2."""

import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from benchmarks.make_sample_parquet import main


def write_jsonl(path, records):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")


@pytest.mark.parametrize("records, expected", [
    ([{"id": "m1", "text": "hoi"}, {"id": 2, "text": "kom op snap", "conversation_id": "c1", "speaker": "a", "ts": 5}],
     [{"id": "m1", "text": "hoi", "conversation_id": None, "speaker": None, "ts": None},
      {"id": "2", "text": "kom op snap", "conversation_id": "c1", "speaker": "a", "ts": 5}]),
    ([{"id": "m1", "text": "hoi", "speaker": "a"}, {"id": "m2", "text": "doei", "ts": 7}],
     [{"id": "m1", "text": "hoi", "speaker": "a", "ts": None}, {"id": "m2", "text": "doei", "speaker": None, "ts": 7}]),
], ids=["fields-only-on-a-later-line", "fields-on-different-lines"])
def test_fields_of_every_line_are_kept(tmp_path, records, expected):
    source, target = tmp_path / "in.jsonl", tmp_path / "sample.parquet"
    write_jsonl(source, records)
    assert main([str(source), str(target)]) == 0
    assert pq.read_table(target).to_pylist() == expected


@pytest.mark.parametrize("content", ["", "\n\n"], ids=["empty", "blank-lines"])
def test_an_empty_input_gives_an_empty_file_with_id_and_text(tmp_path, content):
    source, target = tmp_path / "in.jsonl", tmp_path / "sample.parquet"
    source.write_text(content, encoding="utf-8")
    assert main([str(source), str(target)]) == 0
    assert pq.read_schema(target).names == ["id", "text"]
    assert pq.read_schema(target).types == [pa.string(), pa.string()]


def _output_is_a_folder(tmp_path):
    (tmp_path / "sample.parquet").mkdir()
    return tmp_path / "sample.parquet"


def _output_inside_a_file(tmp_path):
    (tmp_path / "file").write_text("", encoding="utf-8")
    return tmp_path / "file" / "sample.parquet"


@pytest.mark.parametrize("content, output, message", [
    (b'{"id": "m1", "text": "hoi"}\n{"id": "m2", "text": "caf\xe9"}\n', None, "in.jsonl:2: not valid UTF-8"),
    (b'{"id": "m1", "text": "hoi", "ts": 1}\n{"id": "m2", "text": "doei", "ts": "morgen"}\n', None,
     "a field has different types on different lines"),
    (b'{"id": "m1", "text": "hoi", "ts": "morgen"}\n{"id": "m2", "text": "doei", "ts": 1}\n', None,
     "a field has different types on different lines"),
    (b'{"id": "m1", "text": "hoi"}\n', _output_is_a_folder, "cannot write"),
    (b'{"id": "m1", "text": "hoi"}\n', _output_inside_a_file, "cannot write"),
], ids=["latin-1-line", "int-then-text", "text-then-int", "output-is-a-folder", "output-inside-a-file"])
def test_a_mistake_is_one_error_line_and_nothing_is_written(tmp_path, capsys, content, output, message):
    source = tmp_path / "in.jsonl"
    source.write_bytes(content)
    target = output(tmp_path) if output else tmp_path / "sample.parquet"
    before = sorted(tmp_path.rglob("*"))
    assert main([str(source), str(target)]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: ") and message in lines[0], lines
    assert sorted(tmp_path.rglob("*")) == before
