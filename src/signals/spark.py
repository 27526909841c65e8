"""``signals spark-score``: score a whole message archive on Apache Spark with the one scoring service.

    signals spark-score INPUT OUTPUT [--format parquet|jsonl|csv] [--conversations] [--partition-by COLS]
    spark-submit [spark options] src/signals/spark.py INPUT OUTPUT [the same options]

Reads Parquet, JSON lines or CSV with at least ``id`` and ``text`` and writes Parquet:
``OUTPUT/messages`` (``signals.frame.message_fields`` of the model's categories, plus ``conversation_id``/``speaker``/``ts`` when
the input has them) and, with ``--conversations``, ``OUTPUT/conversations``
(``signals.frame.CONVERSATION_FIELDS``). Scoring is ``signals.frame`` inside ``mapInPandas`` /
``applyInPandas``; every Python worker loads and hash-verifies the model once (``cached_service``)
and reuses it for all its batches. Rows without ``id`` or ``text``, or with a text over
``SIGNALS_MAX_TEXT_CHARS``, are skipped and counted (exit 2, like malformed lines in ``signals score``).
A run that fails or is stopped (SIGINT, SIGTERM) removes what it had written.

pyspark is imported inside functions only: ``signals`` works without the ``spark`` extra.
"""

from __future__ import annotations

import dataclasses
import os
import re
import signal
import sys
import threading
import time
import warnings
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from signals import errors
from signals.errors import ConfigError, InputError
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
from signals.stopping import stop_signal, stop_signals_raise
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
# a file Spark could not read (not the --format it was read as, a corrupt file, files whose column types differ)
_READ_ERROR = re.compile(r"(?:\[FAILED_READ_FILE[\w.]*\] )?Encountered error while reading file[^\n]*")
# the masters spark-submit accepts; anything else makes the JVM print a stack trace before it exits
_MASTER = re.compile(r"local(\[(\d+|\*)(,\s*\d+)?\])?|local-cluster\[\d+,\s*\d+,\s*\d+\]|yarn|(spark|k8s|mesos)://.+")
# Spark loggers that print a Java stack trace for what the job reports itself, in one line: a glob INPUT
# (FileStreamSink, Spark 3.5 and 4 names) and, on a local master (no task is retried there), every
# failed task, which is the job's error (raised with its stack trace when it is not the user's)
_QUIET_LOGGERS = ("org.apache.spark.sql.execution.streaming.FileStreamSink",
                  "org.apache.spark.sql.execution.streaming.sinks.FileStreamSink")
_LOCAL_TASK_LOGGERS = ("org.apache.spark.executor.Executor", "org.apache.spark.scheduler.TaskSetManager")
SUCCESS_MARKER = "_SUCCESS"  # written by Spark into a dataset folder when its write has completed


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
    skipped_rows: int  # rows not scored: without id or text, or with a text over the limit
    skipped_turns: int
    long_texts: int = 0  # of skipped_rows: a text over SIGNALS_MAX_TEXT_CHARS


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


def _identifier_type(kind) -> bool:
    """A column Spark can hand over as an id or a speaker: text or whole numbers (``uint64`` reads as decimal(20,0))."""
    from pyspark.sql.types import DecimalType, IntegralType, StringType

    return isinstance(kind, (StringType, IntegralType)) or (isinstance(kind, DecimalType) and kind.scale == 0)


