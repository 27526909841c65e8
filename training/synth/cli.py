"""Write generated data: ``python -m training.synth.cli --messages N --conversations M --seed S --out DIR``.

Writes ``DIR/messages.jsonl`` and ``DIR/conversations.jsonl`` atomically (temp file + ``os.replace``)
and prints counts per label and register. Exits 2 with a message on bad arguments.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import sys
import tempfile
import time
from pathlib import Path

from .conversations import generate_conversations
from .messages import generate_messages


def _non_negative_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from None
    if n < 0:
        raise argparse.ArgumentTypeError(f"must be >= 0, got {n}")
    return n


def _int(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an integer: {value!r}") from None


def write_jsonl_atomic(path: Path, rows: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            for row in rows:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m training.synth.cli",
                                description="Generate seeded synthetic Dutch messages and conversations.")
    p.add_argument("--messages", type=_non_negative_int, required=True, help="number of messages")
    p.add_argument("--conversations", type=_non_negative_int, required=True, help="number of conversations")
    p.add_argument("--seed", type=_int, required=True, help="random seed (same seed, same output)")
    p.add_argument("--out", type=Path, required=True, help="output directory")
    return p


def summary(messages: list[dict], conversations: list[dict]) -> str:
    lines = [f"messages: {len(messages)}"]
    table: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for m in messages:
        key = "+".join(m["labels"]) or m["kind"]
        table[key][m["register"]] += 1
    regs = ["standard", "flemish", "straattaal", "codemix"]
    lines.append(f"  {'label':<24}" + "".join(f"{r:>12}" for r in regs) + f"{'total':>8}")
    for key in sorted(table):
        row = table[key]
        lines.append(f"  {key:<24}" + "".join(f"{row[r]:>12}" for r in regs) + f"{sum(row.values()):>8}")
    conv = collections.Counter(c["label"] for c in conversations)
    lines.append(f"conversations: {len(conversations)} ({', '.join(f'{k} {v}' for k, v in sorted(conv.items()))})")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)  # exits 2 with a message on bad arguments
    out: Path = args.out
    if out.exists() and not out.is_dir():
        parser.error(f"--out {out} exists and is not a directory")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        parser.error(f"cannot create --out {out}: {exc}")
    start = time.perf_counter()
    messages = generate_messages(args.messages, args.seed)
    conversations = generate_conversations(args.conversations, args.seed)
    write_jsonl_atomic(out / "messages.jsonl", messages)
    write_jsonl_atomic(out / "conversations.jsonl", conversations)
    print(summary(messages, conversations))
    print(f"wrote {out / 'messages.jsonl'} and {out / 'conversations.jsonl'} in {time.perf_counter() - start:.1f}s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
