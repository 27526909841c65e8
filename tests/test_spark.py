"""`signals spark-score` on local Spark writes exactly what `score_frame` computes in process, row by row."""

from __future__ import annotations

import os
import random
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from signals.cli import main as cli_main
from signals.errors import InputError
from signals.frame import score_conversation_frame, score_frame
from signals.service import Conversation, Turn
from signals.spark import ModelRef, input_format
from signals.stopping import Stopped

ROOT = Path(__file__).resolve().parent.parent
quiet_pandas_warning = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")

# -- a varied Dutch-ish archive, built from phrase lists ----------------------------------------
BENIGN = [
    "hoe laat ben je thuis", "zullen we morgen naar de film", "heb je je huiswerk al af",
    "mama vraagt of je blijft eten", "wat een goal gisteren", "ik ben zo moe vandaag",
    "kom je zaterdag voetballen", "doei, tot morgen!", "ff chillen bij mij?", "ik heb een 8 voor wiskunde",
    "wanneer begint de training", "neem jij chips mee",
]
SUSPICIOUS = [
    "kom op snap", "stuur €200 of ik post je foto's", "niemand hoeft het te weten",
    "hoe oud ben je eigenlijk", "je bent echt volwassen voor je leeftijd", "stuur een foto van jezelf",
    "ik koop een nieuwe iphone voor je", "je hebt 1 uur om te betalen", "zeg niks tegen je ouders",
    "wil je makkelijk geld verdienen", "kom ff op telegram, hier leest iedereen mee",
]
DISCLOSURE = ["ik durf het niemand te vertellen", "hij dreigt mijn foto's te delen", "ik weet niet wat ik moet doen 😢"]
FILLERS = ["", "haha", "😍", "echt", "ff", "lol", "ok", "!!", "schatje", "bro"]


def message_text(rng: random.Random, pools=(BENIGN, SUSPICIOUS, DISCLOSURE)) -> str:
    phrases = [rng.choice(rng.choice(pools)) for _ in range(rng.randint(1, 2))]
    return " ".join(filter(None, [*phrases, rng.choice(FILLERS)]))


def make_archive(n_rows: int = 2000, n_conversations: int = 36, seed: int = 7) -> tuple[pd.DataFrame, dict]:
    """Shuffled rows (id, text, conversation_id, speaker, ts) and each conversation's turns in time order."""
    rng = random.Random(seed)
    rows, truth = [], {}
    for k in range(n_conversations):
        conv, groomer = f"c{k:02d}", k % 3 == 0
        speakers = (f"a{k}", f"b{k}")
        ts = pd.Timestamp("2024-05-01 18:00") + pd.Timedelta(hours=k)
        turns = []
        for j in range(rng.randint(5, 9)):
            speaker = speakers[j % 2]
            pools = (SUSPICIOUS, BENIGN) if groomer and speaker == speakers[0] else (BENIGN, DISCLOSURE)
            text = message_text(rng, pools)
            ts += pd.Timedelta(minutes=rng.choice([0, 1, 2, 5, 30]))  # 0: a tie, broken by id
            rows.append({"id": f"{conv}-t{j:02d}", "text": text, "conversation_id": conv, "speaker": speaker, "ts": ts})
            turns.append(Turn(speaker, text))
        truth[conv] = tuple(turns)
    for n in range(n_rows - len(rows)):
        rows.append({"id": f"m{n:05d}", "text": message_text(rng), "conversation_id": None, "speaker": None, "ts": None})
    rng.shuffle(rows)
    frame = pd.DataFrame(rows)
    frame["ts"] = pd.to_datetime(frame["ts"]).astype("datetime64[us]")
    return frame, truth


def _plain(value):
    if hasattr(value, "tolist") and not isinstance(value, (str, pd.Timestamp)):
        value = value.tolist()  # list columns read back from Parquet arrive as numpy arrays
    if isinstance(value, list):
        return value
    return None if pd.isna(value) else value


def assert_same_rows(actual: pd.DataFrame, expected: pd.DataFrame, key: str) -> None:
    assert sorted(actual.columns) == sorted(expected.columns)
    assert len(actual) == len(expected)
    actual = actual.sort_values(key).reset_index(drop=True)
    expected = expected.sort_values(key).reset_index(drop=True)
    for column in expected.columns:
        got, want = [_plain(v) for v in actual[column]], [_plain(v) for v in expected[column]]
        mismatches = [(expected[key][i], g, w) for i, (g, w) in enumerate(zip(got, want)) if g != w]
        assert not mismatches, f"{column}: {len(mismatches)} rows differ, e.g. {mismatches[:3]}"


def spark_score(*args) -> int:
    return cli_main(["spark-score", *map(str, args)])


