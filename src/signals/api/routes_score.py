"""POST /v1/score and POST /v1/conversations/score: validate, check limits, call the service once.

Scoring is CPU-bound: it runs in a worker thread (``ModelState.run``) so the event loop keeps
serving; the whole batch goes to the service in one call (one ``nlp.pipe`` batch).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Depends, Request

from signals.api.deps import MetricsDep, ModelStateDep, ServiceDep, SettingsDep, require_json
from signals.api.limits import check_conversation_request, check_score_request
from signals.api.schemas import (
    CONVERSATION_EXAMPLES,
    SCORE_EXAMPLES,
    ConversationRequest,
    ConversationResponse,
    ScoreRequest,
    ScoreResponse,
    error_responses,
)
from signals.service import Conversation, Message, Turn

router = APIRouter(tags=["scoring"], dependencies=[Depends(require_json)],
                   responses=error_responses(400, 401, 413, 415, 422, 503))


def _turns(turns) -> tuple[Turn, ...]:
    return tuple(Turn(t.speaker, t.text) for t in turns)


@router.post("/score", response_model=ScoreResponse, summary="Score a batch of messages")
async def score_messages(
    request: Request,
    body: Annotated[ScoreRequest, Body(openapi_examples=SCORE_EXAMPLES)],
    settings: SettingsDep, state: ModelStateDep, service: ServiceDep, metrics: MetricsDep,
) -> ScoreResponse:
    """One result per message, in request order: calibrated category scores, the categories over
    their threshold (`labels`), the `route` (review, support or none) and, with `explain`, the
    tactic spans (character offsets into the message text)."""
    check_score_request(body, settings)
    request.state.messages = len(body.messages)
    messages = [Message(m.id, m.text, _turns(m.context)) for m in body.messages]
    results = await state.run(service.score_messages, messages, explain=body.explain)
    metrics.observe_messages(results)
    return ScoreResponse.model_construct(model=service.info.ref, results=results)


@router.post("/conversations/score", response_model=ConversationResponse, summary="Score one conversation")
async def score_conversation(
    request: Request,
    body: Annotated[ConversationRequest, Body(openapi_examples=CONVERSATION_EXAMPLES)],
    settings: SettingsDep, state: ModelStateDep, service: ServiceDep, metrics: MetricsDep,
) -> ConversationResponse:
    """The conversation's `label`, `risk`, `suspect` (the speaker who drives it) and
    `first_alert_turn`, plus per-turn category scores and tactic spans."""
    check_conversation_request(body, settings)
    request.state.messages = len(body.turns)
    conversation = Conversation(body.id, _turns(body.turns))
    [result] = await state.run(service.score_conversations, [conversation], per_turn=True)
    metrics.observe_conversation(result)
    return ConversationResponse.model_construct(model=service.info.ref, **dict(result))
