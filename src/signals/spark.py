"""``signals spark-score``: score a whole message archive on Apache Spark with the one scoring service.

    signals spark-score INPUT OUTPUT [--format parquet|jsonl|csv] [--conversations] [--partition-by COLS]
    spark-submit [spark options] src/signals/spark.py INPUT OUTPUT [the same options]

Reads Parquet, JSON lines or CSV with at least ``id`` and ``text`` and writes Parquet:
``OUTPUT/messages`` (``signals.frame.message_fields`` of the model's categories, plus ``conversation_id``/``speaker``/``ts`` when
the input has them) and, with ``--conversations``, ``OUTPUT/conversations``
(``signals.frame.CONVERSATION_FIELDS``). Scoring is ``signals.frame`` inside ``mapInPandas`` /
``applyInPandas``; every Python worker loads and hash-verifies the model once (``cached_service``)
and reuses it for all its batches. Rows without ``id`` or ``text``, with a text over
``SIGNALS_MAX_TEXT_CHARS``, whose ``id`` or ``text`` is not valid UTF-8 (a Parquet string), or that Spark could
not parse (a JSON line that is not an object, a CSV row without the header's number of fields), are skipped and
counted (exit 2, like malformed lines in ``signals score``).
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
MALFORMED = "_signals_malformed"  # JSON lines, CSV: the text of a line or row Spark could not parse, else null
_MALFORMED_ROWS = {"jsonl": "line(s) (not a JSON object)", "csv": "CSV row(s) (not as many fields as the header)"}
# pandas holds timestamps only between the years 1677 and 2262 and dates up to 9999, Spark far beyond: a `ts`
# of these types is handed to pandas as a whole number in the same order, and turned back after (Spark SQL).
# A timestamp_ntz goes through the session's zone, which is UTC during a run (``_utc_session``)
_TS_AS_NUMBER = {
    "timestamp": ("unix_micros(`ts`)", "timestamp_micros(`ts`)"),
    "timestamp_ntz": ("unix_micros(cast(`ts` as timestamp))", "cast(timestamp_micros(`ts`) as timestamp_ntz)"),
    "date": ("unix_date(`ts`)", "date_from_unix_date(`ts`)"),
}


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
    skipped_rows: int  # rows not scored: without id or text, with a text over the limit, not UTF-8, or malformed
    skipped_turns: int
    long_texts: int = 0  # of skipped_rows: a text over SIGNALS_MAX_TEXT_CHARS
    malformed_rows: int = 0  # of skipped_rows: a JSON line or CSV row Spark could not parse
    not_utf8_rows: int = 0  # of skipped_rows: an id or text that is not valid UTF-8


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
    """The input as Spark reads it. JSON lines and CSV have the column ``MALFORMED``: the text of a line
    or row Spark could not parse (its other columns are null or shifted), null for the others."""
    from pyspark.sql.types import StringType, StructField, StructType

    if fmt == "parquet":
        return spark.read.parquet(path)
    reader = spark.read.option("columnNameOfCorruptRecord", MALFORMED)
    if fmt == "jsonl":
        return reader.json(path)  # one JSON object per line; MALFORMED only when some line is not one
    # multiLine keeps quoted newlines inside a text; such a file is read by one task (prefer Parquet)
    reader = reader.options(header=True, multiLine=True, escape='"', encoding="UTF-8")
    header = reader.csv(path)  # every column as text
    if not header.columns:  # an empty file
        return header
    # Spark fills MALFORMED only when it is in the schema; without it a row with more fields than the
    # header lost the rest silently (a text with an unquoted comma was scored cut off)
    return reader.schema(StructType([*header.schema.fields, StructField(MALFORMED, StringType())])).csv(path)


def _read(spark: SparkSession, path: str, fmt: str) -> DataFrame:
    """``read_input``, with what Spark says about an INPUT it cannot list as one line: a file system it
    does not know (``foo://``) raised a Java stack trace, and no file to read was "Unable to infer schema"."""
    from pyspark.errors import AnalysisException

    try:
        return read_input(spark, path, fmt)
    except AnalysisException as exc:
        if "[UNABLE_TO_INFER_SCHEMA]" not in str(exc):
            raise
        raise InputError(f"nothing to read in {path}: no {fmt} files, or only files whose names start with '.' or "
                         "'_', which Spark skips as hidden (rename them)", field="input") from exc
    except Exception as exc:  # a file Spark could not read is run()'s "cannot read INPUT as FORMAT"
        if not _java_error(exc) or _READ_ERROR.search(str(exc)):
            raise
        raise InputError(f"cannot read INPUT {path}: {_java_message(exc)}", field="input") from exc


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
        found = ", ".join(c for c in df.columns if c != MALFORMED) or (
            "none (no line is a JSON object)" if MALFORMED in df.columns else "none")
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}{hint}; found: {found}", field=missing[0])
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


