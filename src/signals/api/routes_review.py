"""The review loop's JSON routes (issue 13):

- ``POST /v1/review/items`` (scoring key): enqueue a batch; scored on arrival; idempotent by id.
- ``GET /v1/review/items`` (reviewer key): the queue, highest risk and uncertainty first, by pages.
- ``GET /v1/review/items/{item_id}`` (reviewer key): one item with its decision history.
- ``DELETE /v1/review/items/{item_id}`` (scoring key): delete its text and context now.
- ``POST /v1/feedback`` (scoring or reviewer key): a decision; idempotent; changes keep history.
- ``GET /v1/review/precision`` (reviewer key): live precision per category and model version.

Only the queue takes query parameters (``QUEUE_QUERY``); any other is refused with 422 and field
``query.<name>``, as on /v1/score (``refuse_query``): ``POST /v1/feedback?dry_run=true`` recorded the
decision. Database work runs in worker threads; scoring in the scoring threads (``ModelState.run``).
Answers are written as /v1/score's are (``model_response``, scores rounded in ``review_schemas``):
``0.000068``, not ``6.8e-05`` or ``6.8123456789e-05``.
"""

from __future__ import annotations

from functools import partial
from typing import Annotated, Any

import anyio.to_thread
from fastapi import APIRouter, Depends, Query, Request, Response

from signals.api.deps import ModelStateDep, ServiceDep, SettingsDep, require_json
from signals.api.errors import ApiError, ErrorCode, refuse_query
from signals.api.responses import model_response
from signals.api.review_deps import (
    ReviewDep,
    StoreDep,
    known_categories,
    require_reviewer,
    require_scoring_key,
    require_scoring_or_reviewer,
    served_thresholds,
)
from signals.api.review_schemas import (
    DecisionOut,
    DeleteResponse,
    EnqueuedOut,
    EnqueueRequest,
    EnqueueResponse,
    FeedbackRequest,
    FeedbackResponse,
    ItemOut,
    PrecisionListOut,
    PrecisionOut,
    QueueResponse,
    StatusName,
)
from signals.api.schemas import error_responses
from signals.results import ModelRef, rounded_score
from signals.review import decisions
from signals.review.decisions import DecisionIn, Scored
from signals.review.errors import ReviewError
from signals.review.priority import decode_cursor
from signals.review.store import NewItem
from signals.service import Message, Turn
from signals.settings import Settings
from signals.sizes import text_size

router = APIRouter(tags=["review"], responses=error_responses(400, 401, 403, 413, 415, 422, 503))
QUEUE_QUERY = ("status", "category", "limit", "cursor")  # the query parameters of GET /v1/review/items


async def in_thread(func: Any, *args: Any, **kwargs: Any) -> Any:
    return await anyio.to_thread.run_sync(partial(func, *args, **kwargs))


def check_enqueue(body: EnqueueRequest, settings: Settings) -> None:
    def over(field: str, what: str, count: int, limit: int) -> ApiError:
        return ApiError(422, ErrorCode.LIMIT_EXCEEDED, f"{what}: {count} is over the limit of {limit}", field)

    if len(body.items) > settings.max_batch:
        raise over("items", "items in the batch", len(body.items), settings.max_batch)
    limit = settings.max_text_chars
    for i, item in enumerate(body.items):
        if (size := text_size(item.text, limit)) > limit:   # as /v1/score counts: as sent or after NFKC
            raise over(f"items[{i}].text", "characters in the text", size, limit)
        if len(item.context) > settings.max_context_turns:
            raise over(f"items[{i}].context", "context turns", len(item.context), settings.max_context_turns)
        for k, turn in enumerate(item.context):
            if (size := text_size(turn.text, limit)) > limit:
                raise over(f"items[{i}].context[{k}].text", "characters in the text", size, limit)


@router.post("/review/items", response_model=EnqueueResponse, summary="Enqueue items for review",
             dependencies=[Depends(require_scoring_key), Depends(require_json)])
async def enqueue(request: Request, body: EnqueueRequest, settings: SettingsDep, state: ModelStateDep,
                  service: ServiceDep, store: StoreDep, review: ReviewDep) -> Response:
    """Score each item on arrival and store it with its text, context and scores for review. An id
    that is already stored is left exactly as it is (`created: false`): enqueueing is idempotent."""
    refuse_query(request.scope)
    check_enqueue(body, settings)
    request.state.messages = len(body.items)
    first: dict[str, int] = {}
    for i, item in enumerate(body.items):
        first.setdefault(item.id, i)
    unique = [body.items[i] for i in sorted(first.values())]
    messages = [Message(m.id, m.text, tuple(Turn(t.speaker, t.text) for t in m.context)) for m in unique]
    results = await state.run(service.score_messages, messages, explain=True)
    created = await in_thread(store.enqueue, [NewItem(m, u.conversation_id) for m, u in zip(messages, unique)],
                              results, service.info.ref, dict(service.thresholds))
    review.metrics.enqueued.inc(sum(created))
    by_id = {r.id: (r, c) for r, c in zip(results, created)}
    # an id stored before is left as it was: the answer reports what is stored, not the new scores
    again = [r.id for r, c in zip(results, created) if not c]
    stored = await in_thread(lambda: {item_id: store.get(item_id) for item_id in again}) if again else {}
    out = []
    for i, item in enumerate(body.items):
        result, was_created = by_id[item.id]
        kept = stored.get(item.id)
        flagged, labels, route = ((kept.flagged, list(kept.labels), kept.route) if kept is not None
                                  else (result.flagged, list(result.labels), result.route))
        out.append(EnqueuedOut(id=item.id, created=was_created and first[item.id] == i, flagged=flagged,
                               labels=labels, route=route))
    await in_thread(review.refresh)
    return model_response(EnqueueResponse(model=service.info.ref, items=out))


