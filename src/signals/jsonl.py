"""JSONL in and out for the command line: validated records with line numbers, atomic output."""

from __future__ import annotations

import json
import os
import stat
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from pydantic import BaseModel
from pydantic_core import PydanticSerializationError

from signals.errors import InputError, TextTooLongError
from signals.rawlines import LineLimits, decode_line, load_json, raw_lines
from signals.service import Conversation, Message, Turn
from signals.sizes import text_size
from signals.validation import identifier_problem, is_blank


@dataclass(frozen=True)
class LineError:
    line: int
    id: str | None
    code: str
    message: str

    def as_output(self) -> dict:
        return {"id": self.id, "line": self.line, "error": {"code": self.code, "message": self.message}}


def parse_text(value, where: str, field: str, max_chars: int | None, *, blank: bool = True) -> str:
    """A text; ``blank=False`` for a message text to score, which may not be empty or whitespace only
    (a turn's text may: a media-only turn). The rules are the API's (``signals.validation``)."""
    if not isinstance(value, str):
        raise InputError(f"{where}: '{field}' must be a string", field=field)
    if not blank and is_blank(value):
        raise InputError(f"{where}: '{field}' must be a non-empty string, not whitespace only", field=field)
    if max_chars is not None:
        size = text_size(value, max_chars)
        if size > max_chars:
            raise TextTooLongError(f"{where}: '{field}' is {size} characters (as sent or after NFKC "
                                   f"normalisation), over the limit of {max_chars} (SIGNALS_MAX_TEXT_CHARS)",
                                   field=field)
    return value


def parse_identifier(value, where: str, field: str) -> str:
    """An id or a speaker, as a string: the API's rule (``signals.validation``), except that a lone
    surrogate is kept (it is written back as a JSON escape)."""
    problem = identifier_problem(value)
    if problem is not None:
        raise InputError(f"{where}: '{field}' {problem}", field=field)
    return str(value)


def _identifier(obj: dict, where: str) -> str:
    return parse_identifier(obj.get("id"), where, "id")


def parse_message(obj, where: str, max_text_chars: int | None = None) -> Message:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'text'")
    ident = _identifier(obj, where)
    text = parse_text(obj.get("text"), where, "text", max_text_chars, blank=False)
    return Message(ident, text, parse_context(obj.get("context"), where, max_text_chars))


def parse_context(context, where: str, max_text_chars: int | None = None) -> tuple[Turn, ...]:
    """A message's ``context``: absent (or null), or a list of turns; ``false``, ``""`` or ``{}`` are
    refused as the API refuses them, not read as no context."""
    context = [] if context is None else context
    if not isinstance(context, list):
        raise InputError(f"{where}: 'context' must be a list of turns", field="context")
    return tuple(parse_turn(t, f"{where} context[{i}]", max_text_chars) for i, t in enumerate(context))


def parse_turn(obj, where: str, max_text_chars: int | None = None) -> Turn:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: a turn is an object with 'speaker' and 'text'")
    speaker = parse_identifier(obj.get("speaker"), where, "speaker")
    return Turn(speaker, parse_text(obj.get("text"), where, "text", max_text_chars))


def parse_conversation(obj, where: str, max_text_chars: int | None = None) -> Conversation:
    if not isinstance(obj, dict):
        raise InputError(f"{where}: expected a JSON object with 'id' and 'turns'")
    ident = _identifier(obj, where)
    turns = obj.get("turns")
    if not isinstance(turns, list) or not turns:
        raise InputError(f"{where}: 'turns' must be a non-empty list", field="turns")
    return Conversation(ident, tuple(parse_turn(t, f"{where} turns[{i}]", max_text_chars) for i, t in enumerate(turns)))


def _echoable_id(obj) -> str | None:
    """The record's id for its error line, when it has a usable one."""
    ident = obj.get("id") if isinstance(obj, dict) else None
    return str(ident) if identifier_problem(ident) is None else None


def read_lines(handle: IO[bytes] | IO[str], parse, source: str,
               limits: LineLimits | None = None) -> Iterator[tuple[int, object]]:
    """(line number, parsed record or LineError) for every line that is not blank, whatever its
    bytes: a line over the byte limit, not UTF-8, too deeply nested, with a huge integer or a text
    over the limit becomes a ``LineError`` with its own code, and reading goes on."""
    limits = limits or LineLimits()
    for raw in raw_lines(handle, limits.max_line_bytes):
        where = f"{source}:{raw.number}"
        obj = None
        try:
            text = decode_line(raw, where, limits)
            if not text.strip():
                continue
            obj = load_json(text, where, limits)
            yield raw.number, parse(obj, where, limits.max_text_chars)
        except InputError as exc:
            yield raw.number, LineError(raw.number, _echoable_id(obj), exc.code, exc.message)


COMPACT = (",", ":")  # as pydantic writes result lines: error lines and results look alike


def dumps_line(record: BaseModel | dict) -> str:
    """One output line (no newline). Strings are echoed back exactly: an id that holds a lone
    surrogate (valid as a JSON escape, not as UTF-8) is written as an escape instead of failing.
    Per-turn results that were not asked for (``turns`` is None) are left out."""
    exclude = {"turns"} if getattr(record, "turns", ()) is None else None
    try:
        if _surrogate_key(getattr(record, "speaker_risk", None)):
            raise UnicodeEncodeError("utf-8", "", 0, 1, "lone surrogate")   # pydantic would write it as U+FFFD
        if isinstance(record, BaseModel):
            line = record.model_dump_json(exclude=exclude)
        else:
            line = json.dumps(record, ensure_ascii=False, separators=COMPACT)
        line.encode("utf-8")  # the line must be writable as UTF-8, whatever came in
        return line
    except (UnicodeEncodeError, PydanticSerializationError):
        data = record.model_dump(exclude=exclude) if isinstance(record, BaseModel) else record
        return json.dumps(data, ensure_ascii=True, separators=COMPACT)