def arrow_column(values):
    """``values`` as a pyarrow array, where ``bytes`` among strings stay a string column holding bytes that
    are not valid UTF-8: a Parquet writer need not check them (pyarrow alone would make the column binary)."""
    import pyarrow as pa

    column = pa.array(values)
    return column.cast(pa.string(), safe=False) if pa.types.is_binary(column.type) else column


# -- fixtures -----------------------------------------------------------------------------------
@pytest.fixture(scope="session")
def spark():
    pytest.importorskip("pyspark")
    if shutil.which("java") is None:
        pytest.skip("Spark needs a Java runtime (make java)")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)  # workers need this venv, not `python3`
    from pyspark.sql import SparkSession

    session = (SparkSession.builder.master("local[2]").appName("signals-tests")
               .config("spark.ui.enabled", "false")
               .config("spark.ui.showConsoleProgress", "false")
               .config("spark.sql.shuffle.partitions", "4")
               .config("spark.sql.execution.arrow.maxRecordsPerBatch", "300")  # several batches per worker
               .getOrCreate())
    session.sparkContext.setLogLevel("WARN")
    yield session
    session.stop()


@pytest.fixture(scope="session")
def archive(tmp_path_factory) -> tuple[Path, pd.DataFrame, dict]:
    frame, truth = make_archive()
    path = tmp_path_factory.mktemp("archive") / "messages.parquet"
    frame.to_parquet(path, index=False)
    return path, frame, truth


@pytest.fixture(scope="session")
def archive_run(spark, archive, tiny_model_dir, tmp_path_factory) -> tuple[int, Path]:
    out = tmp_path_factory.mktemp("scored") / "out"
    return spark_score(archive[0], out, "--conversations", "--model", tiny_model_dir), out


# -- the archive: Spark equals in-process scoring -------------------------------------------------
def test_archive_is_varied_and_shuffled(archive):
    _, frame, truth = archive
    assert len(frame) == 2000 and frame["text"].nunique() > 300
    in_input_order = frame.dropna(subset=["conversation_id"]).groupby("conversation_id")["ts"].apply(
        lambda ts: ts.is_monotonic_increasing)
    assert len(truth) == 36 and (~in_input_order).sum() > 30


@pytest.mark.spark
@quiet_pandas_warning
def test_messages_equal_in_process_scoring(archive, archive_run, service):
    rc, out = archive_run
    assert rc == 0
    expected = score_frame(archive[1], service)
    assert_same_rows(pd.read_parquet(out / "messages"), expected, key="id")


@pytest.mark.spark
@quiet_pandas_warning
def test_conversations_are_ordered_by_ts_and_equal_in_process_scoring(archive, archive_run, service):
    _, out = archive_run
    _, frame, truth = archive
    actual = pd.read_parquet(out / "conversations")
    assert_same_rows(actual, score_conversation_frame(frame.dropna(subset=["conversation_id"]), service),
                     key="conversation_id")
    in_time_order = [r.model_dump() for r in service.score_conversations(
        [Conversation(k, turns) for k, turns in truth.items()])]
    by_id = actual.set_index("conversation_id")
    for result in in_time_order:
        row = by_id.loc[result["id"]]
        assert (row["label"], row["risk"], _plain(row["suspect"]), _plain(row["first_alert_turn"])) == (
            result["label"], result["risk"], result["suspect"], result["first_alert_turn"])


@pytest.mark.spark
@quiet_pandas_warning
def test_model_is_loaded_once_per_python_worker(spark, tiny_model_dir):
    model = ModelRef.resolve(tiny_model_dir, None, 512)

    def probe(batches):  # a closure, so it is shipped by value; it reaches the worker's signals.spark cache
        import os

        import pandas as pd

        from signals.spark import cached_service

        for batch in batches:
            yield pd.DataFrame({"pid": [os.getpid()], "service": [id(cached_service(model))], "rows": [len(batch)]})

    seen = spark.range(3000).repartition(6).mapInPandas(probe, "pid long, service long, rows long").toPandas()
    assert seen["rows"].sum() == 3000
    assert len(seen) > seen["pid"].nunique()  # workers were reused across batches and tasks...
    assert (seen.groupby("pid")["service"].nunique() == 1).all()  # ...and kept the one service they loaded


@pytest.mark.spark
@quiet_pandas_warning
def test_partition_by_route(spark, archive, tiny_model_dir, service, tmp_path):
    small = archive[1].head(300)[["id", "text"]]
    small.to_parquet(tmp_path / "small.parquet", index=False)
    assert spark_score(tmp_path / "small.parquet", tmp_path / "out", "--partition-by", "route",
                       "--model", tiny_model_dir) == 0
    folders = {p.name for p in (tmp_path / "out" / "messages").iterdir() if p.is_dir()}
    expected = score_frame(small, service)
    assert folders == {f"route={r}" for r in expected["route"].unique()}
    actual = pd.read_parquet(tmp_path / "out" / "messages")
    actual["route"] = actual["route"].astype(str)
    assert_same_rows(actual[list(expected.columns)], expected, key="id")


