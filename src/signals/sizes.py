"""How long a text is for the limits: the larger of its length as sent and after NFKC normalisation.

NFKC can expand a text many times (``U+FDFA`` becomes 18 characters), and the normaliser and
spaCy work on the expanded text, so a limit on the characters as sent alone would let a short
request cost as much as a long one. Counting stays cheap: ASCII and already-normalised text is
never copied, and a text already over the limit as sent is not normalised at all.
"""

from __future__ import annotations

import unicodedata


def normalized_chars(text: str) -> int:
    """``len(unicodedata.normalize("NFKC", text))`` without normalising when nothing would change."""
    if text.isascii() or unicodedata.is_normalized("NFKC", text):
        return len(text)
    return len(unicodedata.normalize("NFKC", text))


def text_size(text: str, limit: int) -> int:
    """The text's size for ``limit``: ``len(text)`` when that is already over the limit (no need to
    normalise a text that is refused anyway), else the larger of that and the NFKC length."""
    if len(text) > limit:
        return len(text)
    return max(len(text), normalized_chars(text))
