"""JSON responses for the API: echo-safe, and serialised straight from the result models.

Ids and speakers are echoed back. A lone surrogate such as ``"\\ud800"`` is valid as a JSON escape
but not as UTF-8, so where a string cannot be encoded every non-ASCII character is escaped instead:
the value goes back exactly as it was sent, never as a 500.
"""

from __future__ import annotations

import json
from typing import Any

from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel
from pydantic_core import PydanticSerializationError


class EchoSafeJSONResponse(JSONResponse):
    """JSON as UTF-8, or ASCII with escapes where a string that came in cannot be encoded."""

    def render(self, content: Any) -> bytes:
        try:
            return super().render(content)
        except UnicodeEncodeError:
            return json.dumps(content, ensure_ascii=True, allow_nan=False, indent=None,
                              separators=(",", ":")).encode("ascii")


def model_response(model: BaseModel) -> Response:
    """A result model as a JSON response, serialised by pydantic in one step (the route's
    ``response_model`` still documents it; FastAPI does not validate it a second time)."""
    try:
        body = model.model_dump_json().encode("utf-8")
    except (UnicodeEncodeError, PydanticSerializationError):
        body = json.dumps(model.model_dump(), ensure_ascii=True, separators=(",", ":")).encode("ascii")
    return Response(body, media_type="application/json")