def _check_columns(df: DataFrame, path: str, conversations: bool) -> None:
    from pyspark.sql.types import DateType, NullType, NumericType, StringType, TimestampNTZType, TimestampType

    required = MESSAGE_INPUT + (tuple(c for c in CONVERSATION_INPUT if c not in MESSAGE_INPUT) if conversations else ())
    missing = [c for c in required if c not in df.columns]
    if missing:
        hint = " (--conversations needs conversation_id, speaker and ts)" if conversations else ""
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}{hint}; found: {', '.join(df.columns) or 'none'}",
                         field=missing[0])
    types = {f.name: f.dataType for f in df.schema.fields}
    if not isinstance(types["text"], StringType):
        raise InputError(f"{path}: 'text' must be a string column, not {types['text'].simpleString()}", field="text")
    for name in ("id", "speaker") if conversations else ("id",):
        kind = types[name]
        if not (_identifier_type(kind) or (name == "speaker" and isinstance(kind, NullType))):  # void: all null
            raise InputError(f"{path}: '{name}' must be a string or integer column, not {kind.simpleString()}",
                             field=name)
    if conversations and not isinstance(types["ts"], (StringType, NumericType, DateType, TimestampType,
                                                       TimestampNTZType, NullType)):
        raise InputError(f"{path}: 'ts' must be a timestamp, number or string column, not {types['ts'].simpleString()}",
                         field="ts")


def _path(spark: SparkSession, path: str):
    """(Hadoop file system, Hadoop path) of ``path``: local, hdfs://, s3a://, ... alike."""
    jvm, conf = spark.sparkContext._jvm, spark.sparkContext._jsc.hadoopConfiguration()  # type: ignore[union-attr]
    target = jvm.org.apache.hadoop.fs.Path(path)  # type: ignore[union-attr]
    return target.getFileSystem(conf), target


def _java_error(exc: Exception) -> bool:
    """A Java exception raised through py4j (``Py4JJavaError``; py4j comes with pyspark, it is not imported here)."""
    return getattr(exc, "java_exception", None) is not None


def _java_message(exc: Exception) -> str:
    """The first line of the Java exception's message behind ``exc``, without its stack trace."""
    java = getattr(exc, "java_exception", None)
    message = (java.getMessage() if java is not None else None) or str(exc)
    return next((line.strip() for line in str(message).splitlines() if line.strip()), type(exc).__name__)


def _check_output(spark: SparkSession, output: str, targets: list[str]) -> None:
    """Before anything is read: OUTPUT is a folder (or not there yet) and none of ``targets`` exists.
    Spark itself would say so with a Java stack trace, after scoring."""
    try:
        fs, target = _path(spark, output)
        if fs.exists(target) and not fs.getFileStatus(target).isDirectory():
            raise InputError(f"OUTPUT {output} is a file; OUTPUT is a folder (choose a new one)", field="output")
        if fs.exists(_path(spark, f"{output}/{SUCCESS_MARKER}")[1]):
            # a dataset a run wrote (OUT/messages): the new results would go inside it and be read as its rows
            raise InputError(f"OUTPUT {output} is itself a dataset written by a run (it has {SUCCESS_MARKER}); "
                             "choose a new OUTPUT", field="output")
        for path in targets:
            fs, target = _path(spark, path)
            if fs.exists(target):
                unfinished = "" if fs.exists(_path(spark, f"{path}/{SUCCESS_MARKER}")[1]) else (
                    f" (left by a run that did not finish: it has no {SUCCESS_MARKER})")
                raise InputError(f"{path} already exists{unfinished}; choose a new OUTPUT or remove the old one")
    except Exception as exc:  # e.g. no file system for the URL's scheme, no permission
        if not _java_error(exc):
            raise
        raise InputError(f"cannot use OUTPUT {output}: {_java_message(exc)}", field="output") from exc


def _make_folder(spark: SparkSession, output: str) -> bool:
    """Create OUTPUT before scoring, so that an OUTPUT that cannot be written fails now, not after the
    scoring. True when this run created it."""
    fs, target = _path(spark, output)
    try:
        if fs.exists(target):
            return False
        if fs.mkdirs(target):
            return True
        problem = "the file system refused"
    except Exception as exc:
        if not _java_error(exc):
            raise
        problem = _java_message(exc)
    raise InputError(f"cannot create OUTPUT {output}: {problem}", field="output")


def _stop_jobs(spark: SparkSession, timeout_s: float = 60.0) -> None:
    """After Ctrl-C or SIGTERM: cancel the job that is still writing and wait for its tasks to end."""
    sc = spark.sparkContext
    sc.cancelAllJobs()
    deadline = time.monotonic() + timeout_s
    while sc.statusTracker().getActiveJobsIds() and time.monotonic() < deadline:
        time.sleep(0.2)


