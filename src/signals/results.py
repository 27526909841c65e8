"""Result types, defined once: detectors, the scoring service, the CLI, the API schemas, Spark and
evaluation all use these classes (after presidio's ``RecognizerResult``).

- ``Span``: what a detector finds (a tactic over ``original[start:end]``, a score, an explanation);
  a light dataclass, since detectors make many of them.
- ``TacticSpan``, ``MessageResult``, ``TurnResult``, ``ConversationResult``, ``ModelRef``: what the
  service answers (pydantic models, so the API serves them as they are and the CLI and Spark write
  their JSON). ``MessageRecord`` / ``ConversationRecord`` add the model reference to each result, the
  shape of one ``signals score`` / ``signals score-conversations`` output line.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


@dataclass(frozen=True, slots=True)
class Explanation:
    """Which detector fired, on which pattern, with which base score."""

    detector: str
    pattern: str
    score: float


@dataclass(frozen=True, slots=True)
class Span:
    """A category or tactic over ``original[start:end]`` (character offsets), with a score."""

    label: str
    start: int
    end: int
    score: float
    explanation: Explanation | None = field(default=None, compare=False)

    def as_tactic(self) -> TacticSpan:
        """The wire form: ``{"tactic", "start", "end", "score"}``."""
        return TacticSpan.model_construct(tactic=self.label, start=self.start, end=self.end,
                                          score=round(self.score, 4))

    def as_dict(self) -> dict:
        return asdict(self)


class _Result(BaseModel):
    model_config = ConfigDict(frozen=True)


class ModelRef(_Result):
    """Which model answered: name, version and one sha256 over its whole directory."""

    name: str
    version: str
    sha256: str = Field(description="one hash over the model directory's sha256 manifest")


class TacticSpan(_Result):
    tactic: str = Field(description="a tactic of the model (GET /v1/model lists them)")
    start: int = Field(description="character offset into the original text")
    end: int = Field(description="character offset into the original text (exclusive)")
    score: float


CategoryScores = dict[str, float]
# Routes and conversation labels are the product's own words (``signals.taxonomy``), whatever the
# model; categories and tactics belong to the model (``GET /v1/model`` lists them), so they are strings.
RouteName = Literal["review", "support", "none"]
ConversationLabelName = Literal["grooming", "benign"]


class MessageResult(_Result):
    id: str
    flagged: bool
    labels: list[str] = Field(description="categories over their default (high-precision) threshold")
    category_scores: CategoryScores = Field(description="calibrated probability per category of the model")
    route: RouteName = Field(description="where the message goes: review, support or none")
    tactics: list[TacticSpan] = Field(description="the tactic spans that explain the scores (empty unless asked for)")


class MessageRecord(MessageResult):
    """One ``signals score`` output line: a message result with the model that produced it."""

    model: ModelRef


class TurnResult(_Result):
    index: int
    speaker: str
    category_scores: CategoryScores
    tactics: list[TacticSpan]


class ConversationResult(_Result):
    id: str
    label: ConversationLabelName
    risk: float = Field(description="calibrated probability that one speaker grooms another")
    suspect: str | None = Field(description="the speaker who drives the grooming, when the conversation is flagged")
    first_alert_turn: int | None = Field(description="the first turn at which the conversation so far is flagged")
    speaker_risk: dict[str, float] = Field(default_factory=dict, description="risk per speaker")
    turns: list[TurnResult] | None = Field(default=None, description="per-turn scores, when asked for")

class ConversationRecord(ConversationResult):
    """One ``signals score-conversations`` output line."""

    model: ModelRef


def with_model(result: MessageResult | ConversationResult, model: ModelRef) -> MessageRecord | ConversationRecord:
    """The output line for ``result``: the same fields plus ``model``."""
    if isinstance(result, MessageResult):
        return MessageRecord.model_construct(**dict(result), model=model)
    return ConversationRecord.model_construct(**dict(result), model=model)
