"""POST /v1/score and POST /v1/conversations/score: validate, check limits, score fairly.

Scoring is CPU-bound: a big batch runs in worker threads (``ModelState.run``) so the event loop
keeps serving, in chunks within the request's time budget (``scheduling.FairScheduler``), so that it
never holds up a small request for longer than one chunk; small requests are scored in micro-batches,
the smallest by the loop itself (a few milliseconds each, see ``scheduling``).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Request, Response

from signals.api.deps import API_KEY_SECURITY, ScoringDep
from signals.api.errors import refuse_query
from signals.api.limits import check_conversation_request, check_score_request
from signals.api.responses import model_response
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

router = APIRouter(tags=["scoring"], responses=error_responses(400, 401, 408, 413, 415, 422, 503))


def _turns(turns) -> tuple[Turn, ...]:
    return tuple(Turn(t.speaker, t.text) for t in turns)


@router.post("/score", response_model=ScoreResponse, summary="Score a batch of messages", openapi_extra=API_KEY_SECURITY)
async def score_messages(
    request: Request,
    body: Annotated[ScoreRequest, Body(openapi_examples=SCORE_EXAMPLES)],
    scoring: ScoringDep,
) -> Response:
    """One result per message, in request order: calibrated category scores, the categories over
    their threshold (`labels`), the `route` (review, support or none) and, with `explain`, the
    tactic spans (character offsets into the message text)."""
    refuse_query(request.scope)
    costs = check_score_request(body, scoring.settings)
    request.state.messages = len(body.messages)
    messages = [Message(m.id, m.text, _turns(m.context)) for m in body.messages]
    budget = scoring.scheduler.budget(getattr(request.state, "started", None))
    results = await scoring.scheduler.score_messages(scoring.service, messages, costs, body.explain, budget)
    scoring.metrics.observe_messages(results)
    return model_response(ScoreResponse.model_construct(model=scoring.service.info.ref, results=results))


@router.post("/conversations/score", response_model=ConversationResponse, summary="Score one conversation",
             openapi_extra=API_KEY_SECURITY)
async def score_conversation(
    request: Request,
    body: Annotated[ConversationRequest, Body(openapi_examples=CONVERSATION_EXAMPLES)],
    scoring: ScoringDep,
) -> Response:
    """The conversation's `label`, `risk`, `suspect` (the speaker who drives it) and
    `first_alert_turn`, plus per-turn category scores and tactic spans."""
    refuse_query(request.scope)
    cost = check_conversation_request(body, scoring.settings)
    request.state.messages = len(body.turns)
    conversation = Conversation(body.id, _turns(body.turns))
    budget = scoring.scheduler.budget(getattr(request.state, "started", None))
    result = await scoring.scheduler.score_conversation(scoring.service, conversation, cost, budget)
    scoring.metrics.observe_conversation(result)
    return model_response(ConversationResponse.model_construct(model=scoring.service.info.ref, **dict(result)))