def _discard(spark: SparkSession, done: list[str], current: str | None, base: str | None, stopped: bool) -> None:
    """A run that failed or was stopped leaves nothing behind: the outputs it wrote (``done``), the one
    it was writing (``current``: only when it has no ``_SUCCESS``, so that a dataset some other run
    finished is never removed) and OUTPUT itself when this run created it and it is empty."""
    interrupt = signal.getsignal(signal.SIGINT) if threading.current_thread() is threading.main_thread() else None
    if interrupt is not None:   # a second Ctrl-C while cleaning up stopped the cleanup half-way
        signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        if stopped:
            _stop_jobs(spark)
        for path in done + ([current] if current else []):
            fs, target = _path(spark, path)
            if path in done or not fs.exists(_path(spark, f"{path}/{SUCCESS_MARKER}")[1]):
                fs.delete(target, True)
        if base:
            fs, target = _path(spark, base)
            if fs.exists(target) and not fs.listStatus(target):
                fs.delete(target, False)
    except Exception as exc:  # noqa: BLE001 -- the error that stopped the run is raised, not this one
        print(f"warning: could not remove the partial output of this run ({exc.__class__.__name__}); remove "
              f"{', '.join(done + ([current] if current else []))} before running again", file=sys.stderr)
    finally:
        if interrupt is not None:
            signal.signal(signal.SIGINT, interrupt)


def _spread(df: DataFrame, spark: SparkSession) -> DataFrame:
    """Scoring is CPU-bound: give every core a share even when the input is one small file."""
    cores = spark.sparkContext.defaultParallelism
    return df.repartition(cores) if df.rdd.getNumPartitions() < cores else df


