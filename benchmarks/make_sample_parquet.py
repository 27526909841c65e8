"""Convert a JSONL file of messages into one Parquet file, the input ``signals spark-score`` reads best.

    python -m benchmarks.make_sample_parquet IN.jsonl OUT.parquet

Every line is an object with ``id`` (string or integer; written as a string, as the CLI reads it)
and a string ``text``; other fields (``conversation_id``, ``speaker``, ``ts``, ...) are kept, also
when the first lines do not have them (null where a line has none). An empty input gives an empty
file with ``id`` and ``text``. Exit codes: 0 written; 2 bad input (the first bad line is named) or
an OUTPUT that cannot be written, nothing written.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from signals.errors import InputError
from signals.jsonl import LineError, parse_message, read_lines


def read_messages(path: Path) -> list[dict]:
    """Rows of a messages JSONL file, validated like ``signals score`` input; extra fields kept."""
    if not path.is_file():
        raise InputError(f"input file not found: {path}")

    def keep_all_fields(obj, where: str, max_text_chars: int | None = None) -> dict:
        parse_message(obj, where, max_text_chars)  # raises InputError with the line's position
        return {**obj, "id": str(obj["id"])}

    rows = []
    with open(path, "rb") as handle:  # read as bytes: a line that is not UTF-8 is named, like any bad line
        for _, row in read_lines(handle, keep_all_fields, str(path)):
            if isinstance(row, LineError):
                raise InputError(row.message)
            rows.append(row)
    return rows


def convert(source: Path, target: Path) -> int:
    """Write ``source`` (JSONL) to ``target`` (Parquet) atomically; returns the number of rows."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = read_messages(source)
    extra = dict.fromkeys(name for row in rows for name in row if name not in ("id", "text"))  # every line's
    try:
        table = pa.table({"id": pa.array([row["id"] for row in rows], pa.string()),
                          "text": pa.array([row["text"] for row in rows], pa.string()),
                          **{name: pa.array([row.get(name) for row in rows]) for name in extra}})
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise InputError(f"{source}: a field has different types on different lines ({exc})") from exc
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.partial")
    try:
        pq.write_table(table, partial)
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return table.num_rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.make_sample_parquet", description=__doc__.split("\n")[0])
    parser.add_argument("input", type=Path, help="JSONL, one message object per line")
    parser.add_argument("output", type=Path, help="Parquet file to write")
    args = parser.parse_args(argv)
    try:
        rows = convert(args.input, args.output)
    except InputError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        return 2
    except OSError as exc:  # OUTPUT is a folder, or in one that cannot be created or written
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"error: cannot write {args.output}: {exc.strerror or exc}{where}", file=sys.stderr)
        return 2
    print(f"wrote {rows} rows to {args.output}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
