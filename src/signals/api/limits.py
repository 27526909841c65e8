"""Size limits from settings, checked after the body is parsed: over a limit is a 422 naming the field.

(The body size limit is a middleware, ``middleware.BodyLimitMiddleware``, since it must act before
the body is parsed.)
"""

from __future__ import annotations

from collections.abc import Sequence

from signals.api.errors import ApiError, ErrorCode
from signals.api.schemas import ConversationRequest, ScoreRequest, TurnIn
from signals.settings import Settings


def _over(field: str, what: str, count: int, limit: int) -> ApiError:
    return ApiError(422, ErrorCode.LIMIT_EXCEEDED, f"{what}: {count} is over the limit of {limit}", field)


def _check_text(text: str, field: str, settings: Settings) -> None:
    if len(text) > settings.max_text_chars:
        raise _over(field, "characters in the text", len(text), settings.max_text_chars)


def _check_turns(turns: Sequence[TurnIn], field: str, limit: int, what: str, settings: Settings) -> None:
    if len(turns) > limit:
        raise _over(field, what, len(turns), limit)
    for k, turn in enumerate(turns):
        _check_text(turn.text, f"{field}[{k}].text", settings)


def check_score_request(body: ScoreRequest, settings: Settings) -> None:
    if len(body.messages) > settings.max_batch:
        raise _over("messages", "messages in the batch", len(body.messages), settings.max_batch)
    for i, message in enumerate(body.messages):
        _check_text(message.text, f"messages[{i}].text", settings)
        _check_turns(message.context, f"messages[{i}].context", settings.max_context_turns, "context turns", settings)


def check_conversation_request(body: ConversationRequest, settings: Settings) -> None:
    _check_turns(body.turns, "turns", settings.max_turns, "turns in the conversation", settings)
