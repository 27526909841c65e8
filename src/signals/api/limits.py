"""Size limits from settings, checked after the body is parsed: over a limit is a 422 naming the field.

Texts are measured as sent and after NFKC normalisation (``signals.sizes.text_size``), since NFKC
can expand a short text many times and the scoring works on the expanded one. The checks return
each message's size, which the scheduler uses to cut a request into chunks.

(The body size limit is a middleware, ``body.BodyLimitMiddleware``, since it must act before the
body is parsed.)
"""

from __future__ import annotations

from collections.abc import Sequence

from signals.api.errors import ApiError, ErrorCode
from signals.api.schemas import ConversationRequest, ScoreRequest, TurnIn
from signals.settings import Settings
from signals.sizes import text_size


def _over(field: str, what: str, count: int, limit: int) -> ApiError:
    return ApiError(422, ErrorCode.LIMIT_EXCEEDED, f"{what}: {count} is over the limit of {limit}", field)


def _check_text(text: str, field: str, settings: Settings) -> int:
    size = text_size(text, settings.max_text_chars)
    if size > settings.max_text_chars:
        raise _over(field, "characters in the text (as sent or after NFKC normalisation)", size,
                    settings.max_text_chars)
    return size


def _check_turns(turns: Sequence[TurnIn], field: str, limit: int, what: str, settings: Settings) -> int:
    if len(turns) > limit:
        raise _over(field, what, len(turns), limit)
    return sum(_check_text(turn.text, f"{field}[{k}].text", settings) for k, turn in enumerate(turns))


def check_score_request(body: ScoreRequest, settings: Settings) -> list[int]:
    """Every limit of a score request; returns each message's size (its text and context turns)."""
    if len(body.messages) > settings.max_batch:
        raise _over("messages", "messages in the batch", len(body.messages), settings.max_batch)
    return [_check_text(message.text, f"messages[{i}].text", settings)
            + _check_turns(message.context, f"messages[{i}].context", settings.max_context_turns, "context turns",
                           settings)
            for i, message in enumerate(body.messages)]


def check_conversation_request(body: ConversationRequest, settings: Settings) -> int:
    """Every limit of a conversation request; returns the conversation's size."""
    return _check_turns(body.turns, "turns", settings.max_turns, "turns in the conversation", settings)
