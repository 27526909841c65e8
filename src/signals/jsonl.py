"""JSONL in and out for the command line: validated records with line numbers, atomic output."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from signals.errors import InputError
from signals.service import Conversation, Message, Turn


@dataclass(frozen=True)
class LineError:
    line: int
    id: str | None
    code: str
    message: str

    def as_output(self) -> dict:
        return {"id": self.id, "line": self.line, "error": {"code": self.code, "message": self.message}}


def _text(value, where: str, field: str) -> str:
    if not isinstance(value, str):
        raise InputError(f"{where}: '{field}' must be a string", field=field)
    return value


def parse_message(obj, where: str) -> Message:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'text'")
    if "id" not in obj or not isinstance(obj["id"], (str, int)) or isinstance(obj["id"], bool):
        raise InputError(f"{where}: 'id' must be a string or an integer", field="id")
    text = _text(obj.get("text"), where, "text")
    context = obj.get("context") or []
    if not isinstance(context, list):
        raise InputError(f"{where}: 'context' must be a list of turns", field="context")
    turns = tuple(parse_turn(t, f"{where} context[{i}]") for i, t in enumerate(context))
    return Message(str(obj["id"]), text, turns)


def parse_turn(obj, where: str) -> Turn:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: a turn is an object with 'speaker' and 'text'")
    speaker = obj.get("speaker")
    if not isinstance(speaker, (str, int)) or isinstance(speaker, bool):
        raise InputError(f"{where}: 'speaker' must be a string", field="speaker")
    return Turn(str(speaker), _text(obj.get("text"), where, "text"))


def parse_conversation(obj, where: str) -> Conversation:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'turns'")
    if "id" not in obj or not isinstance(obj["id"], (str, int)) or isinstance(obj["id"], bool):
        raise InputError(f"{where}: 'id' must be a string or an integer", field="id")
    turns = obj.get("turns")
    if not isinstance(turns, list) or not turns:
        raise InputError(f"{where}: 'turns' must be a non-empty list", field="turns")
    return Conversation(str(obj["id"]), tuple(parse_turn(t, f"{where} turns[{i}]") for i, t in enumerate(turns)))


def read_lines(handle: IO[str], parse, source: str) -> Iterator[tuple[int, object]]:
    """(line number, parsed record or LineError) for every non-blank line."""
    for number, line in enumerate(handle, 1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            obj = json.loads(line)
        except ValueError as exc:
            yield number, LineError(number, None, InputError.code, f"{where}: not valid JSON ({exc.msg})")
            continue
        try:
            yield number, parse(obj, where)
        except InputError as exc:
            ident = (obj.get("id") if isinstance(obj, dict) and isinstance(obj.get("id"), (str, int))
                     and not isinstance(obj.get("id"), bool) else None)
            yield number, LineError(number, None if ident is None else str(ident), exc.code, exc.message)


def dumps_line(record: BaseModel | dict) -> str:
    """One output line (no newline). Strings are echoed back exactly: an id that holds a lone
    surrogate (valid as a JSON escape, not as UTF-8) is written as an escape instead of failing.
    Per-turn results that were not asked for (``turns`` is None) are left out."""
    exclude = {"turns"} if getattr(record, "turns", ()) is None else None
    try:
        if isinstance(record, BaseModel):
            return record.model_dump_json(exclude=exclude)
        line = json.dumps(record, ensure_ascii=False)
        line.encode("utf-8")
        return line
    except (UnicodeEncodeError, PydanticSerializationError):
        data = record.model_dump(exclude=exclude) if isinstance(record, BaseModel) else record
        return json.dumps(data, ensure_ascii=True)


@contextmanager
def open_input(path: str | None) -> Iterator[IO[str]]:
    if path in (None, "-"):
        yield sys.stdin
        return
    p = Path(path)
    if not p.is_file():
        raise InputError(f"input file not found: {path}")
    with open(p, encoding="utf-8", errors="strict") as handle:
        yield handle


@contextmanager
def atomic_output(path: str | None) -> Iterator[IO[str]]:
    """Write to a temp file beside ``path`` and rename at the end: no half-written output."""
    if path in (None, "-"):
        yield sys.stdout
        sys.stdout.flush()
        return
    target = Path(path)
    if target.parent and not target.parent.exists():
        raise InputError(f"output folder does not exist: {target.parent}")
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