def _missing_folders(fs, target) -> list:
    """``target`` and those of its parent folders that do not exist (Hadoop paths), deepest first."""
    missing = []
    while target is not None and not fs.exists(target):
        missing.append(target)
        target = target.getParent()
    return missing


def _make_folder(spark: SparkSession, output: str) -> list[str]:
    """Create OUTPUT (and its missing parent folders) before scoring, so that an OUTPUT that cannot be
    written fails now, not after the scoring. Returns the folders this run created, deepest first."""
    fs, target = _path(spark, output)
    try:
        missing = _missing_folders(fs, fs.makeQualified(target))
        if not missing or fs.mkdirs(target):
            return [folder.toString() for folder in missing]
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


def _discard(spark: SparkSession, done: list[str], current: str | None, created: list[str], stopped: bool) -> None:
    """A run that failed or was stopped leaves nothing behind: the outputs it wrote (``done``), the one
    it was writing (``current``: only when it has no ``_SUCCESS``, so that a dataset some other run
    finished is never removed) and the folders it created for OUTPUT (``created``, deepest first) while
    they are empty."""
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
        for folder in created:
            fs, target = _path(spark, folder)
            if fs.exists(target):
                if fs.listStatus(target):  # something else was put there: it and its parents stay
                    break
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


def _for_pandas(df: DataFrame, name: str):
    """Column ``name`` of ``df`` as it is handed to pandas: a ``ts`` of a type in ``_TS_AS_NUMBER`` as a number."""
    from pyspark.sql import functions as F

    kind = df.schema[name].dataType.typeName()
    return F.expr(_TS_AS_NUMBER[kind][0]).alias(name) if name == "ts" and kind in _TS_AS_NUMBER else F.col(name)


def _utf8(column):
    """Whether the string ``column`` is valid UTF-8 (null for null). Spark reads Parquet strings without
    checking them, and pyarrow fails the whole batch at one that is not ("Wrapping ... failed"). ``encode``
    decodes with Java, which replaces what is not UTF-8 by U+FFFD, so the bytes differ exactly then (a U+FFFD
    that was sent is valid and stays). Spark 3.5 has no ``is_valid_utf8``, and Spark 4's ``decode`` raises."""
    from pyspark.sql import functions as F

    return F.encode(column, "UTF-8") == column.cast("binary")


def _from_pandas(scored: DataFrame, df: DataFrame) -> DataFrame:
    """``scored`` with its ``ts`` (see ``_for_pandas``) back in the type it has in the input ``df``."""
    from pyspark.sql import functions as F

    kind = df.schema["ts"].dataType.typeName() if "ts" in scored.columns else None
    return scored.withColumn("ts", F.expr(_TS_AS_NUMBER[kind][1])) if kind in _TS_AS_NUMBER else scored


SESSION_TIME_ZONE = "spark.sql.session.timeZone"


def _utc_session(spark: SparkSession) -> str:
    """Set the session to UTC for the run and return the zone it had. A ``timestamp_ntz`` ``ts`` becomes a
    number through the session's zone (``_TS_AS_NUMBER``), and timestamps reach pandas as wall-clock times
    of it: in a zone with daylight saving the hour that repeats in October was ambiguous, so turns were
    put out of order and ``ts`` moved an hour."""
    zone = spark.conf.get(SESSION_TIME_ZONE) or "UTC"
    spark.conf.set(SESSION_TIME_ZONE, "UTC")
    return zone


