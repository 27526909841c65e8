"""Score pandas DataFrames with the one scoring service, for any engine that hands out pandas frames.

Spark calls these from ``mapInPandas`` / ``applyInPandas`` (``signals.spark``); a notebook or a
script that read a Parquet file with pandas calls them directly. Nothing here scores: rows become
``Message`` / ``Conversation`` objects, go through ``ScoringService`` in one call per frame, and the
results (the ``signals score`` / ``signals score-conversations`` shapes) are flattened into columns.

The output columns and their types are declared once, below, as ``(name, Spark DDL type)`` pairs;
``ddl()`` and ``arrow_schema()`` derive the Spark schema string and the pyarrow schema from them.
"""

from __future__ import annotations

import json
import numbers
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from signals.errors import InputError
from signals.results import ModelRef
from signals.service import Conversation, Message, Turn
from signals.taxonomy import CATEGORIES

if TYPE_CHECKING:
    import pyarrow as pa

    from signals.service import ScoringService

Fields = tuple[tuple[str, str], ...]

MESSAGE_INPUT: tuple[str, ...] = ("id", "text")
PASSTHROUGH: tuple[str, ...] = ("conversation_id", "speaker", "ts")  # copied unchanged when present
CONVERSATION_INPUT: tuple[str, ...] = ("conversation_id", "id", "speaker", "ts", "text")

MODEL_FIELDS: Fields = (("model_name", "string"), ("model_version", "string"), ("model_sha256", "string"))


def message_fields(categories: Sequence[str]) -> Fields:
    """The scored-message columns for a model with these categories (one ``score_<category>`` each)."""
    return (
        ("id", "string"),
        ("flagged", "boolean"),
        ("labels", "array<string>"),
        ("route", "string"),
        *((f"score_{c}", "double") for c in categories),
        ("tactics", "string"),  # JSON list of {"tactic", "start", "end", "score"}, as `signals score` prints it
        *MODEL_FIELDS,
    )


MESSAGE_FIELDS: Fields = message_fields(CATEGORIES)  # the default model's

CONVERSATION_FIELDS: Fields = (
    ("conversation_id", "string"),
    ("label", "string"),
    ("risk", "double"),
    ("suspect", "string"),
    ("first_alert_turn", "int"),
    *MODEL_FIELDS,
)

# pandas dtypes for the columns whose type inference could go wrong (empty frames, missing values).
_PANDAS_DTYPES = {"string": "str", "boolean": "bool", "double": "float64", "int": "Int32"}


def ddl(fields: Fields) -> str:
    """The Spark DDL schema string, e.g. ``"`id` string, `flagged` boolean, ..."``."""
    return ", ".join(f"`{name}` {kind}" for name, kind in fields)


MESSAGE_DDL = ddl(MESSAGE_FIELDS)
CONVERSATION_DDL = ddl(CONVERSATION_FIELDS)


def arrow_schema(fields: Fields) -> pa.Schema:
    """The same schema for pyarrow (pyarrow comes with the ``spark`` extra, so it is imported here)."""
    import pyarrow as pa

    kinds = {"string": pa.string(), "boolean": pa.bool_(), "double": pa.float64(), "int": pa.int32(),
             "array<string>": pa.list_(pa.string())}
    return pa.schema([(name, kinds[kind]) for name, kind in fields])


def _require(df: pd.DataFrame, columns: Sequence[str], what: str) -> None:
    missing = [c for c in columns if c not in df.columns]
    if missing:
        raise InputError(f"{what} needs the column(s) {', '.join(missing)}; got: {', '.join(map(str, df.columns))}",
                         field=missing[0])


def _missing(value) -> bool:
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):  # lists and other containers
        return False


