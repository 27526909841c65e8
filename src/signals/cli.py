"""The ``signals`` command line: a thin front over the scoring service.

Exit codes: 0 all lines scored; 2 bad input (malformed lines are reported on stderr with their
line numbers and as error lines in the output; valid lines are still scored), or no model, or a
bad setting; 130 stopped by SIGINT, 143 by SIGTERM (no output file is left behind either way);
1 an unexpected error.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from signals.errors import ModelNotFoundError, SignalsError
from signals.jsonl import (
    LineError,
    atomic_output,
    dumps_line,
    open_input,
    parse_conversation,
    parse_message,
    read_lines,
)
from signals.rawlines import LineLimits
from signals.results import with_model
from signals.service import Conversation, Message
from signals.settings import MODEL_HINT, Settings, load_settings

if TYPE_CHECKING:
    from signals.service import ScoringService

CHUNK = 4096                # lines scored per service call ...
CHUNK_CHARS = 4_000_000     # ... or fewer, so that a chunk of long lines stays small in memory


STOPPED = "before the end of the input (an -o file is only written when a run completes)"


class Terminated(BaseException):
    """Raised in the main thread on SIGTERM, like KeyboardInterrupt on SIGINT, so that every
    ``finally`` runs (the temp output file is removed) before the process exits with 143."""


def _on_sigterm(signum, frame) -> None:
    raise Terminated


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


def _load_service(model_dir: Path, settings: Settings):
    from signals.service import ScoringService

    try:
        return ScoringService.load(model_dir, settings.model_root, batch_size=settings.batch_size)
    except ModelNotFoundError as exc:
        raise ModelNotFoundError(f"{exc.message}; {MODEL_HINT}") from None


Score = Callable[["ScoringService", list], list]


def _run(args, parse, score: Score) -> int:
    main_thread = threading.current_thread() is threading.main_thread()
    previous = signal.signal(signal.SIGTERM, _on_sigterm) if main_thread else None
    try:
        return _score_file(args, parse, score)
    finally:
        if main_thread:
            signal.signal(signal.SIGTERM, previous)


def _score_file(args, parse, score: Score) -> int:
    settings = load_settings(args.env_file)
    model_dir = args.model if args.model is not None else settings.require_model_dir()
    service = _load_service(model_dir, settings)
    info = service.info
    print(f"model: {info.name} {info.version} from {Path(model_dir).resolve()} (sha256 {info.sha256})",
          file=sys.stderr)
    model = info.ref
    limits = LineLimits(settings.max_line_bytes, settings.max_nesting, settings.max_text_chars)
    errors = 0
    bar = _progress(args.command)
    with open_input(args.input) as handle, atomic_output(args.output) as out:
        for chunk in _chunks(read_lines(handle, parse, args.input or "-", limits)):
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

    settings = load_settings(args.env_file)
    model_dir = args.model if args.model is not None else settings.require_model_dir()  # fail here, not "not ready"
    return serve(host=args.host, port=args.port, model_dir=model_dir, settings=settings)


def cmd_spark_score(args) -> int:
    from signals.spark import main as spark_main

    return spark_main(args)


def _env_file_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--env-file", default=None, metavar="FILE",
                        help="read SIGNALS_* settings from FILE too (default: SIGNALS_ENV_FILE; never ./.env on its own)")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="signals", description="Grooming signals in Dutch messages, for human review.")
    sub = parser.add_subparsers(dest="command", required=True)

    def io_command(name: str, help_text: str, func) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_text)
        p.add_argument("input", nargs="?", default="-", help="JSONL file, or - for stdin (default)")
        p.add_argument("-o", "--output", default="-", help="JSONL output file (default: stdout)")
        p.add_argument("--model", type=Path, default=None, help="model directory (default: SIGNALS_MODEL)")
        _env_file_option(p)
        p.set_defaults(func=func)
        return p

    io_command("score", 'score messages: one {"id", "text"} per line', cmd_score)
    io_command("score-conversations", 'score conversations: one {"id", "turns": [{"speaker", "text"}]} per line',
               cmd_score_conversations)
    serve = sub.add_parser("serve", help="start the HTTP API (uvicorn)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--model", type=Path, default=None, help="model directory (default: SIGNALS_MODEL)")
    _env_file_option(serve)
    serve.set_defaults(func=cmd_serve)
    spark = sub.add_parser("spark-score", help="score a message archive on Apache Spark")
    spark.add_argument("input")
    spark.add_argument("output", help="output folder: OUTPUT/messages and, with --conversations, OUTPUT/conversations (Parquet)")
    spark.add_argument("--format", choices=["parquet", "jsonl", "csv"], default=None, help="input format (default: from the extension)")
    spark.add_argument("--conversations", action="store_true", help="also score conversations (needs conversation_id)")
    spark.add_argument("--partition-by", default=None, help="output column(s) to partition by, comma-separated")
    spark.add_argument("--model", type=Path, default=None, help="model directory (default: SIGNALS_MODEL)")
    _env_file_option(spark)
    spark.add_argument("--master", default=None, help="Spark master (default: local[*] unless spark-submit sets one)")
    spark.set_defaults(func=cmd_spark_score)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except SignalsError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print(f"stopped by SIGINT {STOPPED}", file=sys.stderr)
        return 130
    except Terminated:
        print(f"stopped by SIGTERM {STOPPED}", file=sys.stderr)
        return 143


if __name__ == "__main__":
    sys.exit(main())
