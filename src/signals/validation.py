"""What a record must hold to be scored, in one place for every front that takes records: the HTTP
API's request schemas (``signals.api.schemas``) and the command line's JSONL records
(``signals.jsonl``: ``signals score``, ``score-conversations`` and ``evaluate``). Each front only
words the problem its own way: a 422 envelope naming the field, or an ``E100`` line naming the line.

- An id or a speaker is a string of 1 to ``MAX_IDENTIFIER_CHARS`` characters or an integer (not a
  bool), handed on as a string. A string of spaces is an id like any other.
- A message text to score is not empty or whitespace only (``str.strip``: Unicode spaces count,
  zero-width characters do not). A turn's text (a context turn, a conversation turn) may be empty:
  a media-only turn.
"""

from __future__ import annotations

MAX_IDENTIFIER_CHARS = 256


def identifier_problem(value: object) -> str | None:
    """Why ``value`` cannot be an id or a speaker (``"must ..."``), or None when it can."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        return "must be a string or an integer"
    text = str(value)
    if text == "":
        return "must not be empty"
    if len(text) > MAX_IDENTIFIER_CHARS:
        return f"must be at most {MAX_IDENTIFIER_CHARS} characters"
    return None


def is_blank(text: str) -> bool:
    """A message text with nothing to score: empty or whitespace only."""
    return not text.strip()