def _strings(values: pd.Series, field: str, allow_int: bool = False) -> list[str]:
    """The column as Python strings; ints are accepted for ids (as the CLI does), anything else is an error."""
    out = []
    for position, value in enumerate(values.tolist()):
        if isinstance(value, str):
            out.append(value)
        elif allow_int and isinstance(value, numbers.Integral) and not isinstance(value, (bool, np.bool_)):
            out.append(str(value))
        else:
            kind = "missing" if _missing(value) else f"a {type(value).__name__}"
            need = "a string or an integer" if allow_int else "a string"
            raise InputError(f"row {position}: '{field}' must be {need}, got {kind}", field=field)
    return out


def _frame(columns: dict[str, list], fields: Fields, index=None) -> pd.DataFrame:
    kinds = dict(fields)
    return pd.DataFrame({name: pd.Series(values, dtype=_PANDAS_DTYPES.get(kinds[name]), index=index)
                         for name, values in columns.items()})


def _model_columns(model: ModelRef, n: int) -> dict[str, list]:
    return {"model_name": [model.name] * n, "model_version": [model.version] * n, "model_sha256": [model.sha256] * n}


def score_frame(df: pd.DataFrame, service: ScoringService) -> pd.DataFrame:
    """Score every row (``id``, ``text``) in one ``score_messages`` call; one output row per input row.

    Columns: ``message_fields(service.categories)``, then whichever of ``PASSTHROUGH`` the input has (unchanged).
    Order and index follow the input.
    """
    _require(df, MESSAGE_INPUT, "scoring messages")
    ids = _strings(df["id"], "id", allow_int=True)
    texts = _strings(df["text"], "text")
    results = service.score_messages([Message(i, t) for i, t in zip(ids, texts)], explain=True)
    columns: dict[str, list] = {
        "id": ids,
        "flagged": [r.flagged for r in results],
        "labels": [list(r.labels) for r in results],
        "route": [r.route for r in results],
        **{f"score_{c}": [r.category_scores[c] for r in results] for c in service.categories},
        "tactics": [json.dumps([t.model_dump() for t in r.tactics], ensure_ascii=False) for r in results],
        **_model_columns(service.info.ref, len(results)),
    }
    out = _frame(columns, message_fields(service.categories), index=df.index)
    for name in PASSTHROUGH:
        if name in df.columns:
            out[name] = df[name].array
    return out


def score_conversation_frame(df: pd.DataFrame, service: ScoringService) -> pd.DataFrame:
    """Score the conversations in ``df`` (one turn per row): one output row per ``conversation_id``.

    Turns are ordered by ``ts``, ties by ``id``; the input order does not matter. Spark's
    ``applyInPandas`` hands over one conversation per call; pandas callers may pass many at once.
    Output rows follow the first appearance of each conversation; columns are ``CONVERSATION_FIELDS``.
    """
    _require(df, CONVERSATION_INPUT, "scoring conversations")
    if df["ts"].isna().any():
        raise InputError("every turn of a conversation needs a 'ts'", field="ts")
    keys = _strings(df["conversation_id"], "conversation_id", allow_int=True)
    ordered = df.assign(_key=keys, _id=_strings(df["id"], "id", allow_int=True)).sort_values(["ts", "_id"],
                                                                                          kind="stable")
    turns = {key: tuple(Turn(speaker, text) for speaker, text in zip(
                 _strings(rows["speaker"], "speaker", allow_int=True), _strings(rows["text"], "text")))
             for key, rows in ordered.groupby("_key", sort=False)}
    conversations = [Conversation(key, turns[key]) for key in dict.fromkeys(keys)]
    results = service.score_conversations(conversations) if conversations else []
    columns: dict[str, list] = {
        "conversation_id": [r.id for r in results],
        "label": [r.label for r in results],
        "risk": [r.risk for r in results],
        "suspect": [r.suspect for r in results],
        "first_alert_turn": [r.first_alert_turn for r in results],
        **_model_columns(service.info.ref, len(results)),
    }
    return _frame(columns, CONVERSATION_FIELDS)