def run(spark: SparkSession, input_path: str, output: str, fmt: str, model: ModelRef, *,
        conversations: bool = False, partition_by: tuple[str, ...] = (),
        max_text_chars: int | None = None) -> RunReport:
    """Read, validate, score and write; raises ``InputError`` for anything the user can fix.

    Rows whose text is longer than ``max_text_chars`` (``SIGNALS_MAX_TEXT_CHARS``, counted as sent)
    are skipped and counted, as ``signals score`` refuses them, and so are rows whose id or text is not
    valid UTF-8 and lines or rows Spark could not parse. A run that fails or is stopped removes what it had
    written, so the same command can be run again. The session is in UTC during the run (``_utc_session``)
    and in its own zone again after.
    """
    from pyspark.errors import AnalysisException, PythonException
    from pyspark.sql import functions as F

    base = output.rstrip("/")
    messages_path, conversations_path = f"{base}/messages", (f"{base}/conversations" if conversations else None)
    done: list[str] = []  # outputs this run has written
    current: str | None = None  # the output being written
    created: list[str] = []  # the folders this run created for OUTPUT
    zone = _utc_session(spark)
    try:
        try:
            _check_output(spark, base, list(filter(None, (messages_path, conversations_path))))
            df = _read(spark, input_path, fmt)
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
            malformed = F.col(MALFORMED).isNotNull() if MALFORMED in df.columns else F.lit(False)
            present = ~malformed & F.col("id").isNotNull() & F.col("text").isNotNull()
            readable = present & _utf8(F.col("id")) & _utf8(F.col("text"))
            fits = F.length("text") <= max_text_chars if max_text_chars else F.lit(True)
            valid = readable & fits
            checks = [F.count(F.when(~valid, 1)).alias("rows"), F.count(F.when(readable & ~fits, 1)).alias("long"),
                      F.count(F.when(malformed, 1)).alias("malformed"),
                      F.count(F.when(present & ~readable, 1)).alias("not_utf8")]
            if conversations:
                turn = (valid & F.col("speaker").isNotNull() & F.col("ts").isNotNull()
                        & _utf8(F.col("conversation_id").cast("string")) & _utf8(F.col("speaker").cast("string")))
                if df.schema["ts"].dataType.typeName() in ("float", "double"):
                    turn = turn & ~F.isnan("ts")  # NaN is no time to order turns by
                if df.schema["ts"].dataType.typeName() == "string":
                    turn = turn & _utf8(F.col("ts"))
                # a malformed row is counted as such: its conversation_id may be another field
                checks.append(F.count(F.when(F.col("conversation_id").isNotNull() & ~malformed & ~turn, 1))
                              .alias("turns"))
            counts = df.agg(*checks).first()
            created = _make_folder(spark, base)

            columns = [_for_pandas(df, c) for c in (*MESSAGE_INPUT, *passthrough)]
            messages = _spread(df.filter(valid).select(*columns), spark)
            extra = "".join(f", `{f.name}` {f.dataType.simpleString()}" for f in messages.schema.fields
                            if f.name in passthrough)
            scored = _from_pandas(messages.mapInPandas(message_scorer(model), schema=ddl(fields) + extra), df)
            writer = scored.write.mode("errorifexists")
            current = messages_path
            (writer.partitionBy(*partition_by) if partition_by else writer).parquet(messages_path)
            done.append(messages_path)
            current = None

            if conversations_path:
                turns = df.filter(F.col("conversation_id").isNotNull() & turn).select(
                    *(F.col(c).cast("string") if c in ("conversation_id", "speaker") else _for_pandas(df, c)
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
    finally:
        spark.conf.set(SESSION_TIME_ZONE, zone)
    assert counts is not None  # an aggregate always has one row
    return RunReport(messages_path, conversations_path, counts["rows"], counts["turns"] if conversations else 0,
                     counts["long"], counts["malformed"], counts["not_utf8"])


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
            try:
                report = run(spark, args.input, args.output, fmt, model, conversations=args.conversations,
                             partition_by=partition_columns(args.partition_by), max_text_chars=settings.max_text_chars)
            finally:
                if owned:
                    spark.stop()
    except KeyboardInterrupt as exc:  # Ctrl-C, SIGTERM or SIGHUP (Stopped): run() has removed what it had written
        signum = stop_signal(exc)
        print(f"stopped by {signum.name}; nothing of this run was kept in {args.output}", file=sys.stderr)
        return 128 + signum
    # which model scored the archive, as every command says (here after the run: an error stays one line)
    print(f"model: {spec_name} from {Path(model.model_dir).resolve()} (sha256 {files.sha256})", file=sys.stderr)
    print(f"messages: {report.messages_path}", file=sys.stderr)
    if report.conversations_path:
        print(f"conversations: {report.conversations_path}", file=sys.stderr)
    if report.malformed_rows:
        print(f"{report.malformed_rows} malformed {_MALFORMED_ROWS[fmt]} were skipped; the other rows were scored",
              file=sys.stderr)
    without = report.skipped_rows - report.long_texts - report.malformed_rows - report.not_utf8_rows
    if without:
        print(f"{without} row(s) without id or text were skipped; the other rows were scored", file=sys.stderr)
    if report.not_utf8_rows:
        print(f"{report.not_utf8_rows} row(s) whose id or text is not valid UTF-8 were skipped; the other rows "
              "were scored", file=sys.stderr)
    if report.long_texts:
        print(f"{report.long_texts} row(s) with a text over {settings.max_text_chars} characters "
              "(SIGNALS_MAX_TEXT_CHARS) were skipped; the other rows were scored", file=sys.stderr)
    if report.skipped_turns:
        print(f"{report.skipped_turns} conversation turn(s) without id, text, speaker or ts, or with a text over "
              "SIGNALS_MAX_TEXT_CHARS or a value that is not valid UTF-8, were left out of their conversation",
              file=sys.stderr)
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
        print(errors.error_line(exc.code, exc.message), file=sys.stderr)
        return 2


if __name__ == "__main__":
    # run through the importable module: as __main__, the per-worker model cache was shipped by value
    # with every task, so each task loaded the model again
    import importlib

    sys.exit(importlib.import_module("signals.spark").main())
