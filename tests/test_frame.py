"""score_frame / score_conversation_frame: the service's results as columns, for any engine."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from signals.errors import InputError
from signals.frame import (
    CONVERSATION_FIELDS,
    MESSAGE_DDL,
    MESSAGE_FIELDS,
    arrow_schema,
    ddl,
    message_fields,
    score_conversation_frame,
    score_frame,
)
from signals.service import Conversation, Message, Turn
from signals.taxonomy import CATEGORIES

MESSAGES = [
    ("m1", "jij bent echt anders dan de rest 😍 hoe oud ben je eigenlijk? kom ff op snap"),
    ("m2", "stuur €200 of ik post je foto's. je hebt 1 uur"),
    ("m3", "ik durf het niemand te vertellen maar hij stuurt mn fotos naar iedereen als ik nie betaal"),
    ("m4", "hoe laat ben je thuis? mama vraagt of je blijft eten"),
    ("m5", "kom op snap, dan stuur ik je de code van de deur"),  # near miss: a friend, not a groomer
    ("m6", ""),
]
MESSAGE_COLUMNS = [name for name, _ in MESSAGE_FIELDS]
SCORE_COLUMNS = tuple(f"score_{c}" for c in CATEGORIES)


def messages_frame(**extra) -> pd.DataFrame:
    return pd.DataFrame({"id": [i for i, _ in MESSAGES], "text": [t for _, t in MESSAGES], **extra})


def test_score_columns_come_from_the_models_categories():
    assert all(f"`{c}` double" in MESSAGE_DDL for c in SCORE_COLUMNS)   # the default model's
    other = ddl(message_fields(("grooming", "support")))
    assert "`score_grooming` double" in other and "`score_support` double" in other
    assert "score_recruitment" not in other


@pytest.mark.parametrize("column, dtype", [
    ("id", "str"), ("flagged", "bool"), ("labels", "object"), ("route", "str"),
    *((c, "float64") for c in SCORE_COLUMNS), ("tactics", "str"),
    ("model_name", "str"), ("model_version", "str"), ("model_sha256", "str"),
])
def test_columns_and_dtypes(service, column, dtype):
    out = score_frame(messages_frame(), service)
    assert list(out.columns) == MESSAGE_COLUMNS
    assert str(out[column].dtype) == dtype


@pytest.mark.parametrize("frame", [
    messages_frame(),
    messages_frame().iloc[::-1],                       # order follows the input
    messages_frame().set_index(pd.Index([10, 3, 7, 1, 5, 2])),  # so does the index
    messages_frame().sample(frac=1, random_state=3),
], ids=["plain", "reversed", "custom-index", "shuffled"])
def test_rows_equal_signals_score_in_input_order(service, frame):
    out = score_frame(frame, service)
    expected = [r.model_dump() for r in service.score_messages(
        [Message(i, t) for i, t in zip(frame["id"], frame["text"])], explain=True)]
    assert out.index.equals(frame.index)
    for (_, row), result in zip(out.iterrows(), expected):
        assert row["id"] == result["id"]
        assert row["flagged"] == result["flagged"]
        assert row["labels"] == result["labels"]
        assert row["route"] == result["route"]
        assert [row[f"score_{c}"] for c in CATEGORIES] == [result["category_scores"][c] for c in CATEGORIES]
        assert json.loads(row["tactics"]) == result["tactics"]
        assert {k: row[f"model_{k}"] for k in ("name", "version", "sha256")} == service.info.as_dict()


def test_passthrough_columns_are_copied_unchanged(service):
    ts = pd.to_datetime(["2024-05-01 20:00", "2024-05-01 20:01", None, "2024-05-02 09:00", None, "2024-05-03 08:00"])
    frame = messages_frame(conversation_id=["c1", "c1", None, "c2", None, "c2"],
                           speaker=["jay", "jay", None, "noah", None, "sam"], ts=ts, extra=range(6))
    out = score_frame(frame, service)
    assert list(out.columns) == MESSAGE_COLUMNS + ["conversation_id", "speaker", "ts"]  # not `extra`
    pd.testing.assert_series_equal(out["ts"], frame["ts"])
    pd.testing.assert_series_equal(out["conversation_id"], frame["conversation_id"])


@pytest.mark.parametrize("ids, expected", [
    ([1, 2, 3, 4, 5, 6], ["1", "2", "3", "4", "5", "6"]),
    (pd.array([1, 2, 3, 4, 5, 6], dtype="Int64"), ["1", "2", "3", "4", "5", "6"]),
    (["a", 2, "c", 4, "e", 6], ["a", "2", "c", "4", "e", "6"]),
])
def test_integer_ids_become_strings_like_the_cli(service, ids, expected):
    out = score_frame(pd.DataFrame({"id": ids, "text": [t for _, t in MESSAGES]}), service)
    assert out["id"].tolist() == expected


def test_empty_frame_keeps_the_schema(service):
    out = score_frame(messages_frame().iloc[:0], service)
    assert out.empty and list(out.columns) == MESSAGE_COLUMNS
    assert out["flagged"].dtype == bool


def test_output_fits_the_declared_arrow_schema(service):
    pa = pytest.importorskip("pyarrow")
    out = score_frame(messages_frame(), service)
    table = pa.Table.from_pandas(out, schema=arrow_schema(MESSAGE_FIELDS), preserve_index=False)
    assert table.num_rows == len(MESSAGES)


@pytest.mark.parametrize("frame, field", [
    (pd.DataFrame({"id": ["m1"], "body": ["hoi"]}), "text"),
    (pd.DataFrame({"text": ["hoi"]}), "id"),
    (pd.DataFrame({"id": ["m1", "m2"], "text": ["hoi", None]}), "text"),
    (pd.DataFrame({"id": ["m1", None], "text": ["hoi", "doei"]}), "id"),
    (pd.DataFrame({"id": ["m1"], "text": [42]}), "text"),
    (pd.DataFrame({"id": [1.5], "text": ["hoi"]}), "id"),
], ids=["no-text", "no-id", "null-text", "null-id", "int-text", "float-id"])
def test_bad_input_is_an_input_error(service, frame, field):
    with pytest.raises(InputError) as info:
        score_frame(frame, service)
    assert info.value.field == field


# -- conversations ----------------------------------------------------------------------------
TURNS = [  # conversation, turn id, speaker, minute, text; listed in time order
    ("c1", "t01", "jay", 0, "hey mooie, jij zit toch bij mijn neef op school?"),
    ("c1", "t02", "lisa", 1, "ehh ja denk het"),
    ("c1", "t03", "jay", 2, "hoe oud ben je eigenlijk"),
    ("c1", "t04", "lisa", 3, "14"),
    ("c1", "t05", "jay", 4, "je lijkt ouder. kom op telegram, hier leest iedereen mee"),
    ("c1", "t06", "jay", 4, "zeg niks tegen je ouders, ik koop morgen die nieuwe iphone voor je"),  # same minute
    ("c2", "u01", "sam", 0, "yo ben je alleen thuis? kan ik langskomen voor fifa"),
    ("c2", "u02", "noah", 5, "ja kom maar, ma is werken"),
    ("c2", "u03", "noah", 6, "kom op snap dan stuur ik je de code van de deur"),
]


def turns_frame(rows=TURNS) -> pd.DataFrame:
    start = pd.Timestamp("2024-05-01 20:00")
    return pd.DataFrame({"conversation_id": [r[0] for r in rows], "id": [r[1] for r in rows],
                         "speaker": [r[2] for r in rows], "ts": [start + pd.Timedelta(minutes=r[3]) for r in rows],
                         "text": [r[4] for r in rows]})


def in_time_order(service) -> list[dict]:
    conversations = {}
    for conv, _, speaker, _, text in TURNS:
        conversations.setdefault(conv, []).append(Turn(speaker, text))
    return [r.model_dump() for r in service.score_conversations([Conversation(k, tuple(v))
                                                                 for k, v in conversations.items()])]


@pytest.mark.parametrize("order", ["as-listed", "reversed", "shuffled"])
def test_conversations_are_ordered_by_ts_then_id(service, order):
    frame = {"as-listed": turns_frame(), "reversed": turns_frame().iloc[::-1],
             "shuffled": turns_frame().sample(frac=1, random_state=11)}[order]
    out = score_conversation_frame(frame, service)
    assert list(out.columns) == [name for name, _ in CONVERSATION_FIELDS]
    expected = {r["id"]: r for r in in_time_order(service)}
    assert sorted(out["conversation_id"]) == sorted(expected)
    for row in out.to_dict("records"):
        result = expected[row["conversation_id"]]
        assert (row["label"], row["risk"]) == (result["label"], result["risk"])
        assert (None if pd.isna(row["suspect"]) else row["suspect"]) == result["suspect"]
        assert (None if pd.isna(row["first_alert_turn"]) else row["first_alert_turn"]) == result["first_alert_turn"]


def test_one_conversation_gives_one_row_with_nullable_alert_turn(service):
    out = score_conversation_frame(turns_frame()[lambda d: d.conversation_id == "c2"], service)
    assert len(out) == 1 and out["conversation_id"].iloc[0] == "c2"
    assert str(out["first_alert_turn"].dtype) == "Int32"


@pytest.mark.parametrize("drop, field", [("ts", "ts"), ("speaker", "speaker"), ("conversation_id", "conversation_id")])
def test_conversation_columns_are_required(service, drop, field):
    with pytest.raises(InputError) as info:
        score_conversation_frame(turns_frame().drop(columns=drop), service)
    assert info.value.field == field


def test_conversation_turn_without_ts_is_an_input_error(service):
    frame = turns_frame()
    frame.loc[2, "ts"] = pd.NaT
    with pytest.raises(InputError, match="'ts'"):
        score_conversation_frame(frame, service)


def test_turn_order_changes_the_result_so_the_ordering_tests_can_fail(service):
    reversed_turns = {}
    for conv, _, speaker, _, text in reversed(TURNS):
        reversed_turns.setdefault(conv, []).append(Turn(speaker, text))
    backwards = [r.model_dump() for r in service.score_conversations(
        [Conversation(k, tuple(v)) for k, v in reversed_turns.items()])]
    forwards = {r["id"]: r for r in in_time_order(service)}
    assert any((r["risk"], r["first_alert_turn"]) != (forwards[r["id"]]["risk"], forwards[r["id"]]["first_alert_turn"])
               for r in backwards)


def test_a_speaker_named_with_the_empty_string_is_still_the_suspect(service):
    """The frame accepts any speaker string: a flagged chat whose driver is named "" stays flagged
    (the label was read from the suspect's truthiness, so it came out benign)."""
    named = [r for r in in_time_order(service) if r["label"] == "grooming"]
    assert named, "the fixture has a flagged conversation"
    suspect = named[0]["suspect"]
    renamed = []
    for conv, _, speaker, _, text in TURNS:
        if conv == named[0]["id"]:
            renamed.append(Turn("" if speaker == suspect else speaker, text))
    (result,) = service.score_conversations([Conversation(named[0]["id"], tuple(renamed))])
    assert (result.label, result.suspect, result.risk) == ("grooming", "", named[0]["risk"])
