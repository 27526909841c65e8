"""The ``signals`` command line: a thin front over the scoring service.

Exit codes: 0 all lines scored; 2 bad input (malformed lines are reported on stderr with their
code and line number, ``error: E101: in.jsonl:2: ...``, and as error lines in the output; valid
lines are still scored), or no model, or a bad setting (one line with the error's code); 130
stopped by SIGINT, 143 by SIGTERM, 129 by SIGHUP (no output file is left behind); 1 an unexpected
error. Each front owns its arguments (``add_arguments``); this module assembles them.
"""

from __future__ import annotations

import argparse
import gc
import os
import signal
import sys
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from signals import evaluate_cli, spark_args
from signals.errors import ConfigError, ModelNotFoundError, SignalsError, error_line
from signals.jsonl import (
    LineError,
    atomic_output,
    check_paths,
    dumps_line,
    dumps_with_model,
    open_input,
    parse_conversation,
    parse_message,
    read_lines,
    standard_stream,
)
from signals.locate import add_model_arguments
from signals.rawlines import LineLimits
from signals.review import cli as review_cli
from signals.service import Conversation, Message
from signals.settings import MODEL_HINT, Settings, load_settings
from signals.stopping import STOP_SIGNALS, stop_signal, stop_signals_raise

if TYPE_CHECKING:
    from signals.service import ScoringService

CHUNK = 2048                # lines scored per service call ...
CHUNK_CHARS = 4_000_000     # ... or fewer, so that a chunk of long lines stays small in memory
AUTO_WORKERS_FROM_BYTES = 1_000_000  # input files this large are scored by one process per core


STOPPED = "before the end of the input (an -o file is only written when a run completes)"


def _progress(total_hint: str):
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(unit=" lines", desc=total_hint, file=sys.stderr)
    return None


def _chars(record: object) -> int:
    """Characters of a parsed record (0 for an error line): what a chunk holds in memory."""
    if isinstance(record, Message):
        return len(record.text) + sum(len(turn.text) for turn in record.context)
    if isinstance(record, Conversation):
        return sum(len(turn.text) for turn in record.turns)
    return 0


def _chunks(records: Iterable[tuple[int, object]]) -> Iterator[list[tuple[int, object]]]:
    chunk: list[tuple[int, object]] = []
    chars = 0
    for item in records:
        chunk.append(item)
        chars += _chars(item[1])
        if len(chunk) >= CHUNK or chars >= CHUNK_CHARS:
            yield chunk
            chunk, chars = [], 0
    if chunk:
        yield chunk


def _verified_service(model_dir: Path, settings: Settings):
    from signals.service import ScoringService

    try:
        return ScoringService.load(model_dir, settings.model_root, batch_size=settings.batch_size)
    except ModelNotFoundError as exc:
        raise ModelNotFoundError(f"{exc.message}; {MODEL_HINT}") from None


def _load_service(model_dir: Path, settings: Settings):
    """The verified model, named on stderr (which model, from where, which sha256)."""
    service = _verified_service(model_dir, settings)
    info = service.info
    print(f"model: {info.name} {info.version} from {Path(model_dir).resolve()} (sha256 {info.sha256})",
          file=sys.stderr)
    return service


Score = Callable[["ScoringService", list], list]
_WORKER: dict = {}


def _score_messages(service, batch: list) -> list:
    return service.score_messages(batch, explain=True)


def _score_conversations(service, batch: list) -> list:
    return service.score_conversations(batch)


def _lines(score: Score, service, records: list) -> list[str]:
    model_json = service.info.ref.model_dump_json()
    return [dumps_with_model(result, model_json) for result in score(service, records)]


def _worker_lines(score: Score, records: list) -> list[str]:
    """In a worker process: the parent's service, inherited when the worker was forked."""
    return _lines(score, _WORKER["service"], records)


def _worker_init() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C, SIGTERM and SIGHUP, and stops the pool
    for signum in STOP_SIGNALS:
        signal.signal(signum, signal.SIG_DFL)


def _check_count(option: str, value: int, low: int, high: int | None = None, meaning: str = "") -> None:
    """A count option (``--workers``, ``--processes``) in its range, else a one-line ``ConfigError``
    (exit code 2) before any work: a negative number is never read as one of the defaults."""
    if value < low or (high is not None and value > high):
        span = f"{low} to {high}" if high is not None else f"{low} or more"
        raise ConfigError(f"{option} must be {span}{meaning}, not {value}")


def _setting_range(name: str) -> tuple[int, int | None]:
    """The range a ``Settings`` field allows (its ``ge``/``le``), for the option that overrides it."""
    field = Settings.model_json_schema()["properties"][name]
    return field["minimum"], field.get("maximum")


