"""``signals review purge`` and ``signals feedback export``: the review store from the command line
(the same ``SIGNALS_REVIEW_DB`` and retention settings as the app)."""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from signals.errors import ConfigError
from signals.settings import load_settings


def add_arguments(sub: argparse._SubParsersAction) -> None:
    review = sub.add_parser("review", help="the review store: purge text past the retention period")
    review_sub = review.add_subparsers(dest="review_command", required=True)
    purge = review_sub.add_parser("purge", help="delete text, context and notes older than SIGNALS_REVIEW_RETENTION_DAYS")
    purge.add_argument("--db", default=None, help="review store (default: SIGNALS_REVIEW_DB)")
    purge.add_argument("--days", type=int, default=None, help="retention in days (default: SIGNALS_REVIEW_RETENTION_DAYS)")
    purge.set_defaults(func=cmd_purge)

    feedback = sub.add_parser("feedback", help="reviewer decisions as training data")
    feedback_sub = feedback.add_subparsers(dest="feedback_command", required=True)
    export = feedback_sub.add_parser("export", help="write final decisions with their text as training JSONL")
    export.add_argument("output", help="JSONL file to write (- for stdout)")
    export.add_argument("--db", default=None, help="review store (default: SIGNALS_REVIEW_DB)")
    export.add_argument("--weight", type=float, default=1.0, help="training weight of each record (default 1.0)")
    export.set_defaults(func=cmd_export)


MAX_DAYS = 36_500  # a retention of a century: anything longer is a typo (and overflows a date)


def _store(db: str | None):
    """The existing review store: these commands never create one (a mistyped --db would otherwise be
    a new, empty store, and an export of 0 rows that looks like success)."""
    from signals.review.db import database_url
    from signals.review.store import ReviewStore

    chosen = db or load_settings().review_db
    url = database_url(chosen)
    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).is_file():
        raise ConfigError(f"no review store at {chosen} (SIGNALS_REVIEW_DB or --db)")
    return ReviewStore.open(chosen)


def cmd_purge(args: argparse.Namespace) -> int:
    days = args.days if args.days is not None else load_settings().review_retention_days
    if not 1 <= days <= MAX_DAYS:
        print(f"error: --days must be from 1 to {MAX_DAYS}", file=sys.stderr)
        return 2
    store = _store(args.db)
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
    from signals.review.export import export

    if not (args.weight > 0 and math.isfinite(args.weight)):
        print("error: --weight must be a positive number", file=sys.stderr)
        return 2
    store = _store(args.db)
    try:
        counts = export(store, args.output, args.weight)
    finally:
        store.close()
    print(f"exported {counts['train'] + counts['test']} decision(s): {counts['train']} train, "
          f"{counts['test']} held out (split test)", file=sys.stderr)
    return 0