@router.get("/review/items", response_model=QueueResponse, summary="The review queue",
            dependencies=[Depends(require_reviewer)])
async def queue(request: Request, settings: SettingsDep, store: StoreDep, status: StatusName = "open",
                category: Annotated[str | None, Query(max_length=64)] = None,
                limit: Annotated[int | None, Query(ge=1, le=500)] = None,
                cursor: Annotated[str | None, Query(max_length=2048)] = None) -> Response:
    """Enqueued items with this status (default `open`), highest risk first and, within a risk
    band, the ones closest to a threshold first; `category` keeps the items the model flagged for it."""
    refuse_query(request.scope, QUEUE_QUERY, body=False)
    if category is not None and "\x00" not in category and category not in known_categories(request):
        # as /v1/feedback refuses it: a misspelt category is an error, not an empty queue
        raise ApiError(422, ErrorCode.VALIDATION_ERROR, f"unknown category {category[:64]!r}; the model's categories are "
                       + ", ".join(known_categories(request)), "category")
    if cursor is not None:
        try:
            decode_cursor(cursor)
        except ReviewError as error:
            raise ApiError(422, ErrorCode.VALIDATION_ERROR, error.message, "query.cursor") from None
    page = await in_thread(store.queue, status, category, limit or settings.review_page_size, cursor)
    counts = await in_thread(store.counts)
    return model_response(QueueResponse(items=[ItemOut.of(item) for item in page.items],
                                        next_cursor=page.next_cursor, counts=counts))


@router.get("/review/items/{item_id}", response_model=ItemOut, summary="One item with its decision history",
            dependencies=[Depends(require_reviewer)], responses=error_responses(404))
async def item(request: Request, item_id: str, store: StoreDep) -> Response:
    refuse_query(request.scope, body=False)
    found = await in_thread(store.get, item_id)
    if found is None:
        raise ApiError(404, ErrorCode.NOT_FOUND, "no review item with this id", "item_id")
    return model_response(ItemOut.of(found, await in_thread(decisions.history, store, item_id)))


@router.delete("/review/items/{item_id}", response_model=DeleteResponse, summary="Delete an item's text now",
               dependencies=[Depends(require_scoring_key)], responses=error_responses(404))
async def delete_item(request: Request, item_id: str, store: StoreDep, review: ReviewDep) -> Response:
    """Delete the item's text, context and notes at once. An item nobody decided on is removed
    entirely; the decisions on a decided one stay (they hold no text)."""
    refuse_query(request.scope, body=False)
    outcome = await in_thread(store.delete, item_id)
    await in_thread(review.refresh)
    return model_response(DeleteResponse(status=outcome))


@router.post("/feedback", response_model=FeedbackResponse, summary="Record a reviewer decision",
             dependencies=[Depends(require_scoring_or_reviewer), Depends(require_json)], responses=error_responses(404))
async def feedback(request: Request, body: FeedbackRequest, settings: SettingsDep, store: StoreDep,
                   review: ReviewDep) -> Response:
    """A decision on an enqueued item, or on any message scored by /v1/score (send what it
    answered in `scored`; the decision is stored without text). Posting the same decision again
    records nothing new (`recorded: false`); a changed one is added to the item's history."""
    refuse_query(request.scope)
    scored = None
    if body.scored is not None:
        service = request.app.state.model.service
        model = (ModelRef(**body.scored.model.model_dump()) if body.scored.model is not None
                 else service.info.ref if service is not None else None)
        if model is None:
            raise ApiError(422, ErrorCode.VALIDATION_ERROR, "no model is served: name the model that scored it",
                           "scored.model")
        scored = Scored(tuple(body.scored.labels), model, body.scored.category_scores)
    d = DecisionIn(item_id=body.id, decision=body.decision, reviewer=body.reviewer,
                   categories=tuple(body.categories) if body.categories is not None else None,
                   note=body.note, scored=scored)
    outcome = await in_thread(decisions.decide, store, d, known_categories(request), served_thresholds(request),
                              settings.review_max_note_chars)
    if outcome.recorded:
        review.metrics.decisions.labels(body.decision).inc()
        await in_thread(review.refresh)
    return model_response(FeedbackResponse(
        id=outcome.item_id, status=outcome.status, recorded=outcome.recorded,  # type: ignore[arg-type]
        decision=DecisionOut.of(outcome.entry), history_length=outcome.history_length))


@router.get("/review/precision", response_model=list[PrecisionOut], summary="Live precision",
            dependencies=[Depends(require_reviewer)])
async def live_precision(request: Request, store: StoreDep) -> Response:
    refuse_query(request.scope, body=False)
    rows = await in_thread(decisions.precision, store)
    return model_response(PrecisionListOut([
        PrecisionOut(model_version=r.model_version, category=r.category, reviewed=r.reviewed,
                     confirmed=r.confirmed, precision=rounded_score(r.precision)) for r in rows]))
