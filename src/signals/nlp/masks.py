"""Typed placeholders for handles, phone numbers, URLs, money amounts, ages and times.

The model should learn that "an amount next to a threat" matters, not which amount. Each mask is a
declarative row: placeholder word, regex over folded lowercase text. Order matters: earlier rows
win where matches overlap. Regexes avoid nested quantifiers so they stay linear on hostile input.
"""

from __future__ import annotations

import re

from signals.nlp.offsets import Edit

_NUMBER_WORDS = (
    "een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|twintig|dertig|veertig|vijftig|zestig|"
    "zeventig|tachtig|negentig|honderd|tweehonderd|driehonderd|vijfhonderd|duizend|"
    "vijfentwintig|vijfenzeventig|honderdvijftig|tweeduizend"
)
_CURRENCY = r"(?:euro'?s?|eur|dollar'?s?|usd|bucks|pond|ballen|knaken|piek|btc|bitcoin|eth|usdt|k)"

# "ik ben 14" and "ben je 14" in every register: Flemish ("kben", "'k ben", "kzen", "zijde", "ge zijt"),
# English ("i'm", "are you") and standard Dutch alike, so a Flemish or code-mixed age reads as the same
# placeholder as a standard one (each a fixed-width lookbehind).
_SAYING_AN_AGE = "(?:" + "|".join(f"(?<={p} )" for p in (
    r"\bik ben", r"\bben je", r"\bben jij", r"\bim", r"\bkben", r"'k ben", r"\bk ben", r"\bkzen", r"\bik zen",
    r"\bkzijn", r"\bi'm", r"\bi am", r"\bzijde", r"\bzedde", r"\bbende", r"\bge zijt", r"\bgij zijt",
    r"\bzijt ge", r"\bare you", r"\bare u", r"\br u")) + ")"

# "zijt ge 15 km ver", "ik ben 15 kilo kwijt"; minutes, hours and euros are taken by the masks above
_NOT_A_UNIT = r"(?!\s?(?:km|kilo|kg|cm|m|keer|x)\b)"

MASKS: tuple[tuple[str, str], ...] = (
    ("xurlx", r"\b(?:https?://|www\.)[^\s]{1,200}|\b[a-z0-9-]{1,63}\.(?:com|nl|be|net|org|me|gg|ly|io|app)(?:/[^\s]{0,200})?\b"),
    ("xemailx", r"\b[a-z0-9._%+-]{1,64}@[a-z0-9-]{1,63}(?:\.[a-z0-9-]{1,63}){1,4}\b"),
    ("xhandlex", r"(?<![\w@])@[a-z0-9_.]{2,30}"),
    ("xphonex", r"(?<![\w+])(?:\+|00)(?:31|32)[\s-]?\(?0?\)?\d(?:[\s-]?\d){7,9}(?!\d)|(?<![\w+])0(?:6[\s-]?\d(?:[\s-]?\d){7}|4\d\d[\s-]?\d(?:[\s-]?\d){5})(?!\d)"),
    ("xmoneyx", r"[€$£]\s?\d{1,7}(?:[.,]\d{1,3}){0,4}(?:\s?k\b)?|\b\d{1,7}(?:[.,]\d{1,3}){0,4}\s?(?:" + _CURRENCY + r")\b|\b(?:" + _NUMBER_WORDS + r")\s?(?:euro'?s?|eur|dollar'?s?|bucks|ballen|pond)\b"),
    # before the times: "binnen 2u", "je hebt 2 u", "nog 3h" and "24u", "48h" (no hour of the day) are a
    # time to pay in, "om 8u" and "20u30" a time of day
    ("xdurationx", (r"(?:(?<=\bbinnen )|(?<=\bbinne )|(?<=\bhebt )|(?<=\bheb )|(?<=\bhebde )|(?<=\bnog )|(?<=\bover )"
                   r"|(?<=\bin )|(?<=\bwithin )|(?<=\bin de komende ))\d{1,3}\s?(?:u|h)\b"
                   r"|\b(?:2[4-9]|[3-9]\d|\d{3})\s?(?:u|h)\b"
                   r"|(?<!\bom )\b\d{1,3}\s?(?:min|minuten|minuut|mins|sec|seconden|uur|uurtjes|hours?|hrs?|dagen|dag|days?)\b")),
    ("xtimex", (r"\b(?:[01]?\d|2[0-3])(?:[:.h]|u)[0-5]\d\b|\b(?:[01]?\d|2[0-3])\s?(?:u|h)\b|(?<=\bom )(?:[01]?\d|2[0-3]) uur\b"
               r"|\b(?:[01]?\d|2[0-3])\s?(?:am|pm)\b")),
    ("xagex", r"\b(?:1[0-9]|[2-9][0-9])\s?(?:jaar|jr|j|yo|y/o|years?)\b(?:\s?oud)?|" + _SAYING_AN_AGE + r"(?:1[0-9])\b" + _NOT_A_UNIT),
    # a whole run of digits or none: "24u" is not "2" and "4u"
    ("xnumx", r"(?<![a-z0-9])(?!06\b)\d{1,12}(?![a-z0-9])"),
)

_COMPILED = re.compile("|".join(f"(?P<{name}>{pattern})" for name, pattern in MASKS))

PLACEHOLDERS: tuple[str, ...] = tuple(name for name, _ in MASKS)


# Every mask needs one of these; most chat messages have none, and this check is cheap.
_TRIGGER = re.compile(r"[\d@€$£]|www\.|\.(?:com|nl|be|net|org|me|gg|ly|io|app)\b|euro|eur\b|dollar|bucks|ballen|pond")


def mask_edits(text: str) -> list[Edit]:
    """Edits that replace every maskable span in folded text by its placeholder word."""
    if not _TRIGGER.search(text):
        return []
    return [(m.start(), m.end(), m.lastgroup or "") for m in _COMPILED.finditer(text) if m.end() > m.start()]
