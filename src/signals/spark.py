"""``signals spark-score``: score a whole message archive on Apache Spark with the one scoring service.

    signals spark-score INPUT OUTPUT [--format parquet|jsonl|csv] [--conversations] [--partition-by COLS]
    spark-submit [spark options] src/signals/spark.py INPUT OUTPUT [the same options]

Reads Parquet, JSON lines or CSV with at least ``id`` and ``text`` and writes Parquet:
``OUTPUT/messages`` (``signals.frame.message_fields`` of the model's categories, plus ``conversation_id``/``speaker``/``ts`` when
the input has them) and, with ``--conversations``, ``OUTPUT/conversations``
(``signals.frame.CONVERSATION_FIELDS``). Scoring is ``signals.frame`` inside ``mapInPandas`` /
``applyInPandas``; every Python worker loads and hash-verifies the model once (``cached_service``)
and reuses it for all its batches. Rows without ``id`` or ``text`` are skipped and counted (exit 2,
like malformed lines in ``signals score``).

pyspark is imported inside functions only: ``signals`` works without the ``spark`` extra.
"""

from __future__ import annotations

import dataclasses
import os
import re
import sys
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from signals import errors
from signals.errors import InputError
from signals.frame import (
    CONVERSATION_DDL,
    CONVERSATION_INPUT,
    MESSAGE_INPUT,
    PASSTHROUGH,
    ddl,
    message_fields,
    score_conversation_frame,
    score_frame,
)
from signals.settings import load_settings
from signals.taxonomy import CATEGORIES

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

    from signals.service import ScoringService

FORMATS: tuple[str, ...] = ("parquet", "jsonl", "csv")
_EXTENSIONS = {".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
               ".csv": "csv"}
_COMPRESSION = {".gz", ".bz2", ".zst", ".lz4", ".snappy", ".deflate"}
LOG_LEVEL = "WARN"
APP_NAME = "signals-spark-score"
_SIGNALS_ERROR = re.compile(r"signals\.errors\.(\w+): (.+)")


# -- on the workers ---------------------------------------------------------------------------
@dataclass(frozen=True)
class ModelRef:
    """What a worker needs to load the model. ``model_dir`` is absolute and must be visible on every node."""

    model_dir: str
    root: str | None = None
    batch_size: int = 512
    categories: tuple[str, ...] = tuple(CATEGORIES)  # the model's own, read on the driver

    @classmethod
    def resolve(cls, model_dir: Path | str, root: Path | str | None, batch_size: int) -> ModelRef:
        return cls(os.path.abspath(model_dir), os.path.abspath(root) if root else None, batch_size)

    def load(self) -> ScoringService:
        from signals.service import ScoringService

        return ScoringService.load(Path(self.model_dir), Path(self.root) if self.root else None, self.batch_size)


_SERVICES: dict[ModelRef, ScoringService] = {}  # one loaded, verified model per Python worker process


def cached_service(model: ModelRef) -> ScoringService:
    """The worker's service for ``model``: loaded (and its manifest verified) on first use only."""
    service = _SERVICES.get(model)
    if service is None:
        service = _SERVICES[model] = model.load()
    return service


def message_scorer(model: ModelRef):
    """The ``mapInPandas`` function: each Arrow batch is scored in one ``score_frame`` call.

    A closure ships by value, but ``cached_service`` ships by reference: every worker uses the cache
    of its own imported ``signals.spark``, so the model is loaded once per worker, not per task.
    """

    def score_batches(batches):  # no type hints: pyspark would try (and fail) to resolve them
        service = cached_service(model)
        for batch in batches:
            yield score_frame(batch, service)

    return score_batches


def conversation_scorer(model: ModelRef):
    """The ``applyInPandas`` function: the turns of one conversation, in any order → one row."""

    def score_conversation(turns):
        return score_conversation_frame(turns, cached_service(model))

    return score_conversation


# -- on the driver ----------------------------------------------------------------------------
@dataclass
class RunReport:
    messages_path: str
    conversations_path: str | None
    skipped_rows: int
    skipped_turns: int