def run(spark: SparkSession, input_path: str, output: str, fmt: str, model: ModelRef, *,
        conversations: bool = False, partition_by: tuple[str, ...] = (),
        max_text_chars: int | None = None) -> RunReport:
    """Read, validate, score and write; raises ``InputError`` for anything the user can fix.

    Rows whose text is longer than ``max_text_chars`` (``SIGNALS_MAX_TEXT_CHARS``, counted as sent)
    are skipped and counted, as ``signals score`` refuses them. A run that fails or is stopped
    removes what it had written, so the same command can be run again.
    """
    from pyspark.errors import AnalysisException, PythonException
    from pyspark.sql import functions as F

    base = output.rstrip("/")
    messages_path, conversations_path = f"{base}/messages", (f"{base}/conversations" if conversations else None)
    done: list[str] = []  # outputs this run has written
    current: str | None = None  # the output being written
    created: str | None = None  # OUTPUT, when this run created it
    try:
        try:
            _check_output(spark, base, list(filter(None, (messages_path, conversations_path))))
            df = read_input(spark, input_path, fmt)
            if not df.columns and not df.take(1):  # an empty JSONL or CSV file: no rows, so no columns either
                names = MESSAGE_INPUT + (PASSTHROUGH if conversations else ())
                df = spark.createDataFrame([], ", ".join(f"`{name}` string" for name in names))
            _check_columns(df, input_path, conversations)
            passthrough = [c for c in PASSTHROUGH if c in df.columns]
            fields = message_fields(model.categories)
            allowed = [name for name, kind in fields if not kind.startswith("array")] + passthrough
            unknown = [c for c in partition_by if c not in allowed]
            if unknown:
                raise InputError(f"cannot partition by {', '.join(unknown)}; choose from {', '.join(allowed)}",
                                 field="partition_by")

            df = df.withColumn("id", F.col("id").cast("string"))
            present = F.col("id").isNotNull() & F.col("text").isNotNull()
            fits = F.length("text") <= max_text_chars if max_text_chars else F.lit(True)
            valid = present & fits
            checks = [F.count(F.when(~valid, 1)).alias("rows"), F.count(F.when(present & ~fits, 1)).alias("long")]
            if conversations:
                turn = valid & F.col("speaker").isNotNull() & F.col("ts").isNotNull()
                if df.schema["ts"].dataType.typeName() in ("float", "double"):
                    turn = turn & ~F.isnan("ts")  # NaN is no time to order turns by
                checks.append(F.count(F.when(F.col("conversation_id").isNotNull() & ~turn, 1)).alias("turns"))
            counts = df.agg(*checks).first()
            created = base if _make_folder(spark, base) else None

            messages = _spread(df.filter(valid).select(*MESSAGE_INPUT, *passthrough), spark)
            extra = "".join(f", `{f.name}` {f.dataType.simpleString()}" for f in messages.schema.fields
                            if f.name in passthrough)
            scored = messages.mapInPandas(message_scorer(model), schema=ddl(fields) + extra)
            writer = scored.write.mode("errorifexists")
            current = messages_path
            (writer.partitionBy(*partition_by) if partition_by else writer).parquet(messages_path)
            done.append(messages_path)
            current = None

            if conversations_path:
                turns = df.filter(F.col("conversation_id").isNotNull() & turn).select(
                    *(F.col(c).cast("string") if c in ("conversation_id", "speaker") else F.col(c)
                      for c in CONVERSATION_INPUT))
                scored_conversations = turns.groupBy("conversation_id").applyInPandas(
                    conversation_scorer(model), schema=CONVERSATION_DDL)
                current = conversations_path
                scored_conversations.write.mode("errorifexists").parquet(conversations_path)
                done.append(conversations_path)
                current = None
        except AnalysisException as exc:  # input not found, output exists, unreadable file
            raise InputError(str(exc).splitlines()[0]) from exc
        except PythonException as exc:  # a SignalsError on a worker, e.g. the model dir is not on shared storage
            found = _SIGNALS_ERROR.search(str(exc))
            if not found:
                raise
            error_class = getattr(errors, found.group(1), errors.SignalsError)
            raise error_class(f"on a Spark worker: {found.group(2)}") from exc
        except Exception as exc:  # a file that is not what --format says, a corrupt file, clashing column types
            found = _READ_ERROR.search(str(exc)) if _java_error(exc) else None
            if not found:
                raise
            raise InputError(f"cannot read {input_path} as {fmt}: {found.group(0).strip()}", field="input") from exc
    except BaseException as exc:
        if current or done or created:
            _discard(spark, done, current, created, stopped=not isinstance(exc, Exception))
        raise
    assert counts is not None  # an aggregate always has one row
    return RunReport(messages_path, conversations_path, counts["rows"], counts["turns"] if conversations else 0,
                     counts["long"])


SESSION_TIME_ZONE = "spark.sql.session.timeZone"


def _utc_session(spark: SparkSession) -> str:
    """Set the session to UTC for this run and return the zone it had. Timestamps reach pandas as
    wall-clock times of the session's zone: in a zone with daylight saving the hour that repeats in
    October was ambiguous, so turns were put out of order and ``ts`` moved an hour."""
    zone = spark.conf.get(SESSION_TIME_ZONE) or "UTC"
    spark.conf.set(SESSION_TIME_ZONE, "UTC")
    return zone


def spark_session(master: str | None = None) -> tuple[SparkSession, bool]:
    """The active session, or a new quiet one (then ``True``: the caller stops it).

    The master is ``master`` if given, else whatever spark-submit set, else ``local[*]``.
    """
    from pyspark.errors import PySparkRuntimeError
    from pyspark.sql import SparkSession

    if master and not _MASTER.fullmatch(master):
        raise ConfigError(f"--master {master} is not a Spark master: use local[N], local[*], spark://HOST:PORT, "
                          "yarn or k8s://URL")
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
    try:
        spark = builder.getOrCreate()
    except Exception as exc:  # no Java, a master that does not answer, ...
        if not (isinstance(exc, PySparkRuntimeError) or _java_error(exc)):
            raise
        hint = "" if _java_error(exc) else " (Spark needs a Java runtime: make java)"  # the JVM did not start
        raise ConfigError(f"Spark did not start: {_java_message(exc)}{hint}") from exc
    spark.sparkContext.setLogLevel(LOG_LEVEL)
    _quiet_loggers(spark)
    return spark, True


