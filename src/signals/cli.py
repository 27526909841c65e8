"""The ``signals`` command line: a thin front over the scoring service.

Exit codes: 0 all lines scored; 2 bad input (malformed lines are reported on stderr with their
line numbers and as error lines in the output; valid lines are still scored); 1 unexpected error.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterable
from itertools import islice
from pathlib import Path

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
from signals.results import with_model
from signals.review import cli as review_cli
from signals.settings import Settings

CHUNK = 4096


def _progress(total_hint: str):
    if sys.stderr.isatty():
        from tqdm import tqdm

        return tqdm(unit=" lines", desc=total_hint, file=sys.stderr)
    return None


def _chunks(iterable: Iterable, size: int):
    iterator = iter(iterable)
    while chunk := list(islice(iterator, size)):
        yield chunk


def _load_service(model: Path | None):
    from signals.service import ScoringService

    settings = Settings()
    return ScoringService.load(model or settings.model_dir, settings.model_root, batch_size=settings.batch_size)


def _run(args, parse, score: Callable[[object, list], list]) -> int:
    service = _load_service(args.model)
    model = service.info.ref
    errors = 0
    bar = _progress(args.command)
    with open_input(args.input) as handle, atomic_output(args.output) as out:
        for chunk in _chunks(read_lines(handle, parse, args.input or "-"), CHUNK):
            valid = [record for _, record in chunk if not isinstance(record, LineError)]
            scored = iter(score(service, valid))
            for _, record in chunk:
                if isinstance(record, LineError):
                    errors += 1
                    print(f"error: {record.message}", file=sys.stderr)
                    line = dumps_line(record.as_output())
                else:
                    line = dumps_line(with_model(next(scored), model))
                out.write(line + "\n")
            if bar:
                bar.update(len(chunk))
    if bar:
        bar.close()
    if errors:
        print(f"{errors} malformed line(s); the other lines were scored", file=sys.stderr)
        return 2
    return 0


def cmd_score(args) -> int:
    return _run(args, parse_message, lambda service, batch: service.score_messages(batch, explain=True))


def cmd_score_conversations(args) -> int:
    return _run(args, parse_conversation, lambda service, batch: service.score_conversations(batch))


def cmd_serve(args) -> int:
    from signals.api.server import serve

    return serve(host=args.host, port=args.port, model_dir=args.model)


def cmd_spark_score(args) -> int:
    from signals.spark import main as spark_main

    return spark_main(args)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signals", description="Grooming signals in Dutch messages, for human review.")
    sub = parser.add_subparsers(dest="command", required=True)

    def io_command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("input", nargs="?", default="-", help="JSONL file, or - for stdin (default)")
        p.add_argument("-o", "--output", default="-", help="JSONL output file (default: stdout)")
        p.add_argument("--model", type=Path, default=None, help="model directory (default: SIGNALS_MODEL_DIR)")
        p.set_defaults(func=func)
        return p

    io_command("score", 'score messages: one {"id", "text"} per line', cmd_score)
    io_command("score-conversations", 'score conversations: one {"id", "turns": [{"speaker", "text"}]} per line',
               cmd_score_conversations)
    serve = sub.add_parser("serve", help="start the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--model", type=Path, default=None)
    serve.set_defaults(func=cmd_serve)
    spark = sub.add_parser("spark-score", help="score a message archive on Apache Spark")
    spark.add_argument("input")
    spark.add_argument("output", help="output folder: OUTPUT/messages and, with --conversations, OUTPUT/conversations (Parquet)")
    spark.add_argument("--format", choices=["parquet", "jsonl", "csv"], default=None, help="input format (default: from the extension)")
    spark.add_argument("--conversations", action="store_true", help="also score conversations (needs conversation_id)")
    spark.add_argument("--partition-by", default=None, help="output column(s) to partition by, comma-separated")
    spark.add_argument("--model", type=Path, default=None)
    spark.add_argument("--master", default=None, help="Spark master (default: local[*] unless spark-submit sets one)")
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