def edge_case_texts(frame: pd.DataFrame, fmt: str) -> pd.DataFrame:
    frame = frame.copy()
    texts = ['zeg "niks", oké?', "regel een\nregel twee: kom op snap", "€ 😢 ñ", "" if fmt == "jsonl" else "k"]
    frame.loc[frame.index[:4], "text"] = texts  # (an empty CSV field reads as missing, so no "" there)
    return frame


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("fmt", ["csv", "jsonl"])
def test_csv_and_jsonl_inputs(spark, archive, tiny_model_dir, service, tmp_path, fmt):
    rows = archive[1]
    frame = pd.concat([edge_case_texts(rows[rows["conversation_id"].isna()].head(40), fmt),
                       rows[rows["conversation_id"] == "c03"]], ignore_index=True)
    if fmt == "csv":  # every CSV column is text; ISO-8601 text sorts in time order
        frame["ts"] = frame["ts"].dt.strftime("%Y-%m-%dT%H:%M:%S")
        frame.to_csv(tmp_path / "in.csv", index=False)
    else:  # integer ids and epoch-second timestamps
        frame["ts"] = [None if pd.isna(t) else int(t.timestamp()) for t in frame["ts"]]
        frame["id"] = range(len(frame))
        frame.to_json(tmp_path / "in.jsonl", orient="records", lines=True, force_ascii=False)
    rc = spark_score(tmp_path / f"in.{fmt}", tmp_path / "out", "--conversations", "--model", tiny_model_dir)
    assert rc == 0
    assert_same_rows(pd.read_parquet(tmp_path / "out" / "messages"), score_frame(frame, service), key="id")
    assert_same_rows(pd.read_parquet(tmp_path / "out" / "conversations"),
                     score_conversation_frame(frame.dropna(subset=["conversation_id"]), service), key="conversation_id")


