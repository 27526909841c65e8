"""Content-rule guard: generated text must never contain explicit words (TAXONOMY.md content rules).

Templates are written to the rules; this guard catches what noise could create by accident (a typo
turning "pick" into a blocked word, say). Generators retry when :func:`is_clean` is false.
"""

from __future__ import annotations

import re

BLOCKED = (
    "seks", "sex", "sexy", "seksueel", "neuken", "neukt", "pijpen", "beffen", "borsten", "tieten", "tiet",
    "kont", "billen", "lul", "pik", "penis", "vagina", "kut", "geil", "geile", "orgasme", "porno", "porn",
    "naakt", "uitkleden", "ondergoed", "lingerie", "bh", "onderbroek", "slipje", "lichaam", "condoom",
    "klaarkomen", "masturberen", "aftrekken", "hoer", "hoeren", "slet", "sletje", "bitch", "horny", "dick",
    "boobs", "tits", "ass", "pussy", "cum", "xxx", "onlyfans", "akka", "chachi", "blowjob",
)
_RE = re.compile(r"\b(" + "|".join(map(re.escape, BLOCKED)) + r")\b")
_UNLEET = str.maketrans({"0": "o", "3": "e", "4": "a", "1": "i", "5": "s", "7": "t", "@": "a", "$": "s", "*": "e"})
_SPACED = re.compile(r"\b(?:\w[ ._\-]){2,}\w\b")


def normalise(text: str) -> str:
    t = text.lower().translate(_UNLEET)
    return _SPACED.sub(lambda m: re.sub(r"[ ._\-]", "", m.group(0)), t)


def is_clean(text: str) -> bool:
    return not _RE.search(normalise(text))
