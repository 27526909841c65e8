"""Request and response bodies of the review routes (``routes_review.py``). Requests reject unknown
fields; categories are checked against the served model in ``signals.review.decisions.check``.
Responses show scores as /v1/score does (``signals.results.rounded_score``), whatever was stored:
a score a client sent with its feedback is kept as sent and shown rounded."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, RootModel, StrictStr

from signals.api.schemas import MAX_IDENTIFIER_CHARS, Identifier, MessageIn, _Request
from signals.results import TACTIC_SCORE_DIGITS, ModelRef, TacticSpan, rounded_score, rounded_scores
from signals.review.models import Decision, Item

DecisionName = Literal["confirmed", "dismissed", "escalated"]
StatusName = Literal["open", "confirmed", "dismissed", "escalated", "expired"]
NOTE_HARD_CAP = 100_000
Score = Annotated[float, Field(ge=0.0, le=1.0, strict=True)]  # the setting (review_max_note_chars) is the real limit; this bounds parsing


class ReviewItemIn(MessageIn):
    conversation_id: Identifier | None = Field(None, description="the conversation the message belongs to")


class EnqueueRequest(_Request):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [{"items": [
        {"id": "m-1", "text": "kom op snap", "conversation_id": "c-7",
         "context": [{"speaker": "u-42", "text": "hoe oud ben je eigenlijk?"}]}]}]})

    items: list[ReviewItemIn] = Field(min_length=1, description="scored on arrival; an id already stored is kept as it is")


class EnqueuedOut(BaseModel):
    id: str
    created: bool = Field(description="false when the id was already stored (nothing changed)")
    flagged: bool
    labels: list[str]
    route: str


class EnqueueResponse(BaseModel):
    model: ModelRef
    items: list[EnqueuedOut]


class ModelRefIn(_Request):
    name: StrictStr = Field(min_length=1, max_length=64)
    version: StrictStr = Field(min_length=1, max_length=64)
    sha256: StrictStr = Field(pattern=r"^[0-9a-f]{64}$")


class ScoredIn(_Request):
    labels: list[StrictStr] = Field(description="the labels /v1/score answered for the message")
    category_scores: dict[StrictStr, Score] | None = Field(None, description="the scores it answered")
    model: ModelRefIn | None = Field(None, description="the model that scored it (default: the one served now)")


class FeedbackRequest(_Request):
    model_config = ConfigDict(extra="forbid", json_schema_extra={"examples": [
        {"id": "m-1", "decision": "confirmed", "categories": ["recruitment"], "reviewer": "rev-7",
         "note": "eerste contact, leeftijd gevraagd"}]})

    id: Identifier = Field(description="an enqueued item's id, or any scored message's id together with 'scored'")
    decision: DecisionName
    categories: list[StrictStr] | None = Field(None, description=(
        "the categories that apply; default for a confirmation: the model's labels; a dismissal has none"))
    reviewer: StrictStr = Field(pattern=r"^[A-Za-z0-9._:@-]{1,64}$",
                                description="the reviewer's pseudonym (never a name or e-mail address)")
    note: StrictStr | None = Field(None, max_length=NOTE_HARD_CAP, description="deleted with the text after the retention period")
    scored: ScoredIn | None = Field(None, description="for a message that was never enqueued: what /v1/score answered")


class DecisionOut(BaseModel):
    seq: int
    reviewer: str
    decision: DecisionName
    categories: list[str]
    note: str | None
    decided_at: datetime
    model_version: str

    @classmethod
    def of(cls, entry: Decision) -> DecisionOut:
        return cls(seq=entry.seq, reviewer=entry.reviewer, decision=entry.decision,  # type: ignore[arg-type]
                   categories=list(entry.categories), note=entry.note, decided_at=entry.decided_at,
                   model_version=entry.model_version)


class FeedbackResponse(BaseModel):
    id: str
    status: StatusName
    recorded: bool = Field(description="false when this reviewer's latest decision was already exactly this one")
    decision: DecisionOut
    history_length: int


class TurnOut(BaseModel):
    speaker: str
    text: str


class ItemOut(BaseModel):
    id: str = Field(max_length=MAX_IDENTIFIER_CHARS)
    conversation_id: str | None
    status: StatusName
    text: str | None = Field(description="null once deleted or past the retention period")
    context: list[TurnOut] | None
    labels: list[str]
    category_scores: dict[str, float] | None
    route: str
    tactics: list[TacticSpan]
    risk: float
    uncertainty: float
    model: ModelRef
    enqueued_at: datetime
    decided_at: datetime | None
    history: list[DecisionOut] | None = None

    @classmethod
    def of(cls, item: Item, history: list[Decision] | None = None) -> ItemOut:
        return cls(id=item.id, conversation_id=item.conversation_id, status=item.status, text=item.text,  # type: ignore[arg-type]
                   context=[TurnOut(**turn) for turn in item.context] if item.context is not None else None,
                   labels=list(item.labels), route=item.route,
                   category_scores=rounded_scores(item.category_scores) if item.category_scores is not None else None,
                   tactics=[TacticSpan(**{**span, "score": rounded_score(span["score"], TACTIC_SCORE_DIGITS)})
                            for span in item.tactics],
                   risk=rounded_score(item.risk), uncertainty=rounded_score(item.uncertainty),
                   model=ModelRef(name=item.model_name, version=item.model_version, sha256=item.model_sha256),
                   enqueued_at=item.enqueued_at, decided_at=item.decided_at,
                   history=[DecisionOut.of(entry) for entry in history] if history is not None else None)


class QueueResponse(BaseModel):
    items: list[ItemOut]
    next_cursor: str | None = Field(description="pass as 'cursor' for the next page; null on the last page")
    counts: dict[str, int] = Field(description="enqueued items per status")


class DeleteResponse(BaseModel):
    status: Literal["deleted", "text_deleted"] = Field(description=(
        "deleted: nobody had decided, the item is gone; text_deleted: text, context and notes are gone, the decisions stay"))


class PrecisionOut(BaseModel):
    model_version: str
    category: str
    reviewed: int
    confirmed: int
    precision: float


class PrecisionListOut(RootModel[list[PrecisionOut]]):
    """The body of ``GET /v1/review/precision``: one row per model version and category."""