def _workers(requested: int, path: str | None) -> int:
    """``--workers``; 0 (the default) means one process per core (at most 8) for an input file of
    1 MB or more, else 1 (a small input is done before worker processes would have started).
    A negative number is refused (``_check_count``), not read as 0."""
    if requested > 0:
        return requested
    big = path not in (None, "-") and Path(path).is_file() and Path(path).stat().st_size >= AUTO_WORKERS_FROM_BYTES
    return min(os.cpu_count() or 1, 8) if big else 1


def _scored_chunks(chunks: Iterator[list], score: Score, service, workers: int, settings: Settings):
    """(chunk, output lines of its valid records) in input order; with several workers a few chunks
    per worker are in flight at once."""
    if workers <= 1:
        for chunk in chunks:
            yield chunk, _lines(score, service, [r for _, r in chunk if not isinstance(r, LineError)])
        return
    import multiprocessing

    # Forked workers inherit the loaded, verified model (no second load, memory shared copy-on-write);
    # where fork is not available they are spawned and load it again.
    _WORKER["service"] = service
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    if method == "fork":
        _ = service.analyzer.preprocessor.nlp  # built once here, so every worker inherits it
    if method == "spawn":
        return (yield from _spawned_chunks(chunks, score, service, workers, settings))
    pool = multiprocessing.get_context(method).Pool(workers, _worker_init)
    return (yield from _pooled_chunks(pool, chunks, score, workers))


def _spawn_init(model_dir: str, root: str | None, batch_size: int) -> None:
    _worker_init()
    from signals.service import ScoringService

    _WORKER["service"] = ScoringService.load(Path(model_dir), Path(root) if root else None, batch_size=batch_size)


def _spawned_chunks(chunks: Iterator[list], score: Score, service, workers: int, settings: Settings):
    import multiprocessing

    root = str(settings.model_root) if settings.model_root else None
    pool = multiprocessing.get_context("spawn").Pool(
        workers, _spawn_init, (str(service.model_dir), root, settings.batch_size))
    return (yield from _pooled_chunks(pool, chunks, score, workers))


def _pooled_chunks(pool, chunks: Iterator[list], score: Score, workers: int):
    """Chunks scored by the pool's workers, a few per worker in flight, in input order. A run that ends
    normally closes the pool and waits for its workers to exit; only a failure or an interrupt
    terminates them (``Pool.terminate`` on idle workers can block forever on the task queue's lock,
    which is why ``with Pool(...)`` is not used here)."""
    try:
        pending: list = []
        for chunk in chunks:
            valid = [r for _, r in chunk if not isinstance(r, LineError)]
            pending.append((chunk, pool.apply_async(_worker_lines, (score, valid))))
            if len(pending) >= 2 * workers:
                first, result = pending.pop(0)
                yield first, result.get()
        for chunk, result in pending:
            yield chunk, result.get()
    except BaseException:
        pool.terminate()
        raise
    else:
        pool.close()
    finally:
        pool.join()


def _score_file(args, parse, score: Score) -> int:
    _check_count("--workers", args.workers, 0, meaning=" (0: one per core for input files of 1 MB or more, else 1)")
    settings = load_settings(args.env_file)
    check_paths(args.input, args.output)  # before the model loads: a bad path fails at once
    model_dir = args.model if args.model is not None else settings.require_model_dir()
    service = _load_service(model_dir, settings)
    if score is _score_conversations and service.model.conversation is None:
        raise ConfigError(f"the model at {model_dir} has no conversation model: it scores messages only")
    _ = service.analyzer.preprocessor.nlp
    gc.freeze()  # the model's long-lived objects: left out of every garbage collection from here on
    limits = LineLimits(settings.max_line_bytes, settings.max_nesting, settings.max_text_chars)
    workers = _workers(args.workers, args.input)
    errors = 0
    bar = _progress(args.command)
    with open_input(args.input) as handle, atomic_output(args.output, args.input) as out:
        chunks = _chunks(read_lines(handle, parse, args.input or "-", limits))
        for chunk, lines in _scored_chunks(chunks, score, service, workers, settings):
            scored = iter(lines)
            for _, record in chunk:
                if isinstance(record, LineError):
                    errors += 1
                    print(error_line(record.code, record.message), file=sys.stderr)
                    out.write(dumps_line(record.as_output()) + "\n")
                else:
                    out.write(next(scored) + "\n")
            if bar is not None:   # a tqdm bar refuses bool() when it has no total
                bar.update(len(chunk))
    if bar is not None:
        bar.close()
    if errors:
        print(f"{errors} malformed line(s); the other lines were scored", file=sys.stderr)
        return 2
    return 0