def input_format(path: str, fmt: str | None = None) -> str:
    """``fmt`` if given, else the format named by the extension (compression suffixes ignored)."""
    if fmt is not None:
        if fmt not in FORMATS:
            raise InputError(f"unknown input format {fmt!r}; use one of {', '.join(FORMATS)}", field="format")
        return fmt
    suffixes = [s.lower() for s in PurePosixPath(path.rstrip("/")).suffixes if s.lower() not in _COMPRESSION]
    if suffixes and suffixes[-1] in _EXTENSIONS:
        return _EXTENSIONS[suffixes[-1]]
    raise InputError(f"cannot tell the format of {path} from its name; pass --format {'|'.join(FORMATS)}",
                     field="format")


def partition_columns(value: str | None) -> tuple[str, ...]:
    return tuple(c.strip() for c in (value or "").split(",") if c.strip())


def read_input(spark: SparkSession, path: str, fmt: str) -> DataFrame:
    reader = spark.read
    if fmt == "parquet":
        return reader.parquet(path)
    if fmt == "jsonl":
        return reader.json(path)  # one JSON object per line
    # multiLine keeps quoted newlines inside a text; such a file is read by one task (prefer Parquet)
    return reader.options(header=True, multiLine=True, escape='"', encoding="UTF-8").csv(path)


def _check_columns(df: DataFrame, path: str, conversations: bool) -> None:
    from pyspark.sql.types import IntegralType, StringType

    required = MESSAGE_INPUT + (tuple(c for c in CONVERSATION_INPUT if c not in MESSAGE_INPUT) if conversations else ())
    missing = [c for c in required if c not in df.columns]
    if missing:
        hint = " (--conversations needs conversation_id, speaker and ts)" if conversations else ""
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}{hint}; found: {', '.join(df.columns) or 'none'}",
                         field=missing[0])
    types = {f.name: f.dataType for f in df.schema.fields}
    if not isinstance(types["text"], StringType):
        raise InputError(f"{path}: 'text' must be a string column, not {types['text'].simpleString()}", field="text")
    if not isinstance(types["id"], (StringType, IntegralType)):
        raise InputError(f"{path}: 'id' must be a string or integer column, not {types['id'].simpleString()}",
                         field="id")


def _exists(spark: SparkSession, path: str) -> bool:
    jvm, conf = spark.sparkContext._jvm, spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[union-attr]
    target = jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
    return bool(target.getFileSystem(conf).exists(target))


def _spread(df: DataFrame, spark: SparkSession) -> DataFrame:
    """Scoring is CPU-bound: give every core a share even when the input is one small file."""
    cores = spark.sparkContext.defaultParallelism
    return df.repartition(cores) if df.rdd.getNumPartitions() < cores else df


def run(spark: SparkSession, input_path: str, output: str, fmt: str, model: ModelRef, *,
        conversations: bool = False, partition_by: tuple[str, ...] = ()) -> RunReport:
    """Read, validate, score and write; raises ``InputError`` for anything the user can fix."""
    from pyspark.errors import AnalysisException, PythonException
    from pyspark.sql import functions as F

    base = output.rstrip("/")
    messages_path, conversations_path = f"{base}/messages", (f"{base}/conversations" if conversations else None)
    try:
        for target in filter(None, (messages_path, conversations_path)):
            if _exists(spark, target):
                raise InputError(f"{target} already exists; choose a new OUTPUT or remove the old one")
        df = read_input(spark, input_path, fmt)
        _check_columns(df, input_path, conversations)
        passthrough = [c for c in PASSTHROUGH if c in df.columns]
        fields = message_fields(model.categories)
        allowed = [name for name, kind in fields if not kind.startswith("array")] + passthrough
        unknown = [c for c in partition_by if c not in allowed]
        if unknown:
            raise InputError(f"cannot partition by {', '.join(unknown)}; choose from {', '.join(allowed)}",
                             field="partition_by")

        df = df.withColumn("id", F.col("id").cast("string"))
        valid = F.col("id").isNotNull() & F.col("text").isNotNull()
        checks = [F.count(F.when(~valid, 1)).alias("rows")]
        if conversations:
            turn = valid & F.col("speaker").isNotNull() & F.col("ts").isNotNull()
            checks.append(F.count(F.when(F.col("conversation_id").isNotNull() & ~turn, 1)).alias("turns"))
        counts = df.agg(*checks).first()

        messages = _spread(df.filter(valid).select(*MESSAGE_INPUT, *passthrough), spark)
        extra = "".join(f", `{f.name}` {f.dataType.simpleString()}" for f in messages.schema.fields if f.name in passthrough)
        scored = messages.mapInPandas(message_scorer(model), schema=ddl(fields) + extra)
        writer = scored.write.mode("errorifexists")
        (writer.partitionBy(*partition_by) if partition_by else writer).parquet(messages_path)

        if conversations_path:
            turns = df.filter(F.col("conversation_id").isNotNull() & turn).select(*CONVERSATION_INPUT)
            scored_conversations = turns.groupBy("conversation_id").applyInPandas(
                conversation_scorer(model), schema=CONVERSATION_DDL)
            scored_conversations.write.mode("errorifexists").parquet(conversations_path)
    except AnalysisException as exc:  # input not found, output exists, unreadable file
        raise InputError(str(exc).splitlines()[0]) from exc
    except PythonException as exc:  # a SignalsError on a worker, e.g. the model dir is not on shared storage
        found = _SIGNALS_ERROR.search(str(exc))
        if not found:
            raise
        error_class = getattr(errors, found.group(1), errors.SignalsError)
        raise error_class(f"on a Spark worker: {found.group(2)}") from exc
    assert counts is not None  # an aggregate always has one row
    return RunReport(messages_path, conversations_path, counts["rows"], counts["turns"] if conversations else 0)