def _surrogate_key(mapping: object) -> bool:
    """A dict key with a lone surrogate: pydantic's JSON replaces it silently instead of failing."""
    if not isinstance(mapping, dict):
        return False
    try:
        for key in mapping:
            str(key).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def dumps_with_model(result: BaseModel, model_json: str) -> str:
    """``dumps_line(with_model(result, model))``, without building the record: the result's own line
    with ``"model": <model_json>`` appended (the same bytes, fields in the same order)."""
    line = dumps_line(result)
    return f'{line[:-1]},"model":{model_json}}}'


# the standard streams, and what to do instead when the process was started with one closed
STANDARD_STREAMS = {"stdin": ("standard input", "name an input file"), "stdout": ("standard output", "name an output file")}


def standard_stream(name: str, advice: str | None = None) -> IO:
    """``sys.stdin`` or ``sys.stdout``; an ``InputError`` giving ``advice`` (else the usual one) when
    the process was started with it closed (``<&-``, ``>&-``: Python leaves ``None`` in its place)."""
    stream = getattr(sys, name)
    if stream is None:
        title, usual_advice = STANDARD_STREAMS[name]
        raise InputError(f"{title} is closed: {advice or usual_advice}")
    return stream


def check_paths(input_path: str | Path | None, output_path: str | Path | None) -> None:
    """Before any work: the input can be read, and the output can be written without destroying the
    input (an -o equal to the input would replace it with scores) and without failing at the end;
    ``-`` is standard input or output, which must be open."""
    if input_path == "-":
        standard_stream("stdin")
    if output_path == "-":
        standard_stream("stdout")
    source = None if input_path in (None, "-") else Path(input_path)
    if source is not None:
        if not source.exists():
            raise InputError(f"input file not found: {source}")
        if source.is_dir():
            raise InputError(f"input is a folder, not a file: {source}")
        if _special(source):   # a named pipe: opening it here would take its first writer's lines
            if not os.access(source, os.R_OK):
                raise InputError(f"cannot read input file {source}")
        else:
            try:
                with open(source, "rb"):
                    pass
            except OSError as exc:
                raise InputError(f"cannot read input file {source}: {exc.strerror}") from None
    if output_path in (None, "-"):
        return
    if str(output_path) == "":
        raise InputError("output path is empty")
    target = Path(output_path)
    if target.is_dir():
        raise InputError(f"output is a folder, not a file: {target}")
    if source is not None and target.exists() and os.path.samefile(source, target):
        raise InputError(f"output is the input file ({target}): it would be replaced; choose another output file")
    target = _written_path(target)
    if _special(target):
        if not os.access(target, os.W_OK):
            raise InputError(f"cannot write to {target}")
        return
    folder = target.parent
    if not folder.is_dir():
        raise InputError(f"output folder does not exist: {folder}")
    try:  # root may write anywhere os.access says no; this is the one reliable test
        fd, probe = tempfile.mkstemp(prefix=f".{target.name[:200]}.", dir=folder)
    except OSError as exc:
        raise InputError(f"cannot write in the output folder {folder}: {exc.strerror}") from None
    os.close(fd)
    os.unlink(probe)


@contextmanager
def open_input(path: str | Path | None) -> Iterator[IO[bytes] | IO[str]]:
    """The input as bytes (lines are decoded one by one, so one bad line spoils nothing else)."""
    if path in (None, "-"):
        stdin = standard_stream("stdin")
        yield getattr(stdin, "buffer", stdin)
        return
    check_paths(path, None)
    with open(path, "rb") as handle:
        yield handle


@contextmanager
def atomic_output(path: str | Path | None, input_path: str | Path | None = None, private: bool = False
                  ) -> Iterator[IO[str]]:
    """Write to a temp file beside ``path`` and rename at the end: no half-written output. A file that
    was there keeps its permissions; a new one gets the usual ones (0666 less the umask). A
    ``private`` file (one that holds message text) is the owner's only, whatever was there."""
    if path in (None, "-"):
        out = _utf8_stdout()
        yield out
        out.flush()
        return
    check_paths(input_path, path)
    target = _written_path(Path(path))
    if _special(target):
        # a pipe or a device (/dev/null, /dev/stdout): written through, never replaced by a file
        with open(target, "w", encoding="utf-8") as handle:
            yield handle
        return
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:200]}.", dir=target.parent)
    try:
        os.fchmod(fd, 0o600 if private else _mode_for(target))
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            yield handle
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _utf8_stdout() -> IO[str]:
    """Standard output as UTF-8 whatever the locale or PYTHONIOENCODING (JSON lines are UTF-8)."""
    stream = standard_stream("stdout")
    encoding = (getattr(stream, "encoding", None) or "").lower().replace("-", "").replace("_", "")
    if encoding != "utf8" and hasattr(stream, "reconfigure"):
        stream.reconfigure(encoding="utf-8")
    return stream


def _written_path(target: Path) -> Path:
    """The file a path writes to: a symbolic link's target (the link stays a link). A link to a pipe
    or a device is written through as it is: ``/dev/stdout`` resolves to ``pipe:[N]``, no path."""
    if not target.is_symlink() or _special(target):
        return target
    return Path(os.path.realpath(target))


def _special(target: Path) -> bool:
    """A named pipe, a device or a socket: no temp file and rename, written in place."""
    try:
        mode = target.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def _mode_for(target: Path) -> int:
    try:
        return target.stat().st_mode & 0o777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask
