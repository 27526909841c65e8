"""Who is who in a chat: the ages speakers state about themselves.

"ik ben 14", "15 m", "asl? 16 v antwerpen", "ik ben een 14-jarig meisje", "ik ben dertien", "lft: 15",
"ik zit in de brugklas", "2e middelbaar", "im 24": a
speaker's own age or school year, read from the original text (before numbers become placeholders).
Ages others are asked for, or of third people ("mijn broertje is 12"), are not self-declarations.
A reply to an age question is one: "hoe oud ben je?" → "ja 27. en jij", "14 hoezo", "bijna 15 lol";
"ben je 15?" → "ja"; "ik ben 14, en jij?" → "16 haha"; "in welke klas zit je?" → "2e".
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
    r"|^(\d{1,2}) ?(?:" + _UNIT + r" ?)?(?:oud ?)?(?:[.!]*$|[,.]? ?(?:bijna|bjna|almost)\b|[,.]? ?(?:en )?jij\?*$)"
    r"|^(?:mijn )?(?:leeftijd|lft|age) ?[:=]? ?(\d{1,2})\b"
    r"|\basl\b[^\n]{0,12}?\b(\d{1,2})\b")
_SPACES = re.compile(r"\s+")
# Standalone forms that need no question: "ik 15", "ik 14 jij?", "net 16 geworden", "15 (bijna 16)".
_SHORT_SELF_AGE = re.compile(
    r"^(?:ik|ikke|me|moi) " + _AGE + r" ?(?:" + _UNIT + r" ?)?(?:[.!?]*$|[,.]? ?(?:en )?(?:jij|jij\?|gij|u|you|hbu|wbu)\b)"
    r"|^(?:net |pas |vorige week |gisteren )?" + _AGE + r" (?:jaar )?geworden\b(?! (?:voor|op|bij|in|met)\b)"
    r"|^" + _AGE + r" ?(?:" + _UNIT + r" ?)?\((?:bijna|bjna|almost) \d{1,2}\)")
# A turn that asks the other side's age, or (group 1) proposes one: "hoe oud ben je", "asl", "ben je 15?";
# not someone else's ("hoe oud is je broer").
_ASKS_AGE = re.compile(
    r"\bhoe oud(?! (?:is|zijn|was|waren|wordt|worden|werd|zal)\b)|\bhow old (?:are|r)\b|\basl\b|\bwelk bouwjaar"
    r"|\b(?:je|jouw|uw|ur|your) (?:leeftijd|lft|age)\b|^(?:leeftijd|lft|age) ?\?"
    r"|\b(?:ben je|ben jij|bn je|zijde gij|zijde|zijt ge|zijt gij|zij gij|are you|are u|r u|ur) (?:al |pas |nog |echt |nu )?(\d{1,2})\b(?! ?(?:min|uur|u\b|euro|km|keer|%))")
_ASKS_OTHERS_AGE = re.compile(r"\bhoe oud (?:is|zijn|was|waren|wordt|worden|werd)\b|\bhow old is\b")
# A question a bare number answers without being an age: "hoeveel?" "70", "welke maat" "38", "hoe laat" "8".
_ASKS_NUMBER = re.compile(r"^(?:hoeveel|welke?|hoe laat|hoe lang|hoe ver|hoe groot|hoe vaak|wanneer|wat kost|om hoe laat)\b"
                          r"|\b(?:hoeveel|welke maat|hoe laat|wat kost|prijs|huisnummer|nummer)\b")
_BARE_NUMBER = re.compile(r"^\d{1,2} ?(?:" + _UNIT + r" ?)?(?:oud ?)?[.!]*$")
_ASKS_SCHOOL = re.compile(r"\b(?:welke klas|wat voor klas|welk jaar zit|in welk jaar|welke groep|welk leerjaar)")
_ASKS_BACK = re.compile(r"(?:^|[ ,.!?])(?:en jij|en u|en gij|and you|jij\?|hbu|wbu)\b")
# The reply itself: a number first (after a few fillers), not a guess ("15?") and not a quantity.
_AGE_REPLY = re.compile(
    r"^(?:(?:ja+|jep|jup|yes|yep|yup|klopt|idd|nee+|neen|nope|ik|ikke|bijna|net|pas|al|eh+|uh+m?|euh|ehm|haha\w*|lol|ok|oke)[,.!]? ){0,2}"
    + _AGE + _NOT_AN_AGE + r"(?! ?\?)")
_YES = re.compile(r"^(?:ja+|jep|jup|yes|yep|yup|klopt|idd|jazeker|correct|dat klopt|inderdaad)\b(?! ?(?:maar|nee)\b)")
# The other side's age, said to them: "en jij 26", "jij 24?", "je bent pas 14", "gij 31 las ik", "jij staat op 39".
_YOUR_AGE = re.compile(
    r"(?:^|[ ,.!?(])(?<!ben )(?<!bn )(?<!zijt )(?<!zijde )(?<!are )(?:jij|jj|gij|gie|you|u) (?:bent |zijt |zyt |staat op |are |r )?(?:al |pas |nog |nog maar |maar |echt |toch )?"
    + _AGE + _NOT_AN_AGE + r"(?! ?(?:jaar|jr|j)? ?(?:geleden|later|terug)\b)"
    r"|(?:^|[ ,.!?(])je bent (?:al |pas |nog |nog maar |maar |echt |toch )?" + _AGE + _NOT_AN_AGE)
_SCHOOL_REPLY = re.compile(r"^(?:ik zit in |in |de )?(?:het )?(\d)(?:e|de|ste)\b(?! ?(?:keer|plaats|prijs))")
_SCHOOL = re.compile(
    r"\b(?:ik zit in|ik zit op|zit in|zit op|ik doe|ik ga naar)\s+(?:de\s+|het\s+|groep\s+)?"
    r"(?:(\d)(?:e|de|ste)?\s*(?:klas|jaar|middelbaar|leerjaar|havo|vwo|vmbo|mavo|gym)|brugklas|basisschool|groep\s*(\d))"
    r"|\b(?:brugklas|brugpieper|(?:eerste|tweede|derde|1e|2e|3e|4e)\s*(?:middelbaar|jaar middelbaar))\b"
    r"|^\s*groep\s*([5-8])\b")


def _in_range(found: str) -> int | None:
    value = _NUMBER_WORDS[found] if found in _NUMBER_WORDS else int(found)
    return value if 8 <= value <= 80 else None


def _lowered(text: str) -> str:
    return _SPACES.sub(" ", text.lower()).strip()


def declared_age(text: str) -> int | None:
    """The age the writer states about themself in ``text`` (school years as an estimate), or None."""
    return _declared(_lowered(text))


def _declared(lowered: str) -> int | None:
    match = _SELF_AGE.search(lowered)
    if match:
        value = _in_range(next(g for g in match.groups() if g))
        if value is not None:
            return value
    short = _SHORT_SELF_AGE.search(lowered)
    if short:
        return _in_range(next(g for g in short.groups() if g))
    school = _SCHOOL.search(lowered)
    if school:
        year = next((g for g in school.groups() if g), None)
        if school.group(0).strip().startswith("groep") or school.group(2) is not None or school.group(3):
            return 11
        return 12 + (int(year) - 1 if year and year.isdigit() else 0)
    return None


REPLY_WITHIN = 3  # turns after an age question in which the others' first turn counts as the answer


def _answered(lowered: str, proposed: int | None, school: bool) -> int | None:
    """The age in a reply to an age question: a leading number ("ja 27. en jij", "14 hoezo"), a
    "yes" to a proposed age ("ben je 15?" → "ja"), or a school year after a class question."""
    if school:
        year = _SCHOOL_REPLY.search(lowered)
        return 11 + int(year.group(1)) if year and 1 <= int(year.group(1)) <= 6 else None
    reply = _AGE_REPLY.search(lowered)
    if reply:
        return _in_range(reply.group(1))
    if proposed is not None and _YES.search(lowered):
        return proposed if 8 <= proposed <= 80 else None
    return None


def speaker_ages(texts: Sequence[str], speakers: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Per speaker, the (turn index, age) of every self-declaration, in order: stated outright, or
    given as the first answer to another speaker's age question within ``REPLY_WITHIN`` turns. In a
    chat of two, a speaker who never states an age takes the ages the other tells them ("en jij 26")."""
    out: dict[str, list[tuple[int, int]]] = {}
    said_to: dict[str, list[tuple[int, int]]] = {}  # in a chat of two, ages each was told by the other
    names = list(dict.fromkeys(speakers))
    question: tuple[int, str, int | None, bool] | None = None  # (turn, asker, proposed age, school)
    other_question: tuple[int, str] | None = None  # (turn, asker) of a question a number answers that is no age
    replied: set[str] = set()
    for index, (text, speaker) in enumerate(zip(texts, speakers)):
        lowered = _lowered(text)
        age = _declared(lowered)
        if age is not None and other_question is not None and speaker != other_question[1] \
                and index - other_question[0] <= REPLY_WITHIN and _BARE_NUMBER.match(lowered):
            age = None  # "hoe oud is je broer?" "17", "hoeveel?" "70": a number, not the writer's age
        if age is None and question is not None and speaker != question[1] and speaker not in replied \
                and index - question[0] <= REPLY_WITHIN:
            age = _answered(lowered, question[2], question[3])
        if age is not None:
            out.setdefault(speaker, []).append((index, age))
        told = _told(lowered) if len(names) == 2 else None
        if told is not None:
            said_to.setdefault(names[1] if speaker == names[0] else names[0], []).append((index, told))
        if question is not None:
            replied.add(speaker)
        asked = _asked(lowered, age)
        if asked is not None:
            question, replied = (index, speaker, *asked), set()
        elif _ASKS_OTHERS_AGE.search(lowered) or _ASKS_NUMBER.search(lowered):
            other_question = (index, speaker)
    for speaker, pairs in said_to.items():  # what a speaker says of themself comes first
        if speaker not in out:
            out[speaker] = pairs
    return out