def cmd_score(args) -> int:
    return _score_file(args, parse_message, _score_messages)


def cmd_score_conversations(args) -> int:
    return _score_file(args, parse_conversation, _score_conversations)


def cmd_evaluate(args) -> int:
    settings = load_settings(args.env_file)
    check_paths(args.file, args.report)  # before the model loads: a bad path fails at once
    standard_stream("stdout", "evaluate prints its table there")
    model_dir = args.model if args.model is not None else settings.require_model_dir()
    limits = LineLimits(settings.max_line_bytes, settings.max_nesting, settings.max_text_chars)
    return evaluate_cli.run(args, _load_service(model_dir, settings), limits)


def cmd_serve(args) -> int:
    from signals.api.server import serve

    if args.processes is not None:  # the range of SIGNALS_PROCESSES: model_copy below does not check it
        _check_count("--processes", args.processes, *_setting_range("processes"))
    _check_count("--port", args.port, 0, 65535)   # before the model loads, not an overflow from the socket
    settings = load_settings(args.env_file)
    model_dir = args.model if args.model is not None else settings.require_model_dir()  # fail here, not "not ready"
    if args.processes is not None:
        settings = settings.model_copy(update={"processes": args.processes})
        os.environ["SIGNALS_PROCESSES"] = str(args.processes)
    if args.env_file is not None:
        os.environ["SIGNALS_ENV_FILE"] = str(args.env_file)  # for server processes started by uvicorn
    return serve(host=args.host, port=args.port, model_dir=model_dir, settings=settings)


def cmd_spark_score(args) -> int:
    from signals import spark

    return spark.run_command(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signals", description="Grooming signals in Dutch messages, for human review.")
    sub = parser.add_subparsers(dest="command", required=True)

    def io_command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("input", nargs="?", default="-", help="JSONL file, or - for stdin (default)")
        p.add_argument("-o", "--output", default="-", help="JSONL output file (default: stdout)")
        p.add_argument("--workers", type=int, default=0,
                       help="scoring processes (default 0: one per core for input files of 1 MB or more, else 1)")
        add_model_arguments(p)
        p.set_defaults(func=func)
        return p

    io_command("score", 'score messages: one {"id", "text"} per line', cmd_score)
    io_command("score-conversations", 'score conversations: one {"id", "turns": [{"speaker", "text"}]} per line',
               cmd_score_conversations)
    evaluate = sub.add_parser("evaluate", help="precision, recall, F1, ROC-AUC on your own labelled messages or conversations")
    evaluate_cli.add_arguments(evaluate)
    add_model_arguments(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)
    serve = sub.add_parser("serve", help="start the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--processes", type=int, default=None,
                       help="server processes, one per core to use (default: SIGNALS_PROCESSES, else 1)")
    add_model_arguments(serve)
    serve.set_defaults(func=cmd_serve)
    spark = sub.add_parser("spark-score", help="score a message archive on Apache Spark")
    spark_args.add_arguments(spark)
    add_model_arguments(spark)
    spark.set_defaults(func=cmd_spark_score)
    review_cli.add_arguments(sub)  # signals review purge, signals feedback export
    return parser


def _messages_without_stderr() -> None:
    """Started with standard error closed (``2>&-``): messages go to /dev/null, not (as a ``print`` to
    ``sys.stderr`` that is ``None`` does) into the output on standard output, or a traceback."""
    if sys.stderr is None:
        sys.stderr = open(os.devnull, "w", encoding="utf-8")  # noqa: SIM115 -- open for the rest of the process


def _flushed(code: int) -> int:
    """``code``, once what is left of standard output is written: a reader that went away is then
    a ``BrokenPipeError`` for ``main``, not a warning and exit code 120 when Python exits."""
    if sys.stdout is not None:
        sys.stdout.flush()
    return code


def main(argv: list[str] | None = None) -> int:
    _messages_without_stderr()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        # every command: SIGTERM and SIGHUP stop it as Ctrl-C does, so no temp file is left half-written
        with stop_signals_raise():
            return _flushed(args.func(args))
    except SignalsError as exc:  # every command's: one line with the code (``error: E201: ...``), exit code 2
        print(error_line(exc.code, exc.message), file=sys.stderr)
        return 2
    except BrokenPipeError:  # the reader went away (`signals score big.jsonl | head`): stop quietly
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:  # a disk that fills up, a file over the size limit, a path that vanished
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stop:   # Ctrl-C, SIGTERM or SIGHUP
        signum = stop_signal(stop)
        print(f"stopped by {signum.name} {STOPPED}", file=sys.stderr)
        return 128 + signum


if __name__ == "__main__":
    sys.exit(main())
