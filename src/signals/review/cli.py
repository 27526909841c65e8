"""``signals review purge`` and ``signals feedback export``: the review store from the command line
(the same ``SIGNALS_REVIEW_DB`` and retention settings as the app)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from signals.errors import ConfigError
from signals.locate import add_env_file_argument
from signals.settings import Settings, load_settings


def add_arguments(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="the review store: purge text past the retention period")
    review_sub = review.add_subparsers(dest="review_command", required=True)
    purge = review_sub.add_parser("purge", help="delete text, context and notes older than SIGNALS_REVIEW_RETENTION_DAYS")
    purge.add_argument("--db", default=None, help="review store (default: SIGNALS_REVIEW_DB)")
    purge.add_argument("--days", type=int, default=None, help="retention in days (default: SIGNALS_REVIEW_RETENTION_DAYS)")
    add_env_file_argument(purge)
    purge.set_defaults(func=cmd_purge)

    feedback = sub.add_parser("feedback", help="reviewer decisions as training data")
    feedback_sub = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_sub.add_parser("export", help="write final decisions with their text as training JSONL")
    export.add_argument("output", help="JSONL file to write (- for stdout)")
    export.add_argument("--db", default=None, help="review store (default: SIGNALS_REVIEW_DB)")
    export.add_argument("--weight", type=float, default=1.0, help="training weight of each record (above 0, at most 100; default 1.0)")
    add_env_file_argument(export)
    export.set_defaults(func=cmd_export)


MAX_DAYS = 36_500  # a retention of a century: anything longer is a typo (and overflows a date)


def _sqlite_file(db: str | None, settings: Settings) -> tuple[str, Path | None]:
    """The store as configured (--db, else SIGNALS_REVIEW_DB) and its file when it is SQLite."""
    from signals.review.db import database_url

    chosen = db or settings.review_db
    url = database_url(chosen)
    return chosen, Path(url.removeprefix("sqlite:///")) if url.startswith("sqlite:///") else None


def _store(db: str | None, settings: Settings):
    """The existing review store: these commands never create one (a mistyped --db would otherwise be
    a new, empty store, and an export of 0 rows that looks like success)."""
    import sqlalchemy

    from signals.review.db import database_url
    from signals.review.store import ReviewStore

    chosen, file = _sqlite_file(db, settings)
    if file is not None and not file.is_file():
        raise ConfigError(f"no review store at {chosen} (SIGNALS_REVIEW_DB or --db)")
    try:  # look before migrating: another program's database is not turned into a review store
        engine = sqlalchemy.create_engine(database_url(chosen))   # a plain look: no WAL switch, no folder made
        try:
            tables = set(sqlalchemy.inspect(engine).get_table_names())
        finally:
            engine.dispose()
        if "review_items" not in tables:
            raise ConfigError(f"{chosen} is not a review store (no review_items table); "
                              "name the store `signals serve` writes (SIGNALS_REVIEW_DB or --db)")
        return ReviewStore.open(chosen)
    except sqlalchemy.exc.SQLAlchemyError as exc:
        raise ConfigError(f"cannot open the review store {chosen}: {type(exc).__name__}: "
                          f"{str(exc).splitlines()[0][:200]}") from None


def _check_output(output: str, db: str | None, settings: Settings) -> None:
    """An output that is the SQLite store itself (or its journal) would replace every decision with
    the export: ``signals feedback export var/review.sqlite3`` read as "export this store"."""
    _chosen, file = _sqlite_file(db, settings)
    if output == "-" or file is None:
        return
    target = Path(output).resolve()
    if target in {Path(f"{file}{suffix}").resolve() for suffix in ("", "-wal", "-shm", "-journal")}:
        raise ConfigError(f"the output {output} is the review store itself (--db or SIGNALS_REVIEW_DB): "
                          "writing there would replace it; name a new .jsonl file")


def cmd_purge(args: argparse.Namespace) -> int:
    settings = load_settings(args.env_file)
    days = args.days if args.days is not None else settings.review_retention_days
    if not 1 <= days <= MAX_DAYS:
        raise ConfigError(f"--days must be from 1 to {MAX_DAYS}")
    store = _store(args.db, settings)
    try:
        counts = store.purge(days)
        corrected = store.recount()  # the gauges' running totals, checked against the store (as the app does)
    finally:
        store.close()
    print(f"purged the text of {counts['items']} item(s) ({counts['expired']} still open, now expired) "
          f"and {counts['notes']} note(s) older than {days} day(s)", file=sys.stderr)
    if corrected:
        print("corrected the running totals of the review gauges (a write had not kept them)", file=sys.stderr)
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from signals.review.export import MAX_WEIGHT, export

    if not (0 < args.weight <= MAX_WEIGHT):  # also refuses NaN
        raise ConfigError(f"--weight must be a positive number of at most {MAX_WEIGHT:g}")
    settings = load_settings(args.env_file)
    _check_output(args.output, args.db, settings)
    store = _store(args.db, settings)
    try:
        counts = export(store, args.output, args.weight)
    finally:
        store.close()
    print(f"exported {counts['train'] + counts['test']} decision(s): {counts['train']} train, "
          f"{counts['test']} held out (split test)", file=sys.stderr)
    return 0