def _quiet_loggers(spark: SparkSession) -> None:
    """Turn off ``_QUIET_LOGGERS`` (and, on a local master, ``_LOCAL_TASK_LOGGERS``) in a session of our own."""
    sc = spark.sparkContext
    log4j = sc._jvm.org.apache.logging.log4j  # type: ignore[union-attr]
    local = (sc.master or "").startswith("local")
    for name in _QUIET_LOGGERS + (_LOCAL_TASK_LOGGERS if local else ()):
        log4j.core.config.Configurator.setLevel(name, log4j.Level.OFF)


def run_command(args) -> int:
    """``signals spark-score`` (arguments: ``signals.spark_args``). 0 all rows scored, 2 some skipped (or a
    user error, before anything is written), 130 / 143 stopped by SIGINT / SIGTERM (nothing of the run kept)."""
    from signals.locate import resolve_model_dir
    from signals.model.artifact import read_model_files
    from signals.model.bundle import SPEC_FILE, ModelSpec

    settings = load_settings(getattr(args, "env_file", None))
    model = ModelRef.resolve(resolve_model_dir(args.model, settings), settings.model_root, settings.batch_size)
    fmt = input_format(args.input, args.format)
    files = read_model_files(Path(model.model_dir), Path(model.root) if model.root else None)  # fail before Spark starts
    spec = ModelSpec.from_json(files.json(SPEC_FILE))
    spec_name = f"{spec.name} {spec.version}"
    model = dataclasses.replace(model, categories=spec.categories)
    try:
        import pyarrow  # noqa: F401
        import pyspark  # noqa: F401
    except ImportError as exc:
        raise ConfigError("signals spark-score needs pyspark and pyarrow: pip install 'signals[spark]'") from exc
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    try:
        with stop_signals_raise():
            spark, owned = spark_session(args.master)
            zone = _utc_session(spark)
            try:
                report = run(spark, args.input, args.output, fmt, model, conversations=args.conversations,
                             partition_by=partition_columns(args.partition_by), max_text_chars=settings.max_text_chars)
            finally:
                if owned:
                    spark.stop()
                else:
                    spark.conf.set(SESSION_TIME_ZONE, zone)
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM or SIGHUP (Stopped): run() has removed what it had written
        signum = stop_signal(exc)
        print(f"stopped by {signum.name}; nothing of this run was kept in {args.output}", file=sys.stderr)
        return 128 + signum
    # which model scored the archive, as every command says (here after the run: an error stays one line)
    print(f"model: {spec_name} from {Path(model.model_dir).resolve()} (sha256 {files.sha256})", file=sys.stderr)
    print(f"messages: {report.messages_path}", file=sys.stderr)
    if report.conversations_path:
        print(f"conversations: {report.conversations_path}", file=sys.stderr)
    if report.skipped_rows > report.long_texts:
        print(f"{report.skipped_rows - report.long_texts} row(s) without id or text were skipped; the other rows "
              "were scored", file=sys.stderr)
    if report.long_texts:
        print(f"{report.long_texts} row(s) with a text over {settings.max_text_chars} characters "
              "(SIGNALS_MAX_TEXT_CHARS) were skipped; the other rows were scored", file=sys.stderr)
    if report.skipped_turns:
        print(f"{report.skipped_turns} conversation turn(s) without id, text, speaker or ts, or with a text over "
              "SIGNALS_MAX_TEXT_CHARS, were left out of their conversation", file=sys.stderr)
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
    # run through the importable module: as __main__, the per-worker model cache was shipped by value
    # with every task, so each task loaded the model again
    import importlib

    sys.exit(importlib.import_module("signals.spark").main())
