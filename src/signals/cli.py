"""The ``signals`` command line: a thin front over the scoring service.

Exit codes: 0 all lines scored; 2 bad input (malformed lines are reported on stderr with their
line numbers and as error lines in the output; valid lines are still scored); 1 unexpected error.
Each front owns its arguments (``add_arguments``); this module only assembles them.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from pathlib import Path

from signals import evaluate_cli
from signals.errors import SignalsError
from signals.jsonl import (
    LineError,
    atomic_output,
    dumps_line,
    open_input,
    parse_conversation,
    parse_message,
    read_lines,
)
from signals.locate import resolve_model_dir
from signals.results import with_model
from signals.review import cli as review_cli
from signals.settings import Settings

CHUNK = 2048
AUTO_WORKERS_FROM_BYTES = 4_000_000  # input files this large are scored by one process per core


def _progress(label: str):
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(unit=" lines", desc=label, file=sys.stderr)
    return None


def _chunks(iterable: Iterable, size: int) -> Iterator[list]:
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def load_service(model: Path | None):
    """The scoring service for ``--model`` (or the settings' model); says on stderr what it loaded."""
    from signals.service import ScoringService

    settings = Settings()
    service = ScoringService.load(resolve_model_dir(model, settings), settings.model_root, batch_size=settings.batch_size)
    print(f"model: {service.info.name} {service.info.version} sha256 {service.info.sha256} ({service.model_dir})",
          file=sys.stderr)
    return service


# -- scoring a chunk: in this process, or in worker processes that each load the model once ------
_WORKER: dict = {}


def _score_chunk(kind: str, records: list, service=None) -> list[str]:
    service = service or _WORKER["service"]
    model = service.info.ref
    results = (service.score_messages(records, explain=True) if kind == "score"
               else service.score_conversations(records))
    return [dumps_line(with_model(result, model)) for result in results]


def _worker_init(model_dir: str, root: str | None, batch_size: int) -> None:
    from signals.service import ScoringService

    _WORKER["service"] = ScoringService.load(Path(model_dir), Path(root) if root else None, batch_size=batch_size)


def _workers(requested: int, path: str | None) -> int:
    if requested > 0:
        return requested
    big = path not in (None, "-") and Path(path).is_file() and Path(path).stat().st_size >= AUTO_WORKERS_FROM_BYTES
    return min(os.cpu_count() or 1, 8) if big else 1


def _run(args, parse, kind: str) -> int:
    service = load_service(args.model)
    workers = _workers(args.workers, args.input)
    pool = None
    if workers > 1:
        import multiprocessing

        settings = Settings()
        pool = multiprocessing.get_context("spawn").Pool(
            workers, _worker_init, (str(service.model_dir), str(settings.model_root) if settings.model_root else None,
                                    settings.batch_size))
    errors = 0
    bar = _progress(args.command)
    try:
        with open_input(args.input) as handle, atomic_output(args.output) as out:
            chunks = _chunks(read_lines(handle, parse, args.input or "-"), CHUNK)

            def scored() -> Iterator[tuple[list, list[str]]]:
                if pool is None:
                    for chunk in chunks:
                        valid = [record for _, record in chunk if not isinstance(record, LineError)]
                        yield chunk, _score_chunk(kind, valid, service)
                    return
                pending = []
                for chunk in chunks:  # keep a few chunks in flight per worker, results in input order
                    valid = [record for _, record in chunk if not isinstance(record, LineError)]
                    pending.append((chunk, pool.apply_async(_score_chunk, (kind, valid))))
                    if len(pending) >= 2 * workers:
                        first, result = pending.pop(0)
                        yield first, result.get()
                for chunk, result in pending:
                    yield chunk, result.get()

            for chunk, lines in scored():
                lines_iter = iter(lines)
                for _, record in chunk:
                    if isinstance(record, LineError):
                        errors += 1
                        print(f"error: {record.message}", file=sys.stderr)
                        out.write(dumps_line(record.as_output()) + "\n")
                    else:
                        out.write(next(lines_iter) + "\n")
                if bar:
                    bar.update(len(chunk))
    finally:
        if pool is not None:
            pool.terminate()
        if bar:
            bar.close()
    if errors:
        print(f"{errors} malformed line(s); the other lines were scored", file=sys.stderr)
        return 2
    return 0


def cmd_score(args) -> int:
    return _run(args, parse_message, "score")


def cmd_score_conversations(args) -> int:
    return _run(args, parse_conversation, "score-conversations")


def cmd_evaluate(args) -> int:
    return evaluate_cli.run(args, load_service(args.model))


def cmd_serve(args) -> int:
    from signals.api.server import serve

    return serve(host=args.host, port=args.port, model_dir=args.model)


def cmd_spark_score(args) -> int:
    from signals import spark

    return spark.run_command(args)


def _add_model(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, default=None,
                        help="model directory (default: SIGNALS_MODEL, else models/signals-nl-<version>)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signals", description="Grooming signals in Dutch messages, for human review.")
    sub = parser.add_subparsers(dest="command", required=True)

    def io_command(name: str, help_text: str, func: Callable) -> None:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("input", nargs="?", default="-", help="JSONL file, or - for stdin (default)")
        p.add_argument("-o", "--output", default="-", help="JSONL output file (default: stdout)")
        p.add_argument("--workers", type=int, default=0,
                       help="scoring processes (default 0: one per core for input files over 4 MB, else 1)")
        _add_model(p)
        p.set_defaults(func=func)

    io_command("score", 'score messages: one {"id", "text"} per line', cmd_score)
    io_command("score-conversations", 'score conversations: one {"id", "turns": [{"speaker", "text"}]} per line',
               cmd_score_conversations)
    evaluate = sub.add_parser("evaluate", help="precision, recall, F1, ROC-AUC on your own labelled messages or conversations")
    evaluate_cli.add_arguments(evaluate)
    _add_model(evaluate)
    evaluate.set_defaults(func=cmd_evaluate)
    serve = sub.add_parser("serve", help="start the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    _add_model(serve)
    serve.set_defaults(func=cmd_serve)
    spark = sub.add_parser("spark-score", help="score a message archive on Apache Spark")
    from signals import spark_args

    spark_args.add_arguments(spark)
    _add_model(spark)
    spark.set_defaults(func=cmd_spark_score)
    review_cli.add_arguments(sub)  # signals review purge, signals feedback export
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SignalsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except UnicodeDecodeError as exc:
        print(f"error: input is not valid UTF-8 ({exc.reason} at byte {exc.start})", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