def spark_session(master: str | None = None) -> tuple[SparkSession, bool]:
    """The active session, or a new quiet one (then ``True``: the caller stops it).

    The master is ``master`` if given, else whatever spark-submit set, else ``local[*]``.
    """
    from pyspark.sql import SparkSession

    active = SparkSession.getActiveSession()
    if active is not None:
        if master and active.sparkContext.master != master:
            print(f"warning: using the running Spark session on {active.sparkContext.master}, not {master}",
                  file=sys.stderr)
        return active, False
    preset = "PYSPARK_GATEWAY_PORT" in os.environ or "--master" in os.environ.get("PYSPARK_SUBMIT_ARGS", "")
    chosen = master or (None if preset else "local[*]")
    builder = (SparkSession.builder.appName(APP_NAME)
               .config("spark.log.level", LOG_LEVEL)  # quiet from SparkContext start, not only after it
               .config("spark.ui.showConsoleProgress", "true" if sys.stderr.isatty() else "false"))
    if chosen:
        builder = builder.master(chosen)
        if chosen.startswith("local"):  # workers run this interpreter (its venv has signals), not `python3`
            os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    spark = builder.getOrCreate()
    spark.sparkContext.setLogLevel(LOG_LEVEL)
    return spark, True


def run_command(args) -> int:
    """``signals spark-score`` (arguments: ``signals.spark_args``). 0 all rows scored, 2 some skipped."""
    from signals.locate import resolve_model_dir
    from signals.model.artifact import read_model_files
    from signals.model.bundle import SPEC_FILE, ModelSpec

    settings = load_settings(getattr(args, "env_file", None))
    model = ModelRef.resolve(resolve_model_dir(args.model, settings), settings.model_root, settings.batch_size)
    fmt = input_format(args.input, args.format)
    files = read_model_files(Path(model.model_dir), Path(model.root) if model.root else None)  # fail before Spark starts
    model = dataclasses.replace(model, categories=ModelSpec.from_json(files.json(SPEC_FILE)).categories)
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    spark, owned = spark_session(args.master)
    try:
        report = run(spark, args.input, args.output, fmt, model, conversations=args.conversations,
                     partition_by=partition_columns(args.partition_by))
    finally:
        if owned:
            spark.stop()
    print(f"messages: {report.messages_path}", file=sys.stderr)
    if report.conversations_path:
        print(f"conversations: {report.conversations_path}", file=sys.stderr)
    if report.skipped_rows:
        print(f"{report.skipped_rows} row(s) without id or text were skipped; the other rows were scored",
              file=sys.stderr)
    if report.skipped_turns:
        print(f"{report.skipped_turns} conversation turn(s) without id, text, speaker or ts were left out of "
              "their conversation", file=sys.stderr)
    return 2 if report.skipped_rows or report.skipped_turns else 0


def main(argv: list[str] | None = None) -> int:
    """``spark-submit src/signals/spark.py INPUT OUTPUT [options]``: the same arguments and exit codes."""
    import argparse

    from signals.locate import add_model_arguments
    from signals.spark_args import add_arguments

    parser = argparse.ArgumentParser(prog="spark.py", description="Score a message archive on Apache Spark.")
    add_arguments(parser)
    add_model_arguments(parser)
    try:
        return run_command(parser.parse_args(argv))
    except errors.SignalsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
