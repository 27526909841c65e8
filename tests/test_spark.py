"""`signals spark-score` on local Spark writes exactly what `score_frame` computes in process, row by row."""

from __future__ import annotations

import os
import random
import shutil
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
def test_rows_without_text_are_skipped_and_counted(spark, tiny_model_dir, tmp_path, capsys):
    pd.DataFrame({"id": ["m1", "m2", None], "text": ["kom op snap", None, "hoi"]}).to_parquet(tmp_path / "in.parquet")
    assert spark_score(tmp_path / "in.parquet", tmp_path / "out", "--model", tiny_model_dir) == 2
    assert "2 row(s) without id or text were skipped" in capsys.readouterr().err
    assert pd.read_parquet(tmp_path / "out" / "messages")["id"].tolist() == ["m1"]


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