def told_age(text: str) -> int | None:
    """The age a writer tells the person they write to: "en jij 26", "je bent pas 14"."""
    return _told(_lowered(text))


def _told(lowered: str) -> int | None:
    told = _YOUR_AGE.search(lowered)
    return _in_range(next(g for g in told.groups() if g)) if told else None


def _asked(lowered: str, own_age: int | None) -> tuple[int | None, bool] | None:
    """(proposed age, about school) when the turn asks the others' age or class, else None; "en jij?"
    asks back only after the writer's own age."""
    asks = _ASKS_AGE.search(lowered)
    if asks:
        return (int(asks.group(1)) if asks.group(1) else None), False
    if _ASKS_SCHOOL.search(lowered):
        return None, True
    if own_age is not None and _ASKS_BACK.search(lowered):
        return None, False
    return None


def age_relation(ages: dict[str, list[tuple[int, int]]], speaker: str, n_turns: int) -> np.ndarray:
    """Per turn (prefix), for ``speaker``: [adult speaking with a declared minor, minors of about
    one age (at most 3 years apart) with each other, speaker declared a minor age, adults with each
    other]; each 0/1, known from the declaration on."""
    out = np.zeros((n_turns, 4), np.float32)
    own = ages.get(speaker, [])
    others = [(t, a) for name, pairs in ages.items() if name != speaker for t, a in pairs]
    for t_own, age_own in own:
        for t_other, age_other in others:
            since = max(t_own, t_other)
            if age_own >= ADULT and age_other < ADULT:
                out[since:, 0] = 1
            elif age_own >= ADULT and age_other >= ADULT:
                out[since:, 3] = 1
            elif age_own < ADULT and age_other < ADULT and abs(age_own - age_other) <= 3:
                out[since:, 1] = 1
        if age_own < ADULT:
            out[t_own:, 2] = 1
    return out