# -- errors -------------------------------------------------------------------------------------
@pytest.mark.spark
@quiet_pandas_warning
def test_missing_column_is_exit_2_with_a_clear_message(spark, tiny_model_dir, tmp_path, capsys):
    pd.DataFrame({"id": ["m1"], "body": ["hoi"]}).to_parquet(tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--model", tiny_model_dir) == 2
    assert "missing column(s) text" in capsys.readouterr().err


@pytest.mark.spark
@quiet_pandas_warning
def test_conversations_need_their_columns(spark, tiny_model_dir, tmp_path, capsys):
    pd.DataFrame({"id": ["m1"], "text": ["hoi"]}).to_parquet(tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--conversations", "--model", tiny_model_dir) == 2
    assert "missing column(s) conversation_id, speaker, ts" in capsys.readouterr().err


@pytest.mark.parametrize("name", ["archive.txt", "archive", "data.xml.gz"])
def test_unknown_format_is_exit_2(tiny_model_dir, tmp_path, capsys, name):
    (tmp_path / name).write_text("id,text\nm1,hoi\n", encoding="utf-8")
    assert spark_score(tmp_path / name, tmp_path / "out", "--model", tiny_model_dir) == 2
    assert "pass --format parquet|jsonl|csv" in capsys.readouterr().err


@pytest.mark.parametrize("path, fmt, expected", [
    ("a.parquet", None, "parquet"), ("a.jsonl", None, "jsonl"), ("a.jsonl.gz", None, "jsonl"),
    ("A.CSV", None, "csv"), ("s3a://bucket/archive.parquet/", None, "parquet"), ("a.txt", "csv", "csv"),
])
def test_input_format(path, fmt, expected):
    assert input_format(path, fmt) == expected


def test_unsupported_format_names_the_choices():
    with pytest.raises(InputError, match="use one of parquet, jsonl, csv"):
        input_format("a.xml", "xml")
    with pytest.raises(SystemExit) as info:  # the CLI's parser rejects it before anything starts
        spark_score("a.xml", "out", "--format", "xml")
    assert info.value.code == 2


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("ids, texts, scored, message", [
    (["m1", "m2", None], ["kom op snap", None, "hoi"], ["m1"], "2 row(s) without id or text were skipped"),
    # bytes that are not UTF-8 crashed a Python worker; a U+FFFD that was sent, emoji, Arabic and combining marks
    # are valid UTF-8 and scored
    (["m1", b"m\xc3", "m3", "m4"], [b"hoi \xff\xfe", "hoi", "stuur \ufffd foto", "😢👍🏽 مرحبا e\u0301"],
     ["m3", "m4"], "2 row(s) whose id or text is not valid UTF-8 were skipped"),
], ids=["missing", "not-utf8"])
def test_rows_whose_id_or_text_is_missing_or_not_utf8_are_skipped_and_counted(spark, tiny_model_dir, tmp_path, capsys,
                                                                              ids, texts, scored, message):
    import pyarrow as pa
    import pyarrow.parquet as pq

    pq.write_table(pa.table({"id": arrow_column(ids), "text": arrow_column(texts)}), tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--model", tiny_model_dir) == 2
    skipped = [line for line in capsys.readouterr().err.splitlines() if "skipped" in line]
    assert skipped == [f"{message}; the other rows were scored"]
    assert sorted(pd.read_parquet(tmp_path / "out" / "messages")["id"]) == scored


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("name, content, scored, message", [
    ("in.jsonl", '{"id": "m1", "text": "hoi"}\nthis is not json\n{"id": "m3", "text": "kom op snap"}\n', ["m1", "m3"],
     "1 malformed line(s) (not a JSON object) were skipped"),
    # an unquoted comma: the text was cut there and scored without a word; a row with too few fields
    ("in.csv", "id,text\nm1,hoi\nm2,stuur een foto, niemand hoeft het te weten\nm3\n", ["m1"],
     "2 malformed CSV row(s) (not as many fields as the header) were skipped"),
], ids=["jsonl", "csv"])
def test_malformed_lines_are_skipped_and_counted(spark, tiny_model_dir, tmp_path, capsys, name, content, scored,
                                                 message):
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert spark_score(tmp_path / name, tmp_path / "out", "--model", tiny_model_dir) == 2
    err = capsys.readouterr().err
    assert message in err and "without id or text" not in err
    assert sorted(pd.read_parquet(tmp_path / "out" / "messages")["id"]) == scored


@pytest.mark.spark
@quiet_pandas_warning
def test_existing_output_and_unknown_partition_column_are_refused(spark, tiny_model_dir, tmp_path, capsys):
    pd.DataFrame({"id": ["m1"], "text": ["hoi"]}).to_parquet(tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--partition-by", "labels",
                       "--model", tiny_model_dir) == 2
    assert "cannot partition by labels" in capsys.readouterr().err
    (tmp_path / "out" / "messages").mkdir(parents=True)
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--model", tiny_model_dir) == 2
    assert "already exists" in capsys.readouterr().err
    # a result dataset as OUTPUT: the new rows went inside it, and its reader then read them as its own
    (tmp_path / "out" / "messages" / "_SUCCESS").write_text("", encoding="utf-8")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out" / "messages", "--model", tiny_model_dir) == 2
    assert "is itself a dataset written by a run" in capsys.readouterr().err
    assert sorted(p.name for p in (tmp_path / "out" / "messages").iterdir()) == ["_SUCCESS"]


@pytest.mark.spark
@quiet_pandas_warning
def test_missing_input_file_is_exit_2(spark, tiny_model_dir, tmp_path, capsys):
    assert spark_score(tmp_path / "nope.parquet", tmp_path / "out", "--model", tiny_model_dir) == 2
    assert "PATH_NOT_FOUND" in capsys.readouterr().err


def test_missing_model_fails_before_spark_starts(tmp_path, capsys):
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--model", tmp_path / "no-model") == 2
    assert "no model at" in capsys.readouterr().err


# -- packaging ----------------------------------------------------------------------------------
def test_model_dir_is_made_absolute_before_shipping(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    ref = ModelRef.resolve(Path("models/x"), "models", 64)
    assert ref == ModelRef(str(tmp_path / "models" / "x"), str(tmp_path / "models"), 64)


def test_signals_imports_without_pyspark():
    code = ("import sys; sys.modules['pyspark'] = None; sys.modules['pyarrow'] = None\n"
            "import signals.cli, signals.frame, signals.spark\n"
            "assert 'pyspark' not in [m.split('.')[0] for m in sys.modules if sys.modules[m] is not None]")
    subprocess.run([sys.executable, "-c", code], check=True, cwd=ROOT, env={**os.environ, "PYTHONPATH": "src"})


def test_spark_submit_entry_point_has_the_same_arguments_as_the_cli():
    done = subprocess.run([sys.executable, "src/signals/spark.py", "--help"], cwd=ROOT, capture_output=True,
                          text=True, check=False, env={**os.environ, "PYTHONPATH": "src"})
    assert done.returncode == 0
    assert "usage: spark.py" in done.stdout
    from signals.cli import build_parser

    cli_help = build_parser()._subparsers._group_actions[0].choices["spark-score"].format_help()  # type: ignore[union-attr]
    for option in ("--partition-by", "--conversations", "--format", "--master", "--model", "--env-file"):
        assert option in done.stdout and option in cli_help


def test_spark_module_imports_no_front():
    """Fronts own their arguments; no module imports a front (spark.py and cli.py used to import each other)."""
    source = (ROOT / "src" / "signals" / "spark.py").read_text(encoding="utf-8")
    assert "signals.cli" not in source and "from signals import cli" not in source


@pytest.mark.spark
@quiet_pandas_warning
def test_a_model_the_workers_cannot_see_is_a_clear_error(spark, tmp_path):
    from signals.errors import ModelNotFoundError
    from signals.spark import run

    pd.DataFrame({"id": ["m1"], "text": ["hoi"]}).to_parquet(tmp_path / "in.parquet")
    with pytest.raises(ModelNotFoundError, match=r"^on a Spark worker: no model at .*no-model"):
        run(spark, str(tmp_path / "in.parquet"), str(tmp_path / "out"), "parquet", ModelRef(str(tmp_path / "no-model")))


# -- hostile input, bad paths, failed and stopped runs --------------------------------------------
def one_line_error(capsys) -> str:
    """The command's stderr is one `error: ...` line: no Python traceback, no second message."""
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), lines
    return lines[0]


def turns_with(**columns) -> pd.DataFrame:
    """Three turns of one conversation, with ``columns`` replaced."""
    frame = pd.DataFrame({"id": ["t1", "t2", "t3"], "text": ["hoi", "hoe oud ben je", "kom op snap"],
                          "conversation_id": ["c1"] * 3, "speaker": ["a", "b", "a"], "ts": [1, 2, 3]})
    return frame.assign(**columns)


def _file_as_output(tmp_path):
    pd.DataFrame({"id": ["m1"], "text": ["hoi"]}).to_parquet(tmp_path / "in.parquet")
    (tmp_path / "out").write_text("not a folder", encoding="utf-8")
    return [tmp_path / "in.parquet", tmp_path / "out"]


def _output_inside_a_file(tmp_path):
    return [*_file_as_output(tmp_path)[:1], tmp_path / "out" / "run-1"]


def _unfinished_output(tmp_path):
    pd.DataFrame({"id": ["m1"], "text": ["hoi"]}).to_parquet(tmp_path / "in.parquet")
    (tmp_path / "out" / "messages" / "_temporary").mkdir(parents=True)  # a run killed while it wrote
    return [tmp_path / "in.parquet", tmp_path / "out"]


def _jsonl_read_as_parquet(tmp_path):
    (tmp_path / "in.jsonl").write_text('{"id": "m1", "text": "hoi"}\n', encoding="utf-8")
    return [tmp_path / "in.jsonl", tmp_path / "out", "--format", "parquet"]


def _files_whose_id_types_clash(tmp_path):
    (tmp_path / "in").mkdir()
    pd.DataFrame({"id": ["m1"], "text": ["hoi"]}).to_parquet(tmp_path / "in" / "a.parquet")
    pd.DataFrame({"id": [2.5], "text": ["doei"]}).to_parquet(tmp_path / "in" / "b.parquet")
    return [tmp_path / "in", tmp_path / "out", "--format", "parquet"]


def _not_json(tmp_path):
    (tmp_path / "in.jsonl").write_text("id,text\nm1,hoi\n", encoding="utf-8")
    return [tmp_path / "in.jsonl", tmp_path / "out"]


def _unknown_file_system(tmp_path):
    return ["foo://host/in.parquet", tmp_path / "out"]


def _hidden_files_only(tmp_path):
    (tmp_path / "in").mkdir()
    for name in (".a.jsonl", "_b.jsonl"):
        (tmp_path / "in" / name).write_text('{"id": "m1", "text": "hoi"}\n', encoding="utf-8")
    return [tmp_path / "in", tmp_path / "out", "--format", "jsonl"]


def _hidden_file(tmp_path):
    (tmp_path / "_in.jsonl").write_text('{"id": "m1", "text": "hoi"}\n', encoding="utf-8")
    return [tmp_path / "_in.jsonl", tmp_path / "out"]


def _conversation_column(name, values):
    def setup(tmp_path):
        turns_with(**{name: values}).to_parquet(tmp_path / "in.parquet")
        return [tmp_path / "in.parquet", tmp_path / "out", "--conversations"]
    return setup


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("setup, message", [
    (_file_as_output, "is a file; OUTPUT is a folder"),
    (_output_inside_a_file, "cannot create OUTPUT"),
    (_unfinished_output, "already exists (left by a run that did not finish: it has no _SUCCESS)"),
    (_jsonl_read_as_parquet, "as parquet: [FAILED_READ_FILE"),
    (_files_whose_id_types_clash, "as parquet: [FAILED_READ_FILE"),
    (_conversation_column("speaker", [1.0, None, 1.0]), "'speaker' must be a string or integer column, not double"),
    (_conversation_column("ts", [True, False, True]), "'ts' must be a timestamp, number or string column, not boolean"),
    (_not_json, "missing column(s) id, text; found: none (no line is a JSON object)"),
    (_unknown_file_system, 'cannot read INPUT foo://host/in.parquet: No FileSystem for scheme "foo"'),
    (_hidden_files_only, "only files whose names start with '.' or '_', which Spark skips as hidden"),
    (_hidden_file, "only files whose names start with '.' or '_', which Spark skips as hidden"),
], ids=["output-is-a-file", "output-inside-a-file", "unfinished-output", "jsonl-read-as-parquet",
        "clashing-id-types", "float-speaker", "boolean-ts", "not-json", "unknown-file-system", "hidden-files-only",
        "hidden-file"])
def test_user_errors_are_one_line_and_exit_2(spark, tiny_model_dir, tmp_path, capsys, setup, message):
    args = setup(tmp_path)
    before = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*"))
    assert spark_score(*args, "--model", tiny_model_dir) == 2
    assert message in one_line_error(capsys)
    assert sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*")) == before  # nothing written


@pytest.mark.parametrize("master", ["foo", "localhost", "local[x]", "spark:/host:7077"])
def test_a_master_spark_would_refuse_is_a_one_line_error(tiny_model_dir, tmp_path, capsys, master):
    pytest.importorskip("pyspark")  # refused before Spark starts, but after the check that pyspark is there
    pd.DataFrame({"id": ["m1"], "text": ["hoi"]}).to_parquet(tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--master", master, "--model", tiny_model_dir) == 2
    assert f"--master {master} is not a Spark master" in one_line_error(capsys)


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]", "local[4,2]", "local-cluster[2, 1, 1024]",
                                    "yarn", "spark://host:7077", "k8s://https://host:443"])
def test_masters_spark_accepts_pass_the_check(master):
    from signals.spark import _MASTER

    assert _MASTER.fullmatch(master)


def test_without_pyspark_the_command_says_what_to_install(tiny_model_dir):
    code = ("import sys; sys.modules['pyspark'] = None\n"
            "from signals.cli import main\n"
            f"sys.exit(main(['spark-score', 'in.parquet', 'out', '--model', {str(tiny_model_dir)!r}]))")
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=False,
                          env={**os.environ, "PYTHONPATH": "src"})
    assert (done.returncode, done.stderr.strip()) == (
        2, "error: E300: signals spark-score needs pyspark and pyarrow: pip install 'signals[spark]'")


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("limit, texts, scored, message", [
    (None, {"m1": "kom op snap " * 100_000, "m2": "hoi"}, ["m2"],  # 1.2 M characters: over spaCy's limit too
     "1 row(s) with a text over 5000 characters (SIGNALS_MAX_TEXT_CHARS) were skipped"),
    ("20", {"m1": "a" * 21, "m2": "a" * 20, "m3": "€" * 21}, ["m2"],
     "2 row(s) with a text over 20 characters (SIGNALS_MAX_TEXT_CHARS) were skipped"),
])
def test_texts_over_the_limit_are_skipped_and_counted_like_signals_score(
        spark, tiny_model_dir, service, tmp_path, capsys, monkeypatch, limit, texts, scored, message):
    if limit:
        monkeypatch.setenv("SIGNALS_MAX_TEXT_CHARS", limit)
    frame = pd.DataFrame({"id": list(texts), "text": list(texts.values())})
    frame.to_parquet(tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--model", tiny_model_dir) == 2
    assert message in capsys.readouterr().err
    assert_same_rows(pd.read_parquet(tmp_path / "out" / "messages"),
                     score_frame(frame[frame["id"].isin(scored)], service), key="id")


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("limit, column, values", [
    ("30", "text", ["hoi", "x" * 31, "kom op snap"]),
    (None, "ts", [1.0, float("nan"), 3.0]),  # NaN, not null: Parquet written by Spark or pyarrow can hold it
    (None, "speaker", ["a", None, "a"]),
    (None, "speaker", ["a", b"\xc3", "a"]),  # bytes: not UTF-8, which crashed a Python worker
    (None, "conversation_id", ["c1", b"c\xff", "c1"]),
    (None, "ts", ["1", b"\xff", "3"]),
], ids=["text-over-the-limit", "nan-ts", "no-speaker", "not-utf8-speaker", "not-utf8-conversation-id", "not-utf8-ts"])
def test_a_turn_that_cannot_be_placed_is_left_out_and_counted(spark, tiny_model_dir, service, tmp_path, capsys,
                                                              monkeypatch, limit, column, values):
    import pyarrow as pa
    import pyarrow.parquet as pq

    if limit:
        monkeypatch.setenv("SIGNALS_MAX_TEXT_CHARS", limit)
    frame = turns_with(**{column: values})
    table = pa.Table.from_pandas(frame, preserve_index=False)  # then the column as given: pandas makes NaN null
    pq.write_table(table.set_column(table.schema.get_field_index(column), column, arrow_column(values)),
                   tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--conversations", "--model", tiny_model_dir) == 2
    assert ("1 conversation turn(s) without id, text, speaker or ts, or with a text over SIGNALS_MAX_TEXT_CHARS or a "
            "value that is not valid UTF-8, were left out of their conversation") in capsys.readouterr().err
    assert_same_rows(pd.read_parquet(tmp_path / "out" / "conversations"),
                     score_conversation_frame(frame.drop(index=1), service), key="conversation_id")


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("column, values, key", [
    ("conversation_id", [7.0, 7.0, 7.0], "7.0"),   # pandas makes integer ids with gaps float64
    ("conversation_id", [7, 7, 7], "7"),
    ("speaker", pd.array([1, 2, 1], dtype="Int64"), "c1"),
    ("speaker", pd.array([1, 2, 1], dtype="UInt64"), "c1"),  # read by Spark as decimal(20,0)
    ("ts", pd.to_datetime(["2024-05-01", "2024-05-02", "2024-05-03"]).date, "c1"),
], ids=["float-conversation-id", "int-conversation-id", "int-speaker", "uint64-speaker", "date-ts"])
def test_conversation_column_types(spark, tiny_model_dir, service, tmp_path, column, values, key):
    frame = turns_with(**{column: values})
    frame.to_parquet(tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--conversations", "--model", tiny_model_dir) == 0
    actual = pd.read_parquet(tmp_path / "out" / "conversations")
    expected = score_conversation_frame(turns_with(conversation_id=[key] * 3), service)
    assert_same_rows(actual, expected, key="conversation_id")


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("ids, expected", [
    (pd.array([1, 2], dtype="UInt64"), ["1", "2"]),
    (pd.array([2**63 + 5, 7], dtype="UInt64"), [str(2**63 + 5), "7"]),  # decimal(20,0) in Spark
    (pd.array([1, 2], dtype="Int8"), ["1", "2"]),
])
def test_whole_number_ids_are_written_as_strings(spark, tiny_model_dir, tmp_path, ids, expected):
    pd.DataFrame({"id": ids, "text": ["hoi", "kom op snap"]}).to_parquet(tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--model", tiny_model_dir) == 0
    assert sorted(pd.read_parquet(tmp_path / "out" / "messages")["id"]) == sorted(expected)


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("name, content, extra", [
    ("in.jsonl", "", ()),
    ("in.jsonl", "\n\n", ()),
    ("in.csv", "", ()),
    ("in.csv", "", ("--conversations",)),
    ("in.csv", "id,text\n", ()),
])
def test_an_empty_input_is_an_empty_archive(spark, tiny_model_dir, tmp_path, capsys, name, content, extra):
    (tmp_path / name).write_text(content, encoding="utf-8")
    assert spark_score(tmp_path / name, tmp_path / "out", *extra, "--model", tiny_model_dir) == 0
    messages = pd.read_parquet(tmp_path / "out" / "messages")
    assert messages.empty and list(messages.columns)[:2] == ["id", "flagged"]
    assert "error" not in capsys.readouterr().err


@pytest.mark.spark
@quiet_pandas_warning
def test_turns_in_the_hour_that_repeats_keep_their_order_and_time_whatever_the_session_zone(spark, tiny_model_dir,
                                                                                             service, tmp_path):
    """A session in a zone with daylight saving handed pandas wall-clock times: 00:30 and 00:45 UTC on
    27 October 2024 are 02:30 and 02:45 in Amsterdam, as are 01:30 and 01:45 UTC, so turns were put out
    of order and ``ts`` moved an hour."""
    ts = pd.to_datetime(["2024-10-27 00:30", "2024-10-27 00:45", "2024-10-27 01:15", "2024-10-27 01:20"], utc=True)
    frame = pd.DataFrame({"id": ["d1", "d2", "d3", "d4"], "conversation_id": ["c1"] * 4, "speaker": ["a", "b", "a", "b"],
                          "text": ["hoi", "hoe oud ben je", "stuur een foto, niemand hoeft het te weten", "ok"], "ts": ts})
    frame.to_parquet(tmp_path / "in.parquet")
    zone = spark.conf.get("spark.sql.session.timeZone")
    spark.conf.set("spark.sql.session.timeZone", "Europe/Amsterdam")
    try:
        assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--conversations", "--model", tiny_model_dir) == 0
        assert spark.conf.get("spark.sql.session.timeZone") == "Europe/Amsterdam"   # the caller's session is restored
    finally:
        spark.conf.set("spark.sql.session.timeZone", zone)
    messages = pd.read_parquet(tmp_path / "out" / "messages").sort_values("id")
    assert list(pd.to_datetime(messages["ts"], utc=True)) == list(ts)
    actual = pd.read_parquet(tmp_path / "out" / "conversations")
    assert_same_rows(actual, score_conversation_frame(frame, service), key="conversation_id")


FAR_MICROS, FAR_DAYS = 3_091_442_544_000_000_000, 35_780_585  # about the year 99933: Spark holds it, pandas does not


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("kind, values", [
    ("timestamp", [FAR_MICROS, 0, -FAR_MICROS]),
    ("timestamp_ntz", [FAR_MICROS, 0, -FAR_MICROS]),
    ("date", [FAR_DAYS, 0, -FAR_DAYS]),
])
def test_a_ts_pandas_cannot_hold_orders_the_turns_and_is_written_as_read(spark, tiny_model_dir, service, tmp_path,
                                                                         kind, values):
    """pandas holds timestamps between the years 1677 and 2262 and dates up to 9999; such a ts crashed the run."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    arrow_type = {"timestamp": pa.timestamp("us", tz="UTC"), "timestamp_ntz": pa.timestamp("us"),
                  "date": pa.date32()}[kind]
    table = pa.Table.from_pandas(turns_with(), preserve_index=False)
    pq.write_table(table.set_column(table.schema.get_field_index("ts"), "ts", pa.array(values, arrow_type)),
                   tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--conversations", "--model", tiny_model_dir) == 0
    given, written = (spark.read.parquet(str(path)).select("id", "ts")  # (pyarrow misreads Spark's far INT96 times)
                      for path in (tmp_path / "in.parquet", tmp_path / "out" / "messages"))
    assert written.schema == given.schema
    assert written.exceptAll(given).count() == given.exceptAll(written).count() == 0
    assert_same_rows(pd.read_parquet(tmp_path / "out" / "conversations"),
                     score_conversation_frame(turns_with(ts=[3, 2, 1]), service), key="conversation_id")


def failing_conversation_scorer(error):
    """A stand-in for ``conversation_scorer`` that fails on the driver, after the messages are written."""
    def scorer(model):
        raise error
    return scorer


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("error, code, message", [
    (InputError("a worker could not score"), 2, "error: E100: a worker could not score"),
    (KeyboardInterrupt(), 130, "stopped by SIGINT; nothing of this run was kept in"),
    (Stopped(), 143, "stopped by SIGTERM; nothing of this run was kept in"),
    (Stopped(signal.SIGHUP), 129, "stopped by SIGHUP; nothing of this run was kept in"),
], ids=["failed", "sigint", "sigterm", "sighup"])
def test_a_run_that_fails_or_is_stopped_leaves_nothing_behind(spark, tiny_model_dir, tmp_path, capsys, monkeypatch,
                                                               error, code, message):
    turns_with().to_parquet(tmp_path / "in.parquet")
    out = tmp_path / "new" / "deeper" / "out"
    monkeypatch.setattr("signals.spark.conversation_scorer", failing_conversation_scorer(error))
    assert spark_score(tmp_path / "in.parquet", out, "--conversations", "--model", tiny_model_dir) == code
    assert message in capsys.readouterr().err
    # OUTPUT and the parent folders this run made for it are gone too
    assert list(tmp_path.iterdir()) == [tmp_path / "in.parquet"]
    monkeypatch.undo()
    assert spark_score(tmp_path / "in.parquet", out, "--conversations", "--model", tiny_model_dir) == 0


@pytest.mark.spark
@quiet_pandas_warning
def test_a_failed_run_keeps_an_output_folder_that_was_there(spark, tiny_model_dir, tmp_path, monkeypatch):
    turns_with().to_parquet(tmp_path / "in.parquet")
    (tmp_path / "out" / "earlier-run").mkdir(parents=True)
    monkeypatch.setattr("signals.spark.conversation_scorer", failing_conversation_scorer(InputError("no")))
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--conversations", "--model", tiny_model_dir) == 2
    assert [p.name for p in (tmp_path / "out").iterdir()] == ["earlier-run"]


@pytest.mark.spark
@quiet_pandas_warning
@pytest.mark.parametrize("column", ["speaker", "ts"])
def test_an_all_null_conversation_column_leaves_the_turns_out(spark, tiny_model_dir, tmp_path, capsys, column):
    turns_with(**{column: [None] * 3}).to_parquet(tmp_path / "in.parquet")  # Parquet type null, Spark's void
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--conversations", "--model", tiny_model_dir) == 2
    assert "3 conversation turn(s) without id, text, speaker or ts" in capsys.readouterr().err
    assert len(pd.read_parquet(tmp_path / "out" / "messages")) == 3
    assert pd.read_parquet(tmp_path / "out" / "conversations").empty
