"""One rule for ids, speakers and message texts, in the API's request schemas and the command line's
records alike: what one front refuses, the other refuses (a lone surrogate in an id is the one
difference, on purpose: the command line writes it back as a JSON escape)."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from signals.api.schemas import ConversationRequest, MessageIn
from signals.errors import InputError
from signals.jsonl import parse_conversation, parse_message
from signals.validation import MAX_IDENTIFIER_CHARS, identifier_problem, is_blank


@pytest.mark.parametrize(("value", "problem"), [
    ("a", None),
    (" ", None),                                     # an id of spaces is an id
    ("i" * MAX_IDENTIFIER_CHARS, None),
    (0, None),
    (-7, None),
    ("", "must not be empty"),
    ("i" * (MAX_IDENTIFIER_CHARS + 1), "must be at most 256 characters"),
    (True, "must be a string or an integer"),
    (1.5, "must be a string or an integer"),
    (None, "must be a string or an integer"),
    ([], "must be a string or an integer"),
])
def test_identifier_problem(value, problem):
    assert identifier_problem(value) == problem


@pytest.mark.parametrize(("text", "blank"), [
    ("", True),
    (" ", True),
    (" \n\t\r ", True),
    ("\u3000\u00a0\u2003", True),                    # Unicode spaces
    ("a", False),
    ("\u200b", False),                               # zero-width space: not whitespace to str.strip
    ("😍", False),
])
def test_is_blank(text, blank):
    assert is_blank(text) is blank


def _api_accepts(model, obj: dict) -> bool:
    try:
        model.model_validate(obj)
    except ValidationError:
        return False
    return True


def _cli_accepts(parse, obj: dict) -> bool:
    try:
        parse(obj, "in:1")
    except InputError:
        return False
    return True


# (record, accepted by both fronts)
MESSAGES = [
    ({"id": "m", "text": "hoi"}, True),
    ({"id": 3, "text": "hoi"}, True),
    ({"id": " ", "text": "hoi"}, True),
    ({"id": "i" * 256, "text": "hoi"}, True),
    ({"id": "m", "text": "\u200b"}, True),
    ({"id": "m", "text": "hoi", "context": [{"speaker": "a", "text": ""}]}, True),     # a media-only turn
    ({"id": "m", "text": "hoi", "context": [{"speaker": " ", "text": " "}]}, True),
    ({"id": "", "text": "hoi"}, False),
    ({"id": "i" * 257, "text": "hoi"}, False),
    ({"id": True, "text": "hoi"}, False),
    ({"id": "m", "text": ""}, False),
    ({"id": "m", "text": " \n\t"}, False),
    ({"id": "m", "text": "\u3000"}, False),
    ({"id": "m", "text": "hoi", "context": [{"speaker": "", "text": "x"}]}, False),
    ({"id": "m", "text": "hoi", "context": [{"speaker": "s" * 257, "text": "x"}]}, False),
]
CONVERSATIONS = [
    ({"id": "c", "turns": [{"speaker": "a", "text": "hoi"}]}, True),
    ({"id": "c", "turns": [{"speaker": "a", "text": ""}]}, True),                      # a media-only turn
    ({"id": "c", "turns": [{"speaker": 1, "text": " "}]}, True),
    ({"id": "", "turns": [{"speaker": "a", "text": "hoi"}]}, False),
    ({"id": "c", "turns": []}, False),
    ({"id": "c", "turns": [{"speaker": "a", "text": "x"}, {"speaker": "", "text": "y"}]}, False),
    ({"id": "c", "turns": [{"speaker": False, "text": "x"}]}, False),
]


@pytest.mark.parametrize(("obj", "accepted"), MESSAGES)
def test_a_message_is_accepted_by_the_api_and_the_command_line_alike(obj, accepted):
    assert (_api_accepts(MessageIn, obj), _cli_accepts(parse_message, obj)) == (accepted, accepted)


@pytest.mark.parametrize(("obj", "accepted"), CONVERSATIONS)
def test_a_conversation_is_accepted_by_the_api_and_the_command_line_alike(obj, accepted):
    assert (_api_accepts(ConversationRequest, obj), _cli_accepts(parse_conversation, obj)) == (accepted, accepted)


def test_a_lone_surrogate_id_is_the_one_difference():
    obj = {"id": "\ud800", "text": "hoi"}
    assert (_api_accepts(MessageIn, obj), _cli_accepts(parse_message, obj)) == (False, True)
