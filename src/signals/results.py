"""Result types, defined once: detectors, the scoring service, the CLI, the API schemas, Spark and
evaluation all use these classes (after presidio's ``RecognizerResult``).

- ``Span``: what a detector finds (a tactic over ``original[start:end]``, a score, an explanation);
  a light dataclass, since detectors make many of them.
- ``TacticSpan``, ``MessageResult``, ``TurnResult``, ``ConversationResult``, ``ModelRef``: what the
  service answers (pydantic models, so the API serves them as they are and the CLI and Spark write
  their JSON). ``MessageRecord`` / ``ConversationRecord`` add the model reference to each result, the
  shape of one ``signals score`` / ``signals score-conversations`` output line.

Scores go out rounded (``SCORE_DIGITS`` decimals, a tactic's ``TACTIC_SCORE_DIGITS``) and written by
pydantic, so a small one reads ``0.000068``, never ``6.8123456789e-05``; ``rounded_score`` and
``rounded_scores`` round what a front shows that did not come from the service as it is (the review
routes: scores stored as a client sent them).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

SCORE_DIGITS = 6          # category scores, risks: the decimals every front shows
TACTIC_SCORE_DIGITS = 4   # a tactic span's score


def rounded_score(score: float, digits: int = SCORE_DIGITS) -> float:
    """A score as results show it: ``digits`` decimals (``6.8123456789e-05`` becomes ``6.8e-05``,
    which pydantic writes as ``0.000068``)."""
    return round(float(score), digits)


def rounded_scores(scores: Mapping[str, float]) -> dict[str, float]:
    """Scores per category (or per speaker), each as ``rounded_score`` shows it."""
    return {name: rounded_score(score) for name, score in scores.items()}


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
                                          score=rounded_score(self.score, TACTIC_SCORE_DIGITS))

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
