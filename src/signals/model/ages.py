"""Who is who in a chat: the ages speakers state about themselves.

"ik ben 14", "15 m", "asl? 16 v antwerpen", "ik ben een 14-jarig meisje", "ik ben dertien", "lft: 15",
"ik zit in de brugklas", "2e middelbaar", "im 24": a
speaker's own age or school year, read from the original text (before numbers become placeholders).
Ages others are asked for, or of third people ("mijn broertje is 12"), are not self-declarations.
Adults talking with adults and peers with peers are not grooming; an adult steering a minor may be.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

ADULT = 18

# Texts are matched with every run of whitespace collapsed to one space, and no two quantifiers in
# a row can match the same characters: the patterns stay linear on hostile input.
_MONTHS = r"(?:jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|juni?|juli?|aug(?:ustus)?|sept?(?:ember)?|okt(?:ober)?|oct|nov(?:ember)?|dec(?:ember)?)"
_NOT_AN_AGE = (r"(?! ?(?:min|minuten|minuutjes|mins|uur|u\b|euro|eur|km|keer|sec|dagen|weken|maanden|%|x\b"
               r"|over\b|voor\b|" + _MONTHS + r"\b))")
_NUMBER_WORDS = {"tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
                 "zeventien": 17, "achttien": 18, "negentien": 19, "twintig": 20, "dertig": 30, "veertig": 40,
                 "vijftig": 50}
_AGE = r"(\d{1,2}|" + "|".join(_NUMBER_WORDS) + r")(?![\d\w])"
_I_AM = r"(?:ik ben|ik bn|k ben|kben|'k ben|kzen|'k zen|ik zen|ben|bn|ik word|i'?m|i am)"
_UNIT = r"(?:jaar|jr|j|yo|y/o)"
_SELF_AGE = re.compile(
    r"(?:^|[ ,.!?(])" + _I_AM + r" (?:(?:al|pas|net|maar|nog maar|bijna) )?" + _AGE + _NOT_AN_AGE
    + r"|(?:^|[ ,.!?(])" + _I_AM + r" (?:een|ne|nen|a) (?:(\d{1,2})[- ]?jarige?\b"
    r"|(?:jongen|meisje|gast|meid|boy|girl|man|vrouw) van (\d{1,2})\b)"
    r"|(?:^| )(\d{1,2}) ?(?:" + _UNIT + r" ?)?(?:oud ?)?(?:[/,] ?)?(?:m|v|f|jongen|meisje|boy|girl)\b"
    r"|^(?:m|v|f) ?(?:[/,] ?)?(\d{1,2})\b" + _NOT_AN_AGE
    + r"|^(\d{1,2})[- ]?jarige?(?: (?:hier|meisje|jongen|girl|boy))?[.!?]*$"
    r"|^(\d{1,2}) ?(?:" + _UNIT + r" ?)?(?:oud ?)?(?:[.!?]*$|[,.]? ?(?:bijna|bjna|almost)\b|[,.]? ?(?:en )?jij\?*$)"
    r"|^(?:mijn )?(?:leeftijd|lft|age) ?[:=]? ?(\d{1,2})\b"
    r"|\basl\b[^\n]{0,12}?\b(\d{1,2})\b")
_SPACES = re.compile(r"\s+")
_SCHOOL = re.compile(
    r"\b(?:ik zit in|ik zit op|zit in|zit op|ik doe|ik ga naar)\s+(?:de\s+|het\s+|groep\s+)?"
    r"(?:(\d)(?:e|de|ste)?\s*(?:klas|jaar|middelbaar|leerjaar|havo|vwo|vmbo|mavo|gym)|brugklas|basisschool|groep\s*(\d))"
    r"|\b(?:brugklas|brugpieper|(?:eerste|tweede|derde|1e|2e|3e|4e)\s*(?:middelbaar|jaar middelbaar))\b"
    r"|^\s*groep\s*([5-8])\b")


def declared_age(text: str) -> int | None:
    """The age the writer states about themself in ``text`` (school years as an estimate), or None."""
    lowered = _SPACES.sub(" ", text.lower()).strip()
    match = _SELF_AGE.search(lowered)
    if match:
        found = next(g for g in match.groups() if g)
        value = _NUMBER_WORDS[found] if found in _NUMBER_WORDS else int(found)
        if 8 <= value <= 80:
            return value
    school = _SCHOOL.search(lowered)
    if school:
        year = next((g for g in school.groups() if g), None)
        if school.group(0).strip().startswith("groep") or school.group(2) is not None or school.group(3):
            return 11
        return 12 + (int(year) - 1 if year and year.isdigit() else 0)
    return None


def speaker_ages(texts: Sequence[str], speakers: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Per speaker, the (turn index, age) of every self-declaration, in order."""
    out: dict[str, list[tuple[int, int]]] = {}
    for index, (text, speaker) in enumerate(zip(texts, speakers)):
        age = declared_age(text)
        if age is not None:
            out.setdefault(speaker, []).append((index, age))
    return out


def age_relation(ages: dict[str, list[tuple[int, int]]], speaker: str, n_turns: int) -> np.ndarray:
    """Per turn (prefix), for ``speaker``: [adult speaking with a declared minor, peers or adults
    with each other, speaker declared a minor age]; each 0/1, known from the declaration on."""
    out = np.zeros((n_turns, 3), np.float32)
    own = ages.get(speaker, [])
    others = [(t, a) for name, pairs in ages.items() if name != speaker for t, a in pairs]
    for t_own, age_own in own:
        for t_other, age_other in others:
            since = max(t_own, t_other)
            if age_own >= ADULT and age_other < ADULT:
                out[since:, 0] = 1
            elif (age_own >= ADULT and age_other >= ADULT) or (age_own < ADULT and age_other < ADULT
                                                                and abs(age_own - age_other) <= 3):
                out[since:, 1] = 1
        if age_own < ADULT:
            out[t_own:, 2] = 1
    return out
