"""Request and response bodies of the API, built from the taxonomy (categories, tactics, routes are
imported from ``signals.taxonomy``, never re-listed here).

Requests reject unknown fields (``extra="forbid"``): a misspelt ``"contxt"`` or ``"explian"`` would
otherwise be dropped silently and change the score. Sizes (text length, batch size, turns) are
settings, so they are checked in ``limits.py`` rather than fixed in these classes.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PlainValidator,
    StrictBool,
    StrictStr,
    WithJsonSchema,
    field_validator,
)
from pydantic_core import PydanticCustomError

from signals.api.errors import ErrorCode
from signals.results import ConversationResult, MessageResult, ModelRef
from signals.taxonomy import Route
from signals.validation import MAX_IDENTIFIER_CHARS, identifier_problem, is_blank


def _identifier(value: object) -> str:
    """Ids and speakers: the rule every front shares (``signals.validation``), and valid Unicode: a
    lone surrogate is refused here only (the command line writes it back as a JSON escape)."""
    problem = identifier_problem(value)
    if problem is not None:
        raise PydanticCustomError("identifier_type", problem)
    text = str(value)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise PydanticCustomError("identifier_type", "must be valid Unicode (no lone surrogates)") from None
    return text


_IDENTIFIER_SCHEMA = {"anyOf": [{"type": "string", "minLength": 1, "maxLength": MAX_IDENTIFIER_CHARS,
                                 "pattern": "^[^\\ud800-\\udfff]*$"},
                                {"type": "integer"}]}
Identifier = Annotated[str, PlainValidator(_identifier, json_schema_input_type=str | int),
                       WithJsonSchema(_IDENTIFIER_SCHEMA)]


class _Request(BaseModel):
    model_config = ConfigDict(extra="forbid")


# -- requests -----------------------------------------------------------------------------------
class TurnIn(_Request):
    """One earlier turn of the chat (context) or one turn of a conversation."""

    speaker: Identifier = Field(description="who wrote the turn (any stable pseudonymous id)")
    text: StrictStr = Field(description="the turn's text; may be empty (a media-only turn)")


class MessageIn(_Request):
    id: Identifier = Field(description="your id for the message; echoed back in the result")
    text: StrictStr = Field(description="the message to score; empty or whitespace-only text is rejected",
                            json_schema_extra={"pattern": r"\S"})
    context: list[TurnIn] = Field(default_factory=list,
                                  description="earlier turns of the same chat, oldest first; they only add evidence")

    @field_validator("text")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if is_blank(value):
            raise PydanticCustomError(ErrorCode.EMPTY_TEXT.value, "text is empty or whitespace only")
        return value


class ScoreRequest(_Request):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "messages": [
            {"id": "m-1", "text": "kom op snap",
             "context": [{"speaker": "u-42", "text": "jij bent echt anders dan de rest"},
                         {"speaker": "u-42", "text": "hoe oud ben je eigenlijk?"}]},
            {"id": "m-2", "text": "hoe laat ben je thuis? we eten om zes uur"},
        ],
        "explain": True,
    }]})

    messages: list[MessageIn] = Field(min_length=1, description="scored together as one batch, results in order")
    explain: StrictBool = Field(False, description="include the tactic spans that explain each score")


class ConversationRequest(_Request):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{
        "id": "c-7",
        "turns": [
            {"speaker": "u-42", "text": "hey schoonheid, jij bent anders dan de rest"},
            {"speaker": "u-9", "text": "haha dankje"},
            {"speaker": "u-42", "text": "hoe oud ben je eigenlijk? zit je nog op school?"},
            {"speaker": "u-42", "text": "vertel het aan niemand, kom op snap"},
        ],
    }]})

    id: Identifier = Field(description="your id for the conversation; echoed back")
    turns: list[TurnIn] = Field(min_length=1, description="the turns, oldest first")


SCORE_EXAMPLES: dict[str, dict[str, Any]] = {
    "context": {
        "summary": "a message with context from the same chat",
        "value": ScoreRequest.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
    },
    "benign": {
        "summary": "near misses: classmates and a parent",
        "value": {"messages": [{"id": "b-1", "text": "hoe oud ben je geworden? gefeliciteerd!"},
                               {"id": "b-2", "text": "wat is je snap? dan stuur ik het huiswerk"}]},
    },
    "disclosure": {
        "summary": "a young person asking for help",
        "value": {"messages": [{"id": "d-1", "text": "iemand dreigt mijn foto's door te sturen als ik niet betaal, "
                                                      "ik weet niet wat ik moet doen"}],
                  "explain": True},
    },
}

CONVERSATION_EXAMPLES: dict[str, dict[str, Any]] = {
    "grooming": {
        "summary": "flattery, an age probe, secrecy and a platform switch from one speaker",
        "value": ConversationRequest.model_config["json_schema_extra"]["examples"][0],  # type: ignore[index]
    },
}


# -- responses ----------------------------------------------------------------------------------
# The result types are defined once, in ``signals.results``; the responses wrap them.
class ScoreResponse(BaseModel):
    model: ModelRef
    results: list[MessageResult]


class ConversationResponse(ConversationResult):
    model: ModelRef


class CategoryInfo(BaseModel):
    name: str = Field(description="a category of the served model")
    route: Route
    threshold: float = Field(description="the threshold in use (the high-precision operating point)")
    high_precision: float
    high_recall: float
    precision_target: float = Field(description="the precision the high-precision threshold was chosen to reach "
                                                "on writers the model never saw")


class LengthOperatingPoints(BaseModel):
    max_turns: int | None = Field(description="the longest conversation (turns) these thresholds are for; "
                                              "null: no limit")
    high_precision: float = Field(description="the threshold in use for conversations of this length")
    high_recall: float


class ConversationOperatingPoints(BaseModel):
    high_precision: float = Field(description="the strictest conversation risk threshold (the one for the longest "
                                              "conversations): at most benign_flag_target of harmless held-out "
                                              "conversations flagged, in every length bucket")
    high_recall: float = Field(description="a lower threshold that reaches recall_target on held-out conversations")
    by_length: list[LengthOperatingPoints] = Field(
        default_factory=list, description="the thresholds in use per length bucket, never falling as conversations "
                                          "grow (empty for older models: high_precision at every length)")
    benign_flag_target: float
    recall_target: float
    reached: dict[str, float] = Field(description="precision, recall and harmless flag rate at the threshold in use, "
                                                  "on held-out conversations")


class ModelResponse(ModelRef):
    created: str | None = None
    operating_point: Literal["high_precision"] = "high_precision"
    precision_target: float = Field(description="the default precision target of the message thresholds; a category "
                                                "with its own has it in categories[].precision_target")
    recall_target: float
    conversation_threshold: float | None = Field(
        description="the strictest conversation threshold (for the longest chats); a conversation is flagged at the "
                    "threshold of its length: conversation_operating_points.by_length")
    conversation_operating_points: ConversationOperatingPoints | None = None
    categories: list[CategoryInfo]
    tactics: list[str] = Field(description="the tactics the model explains its scores with")
    libraries: dict[str, str] = Field(default_factory=dict, description="library versions it was trained with")
    training_data: dict[str, Any]
    metrics_headline: dict[str, Any]


class HealthResponse(BaseModel):
    status: Literal["ok"] = "ok"


class ReadyResponse(BaseModel):
    status: Literal["ready"] = "ready"
    model: ModelRef


class ErrorBody(BaseModel):
    code: ErrorCode
    message: str
    field: str | None = Field(description='where in the request, e.g. "messages[2].text"; null for the whole request')


class ErrorResponse(BaseModel):
    error: ErrorBody


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses=`` entries documenting the error envelope for these statuses."""
    return {status: {"model": ErrorResponse} for status in statuses}
