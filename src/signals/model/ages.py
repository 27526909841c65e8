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
from collections import deque
from collections.abc import Callable, Sequence

import numpy as np

ADULT = 18

# Texts are matched with every run of whitespace collapsed to one space, and no two quantifiers in
# a row can match the same characters: the patterns stay linear on hostile input.
_MONTHS = r"(?:jan(?:uari)?|feb(?:ruari)?|maart|mrt|apr(?:il)?|mei|juni?|juli?|aug(?:ustus)?|sept?(?:ember)?|okt(?:ober)?|oct|nov(?:ember)?|dec(?:ember)?)"
# "12 jaar getrouwd", "al 10 jaar docent", "12 jaar geleden": after "jaar" only a few words keep it an age.
_AGE_GOES_ON = (r"(?:oud|jong|en|dus|hoor|maar|bijna|bjna|nog|pas|ja|toch|lol|haha\w*|xd|jij|gij|you|btw|trouwens"
                r"|hoe|wat|wbu|hbu|ok|oke|ik|uit|m|v|f|jongen|meisje|man|vrouw|hier|geworden|nu|sinds|en jij)\b")
# What follows a number that is no age: a time ("17.30", "14:00"), a unit, a span, a weight, a month,
# a clock time after "ik ben" ("ik ben 10 thuis"), years of something else.
_NOT_AN_AGE = (r"(?![.:,/-]\d)(?! ?(?:geweest|min|minuten|minuutjes|mins|uur|u\b|euro|eur|km|kilo|kg|keer|sec|dagen|weken|maanden"
               r"|cm|meter|pond|volgers|likes|punten|plekken|plaatsen|graden|levels?|hours?|miles|bucks|dollars?"
               r"|thuis|klaar|terug|wakker|daar|vrij|binnen|op school|bij (?:je|jou|u|mij|me)\b"
               r"|%|x\b|tot\b|over\b|voor\b|" + _MONTHS + r"\b"
               r"|(?:jaar|jr|j|jaartjes) (?!" + _AGE_GOES_ON + r")[a-z]))")
_UNITS = {"een": 1, "twee": 2, "drie": 3, "vier": 4, "vijf": 5, "zes": 6, "zeven": 7, "acht": 8, "negen": 9}
_TENS = {"twintig": 20, "dertig": 30, "veertig": 40, "vijftig": 50}
_NUMBER_WORDS = {"tien": 10, "elf": 11, "twaalf": 12, "dertien": 13, "veertien": 14, "vijftien": 15, "zestien": 16,
                 "zeventien": 17, "achttien": 18, "negentien": 19,
                 # "eenentwintig", "vijfendertig" (and "tweeëntwintig" written without the diaeresis)
                 **{f"{unit}en{tens}": u + t for unit, u in _UNITS.items()
                    for tens, t in _TENS.items()},
                 **{f"{unit}ën{tens}": u + t for unit, u in _UNITS.items() if unit.endswith("e") for tens, t in _TENS.items()},
                 **_TENS}
# a number, or one with its unit written on ("15jr", "13j", "16yo")
_AGE = r"(\d{1,2}|" + "|".join(sorted(_NUMBER_WORDS, key=len, reverse=True)) + r")(?:(?![\d\w])|(?=(?:jaar|jr|j|yo)\b))"
_I_AM = (r"(?:ik ben|ik bn|k ben|kben|'k ben|kzen|'k zen|ik zen|kzijn|'k zijn|ik zijn|ben ik|bn ik|word ik"
         r"|(?<!jij )(?<!jj )(?<!je )(?<!gij )(?<!wie )(?<!u )(?:ben|bn)|ik word|i'?m|i am|iam)")
_UNIT = r"(?:jaar|jaartjes|jr|j|yo|y/o|years old|year old|years|yrs)"
# Words between "ik ben" and the number: "ik ben zelf 14", "ik ben ook al 15", "ik ben bijna 15" (then 14).
_FILLER = (r"(?:(?:al|pas|net|maar|nog|zelf|ook|nu|gwn|gewoon|echt|dus|bijna|bjna|eigenlijk|eig|trouwens|inmiddels"
           r"|morgen|gisteren|in het echt) ){0,2}")
# "en jij?" after one's own age, to the end of the turn ("12 u" alone is a Flemish time, not an age).
_ASKS_IT_BACK = r"(?:(?:en |and |& )?(?:jij|jij dan|gij|you|hbu|wbu)|en u|and u)\b ?[?!.]*$"
_SELF_AGE = re.compile(
    r"(?:^|[ ,.!?(])" + _I_AM + r" " + _FILLER + _AGE + _NOT_AN_AGE
    + r"|(?:^|[ ,.!?(])" + _I_AM + r" (?:een|ne|nen|n|a) (?:(\d{1,2})[- ]?jarige?\b"
    r"|(?:jongen|meisje|gast|meid|boy|girl|man|vrouw) van (\d{1,2})\b)"
    r"|(?:^| )(?<!in )(?<!nog )(?<!over )(?<!binnen )(?<!na )(\d{1,2}) ?(?:" + _UNIT + r" ?)?(?:oud ?)?(?:[/,] ?)?"
    r"(?:m|v|f|jongen|meisje|boy|girl)\b(?! ?(?:lopen|rijden|fietsen|verder|hoog|diep|breed|lang|van|achter|voor|afstand|weg|naar|\d))"
    r"|^(?:m|v|f|man|vrouw|jongen|meisje|meid|gast|boy|girl|guy) ?(?:[/,] ?)?(\d{1,2})\b" + _NOT_AN_AGE
    + r"|^(\d{1,2}) ?(?:jaar ?)?(?:[/,] ?)?(?:man|vrouw|meid|gast|guy)\b(?! (?:sterk|op|van|in|aan|erbij|extra)\b)"
    + r"|^(\d{1,2})[- ]?jarige?(?: (?:hier|meisje|jongen|girl|boy)){0,2}[.!?]*$"
    r"|^(\d{1,2}) ?(?:" + _UNIT + r" ?)?(?:oud ?)?(?:hier ?)?(?:[.!]*$|[,.]? ?(?:bijna|bjna|almost)\b"
    r"|[,.]? ?" + _ASKS_IT_BACK + r")"
    r"|^(?:mijn )?(?:leeftijd|lft|age) ?(?:is )?[:=]? ?(\d{1,2})\b"
    r"|(?:^|[ ,.!?(])(?:ik heb|'k heb|kheb|k heb) (\d{1,2})(?= jaar\b)" + _NOT_AN_AGE   # Flemish: "ik heb 14 jaar"
    + r"|\basl\b[^\n]{0,12}?\b(\d{1,2})\b")
_SPACES = re.compile(r"\s+")
# Standalone forms that need no question: "ik 15", "ik 14 jij?", "net 16 geworden", "15 (bijna 16)".
_SHORT_SELF_AGE = re.compile(
    r"^(?:ik|ikke|me|moi) " + _AGE + r" ?(?:" + _UNIT + r" ?)?(?:[.!]*$|[,.]? ?" + _ASKS_IT_BACK + r")"
    r"|^(?:net |pas |vorige week |gisteren )?" + _AGE + r" (?:jaar )?geworden\b(?! (?:voor|op|bij|in|met)\b)"
    r"|^" + _AGE + r" ?(?:" + _UNIT + r" ?)?\((?:bijna|bjna|almost) \d{1,2}\)")
_SAID = r"(?:zegt|zei|zeggen|zeiden|zegde|says|said|schreef|typte|stuurde|appte|appt)"
# Words before a colon that open one's own line, not someone's reported speech: "lol: ik ben 14".
_OWN_OPENER = r"(?:ik|lol|haha\w*|hihi|xd|ok|oke|okay|nou|ja|jaa|nee|btw|ff|eerlijk|serieus|echt|hm+|eh+|euh|ehm|oh|oja|trouwens|update)\b"
# Before an "ik ben 14" in the same sentence: someone quoted, or a case ("als iemand zegt ik ben 13").
_QUOTED_OR_IF = re.compile(r"(?:\b" + _SAID + r"\b|\bals (?:iemand|je|ze|hij|zij)\b)[^.!?]*$"
                           # reported speech ("mijn zusje: ik ben 13"), an opening quote ("staat 'ik ben 16'")
                           r"|(?:^|[ ,])(?!" + _OWN_OPENER + r")[a-z]\w* ?: ?['\"]?(?:ik)?$|(?:^|\s)'ik ?$")
# After an age: who said it ("'ik ben 14' zei ze", "ik ben 14 zegt hij").
_SAID_AFTER = re.compile(r"^(?: ?(?:jaar|jr))?['\"]?,? " + _SAID + r"\b(?! ik\b)")
_ONE_LESS = re.compile(r"\b(?:bijna|bjna|almost|word|word ik) (?:al |morgen |binnenkort )?$"
                       r"|\bover (?:\d{1,2}|een|twee|drie|vier|vijf|zes|zeven|acht|negen|tien|elf) "
                       r"(?:maanden|maand|weken|week|dagen|dag) (?:ben|word) ik $")  # right before it: "ik ben bijna 18", "ik word 18": 17 now
# A turn that asks the other side's age, or (group 1) proposes one: "hoe oud ben je", "asl", "ben je 15?";
# not someone else's ("hoe oud is je broer", "hoe oud moet je zijn", "raad eens hoe oud ik ben").
_ASKS_AGE = re.compile(
    r"\bhoe oud (?:ben|bn|bent|bende|zijt|zijde|zyt|zij gij|word je|wordt ge|zijn jullie|zijn julle|r u|are)\b"
    r"|\bhoeveel jaar (?:ben|bent|bende|zijt|zijde|zij)\b"
    r"|\bhoe oud (?:eigenlijk|eig|dan|precies|nu|ook alweer|trouwens|ongeveer)\b"
    r"(?! (?:die|dat|deze|hij|zij|ze|is|zijn|was|je|jouw|mijn|m'n|mn)\b)|\bhoe oud ?[?!.,]|\bhoe oud$"
    r"|\bhow old (?:are|r)\b|\basl\b|\bwelk bouwjaar (?:ben|bent|zijt|zijde|ben je|ben jij)\b"
    r"|\b(?:je|jouw|uw|ur|your) (?:leeftijd|lft|age)\b|^(?:leeftijd|lft|age) ?\?"
    r"|\b(?:ben je|ben jij|bn je|zijde gij|zijde|zijt ge|zijt gij|zij gij|are you|are u|r u|ur) (?:al |pas |nog |echt |nu |wel |zeker |toch |ook |wel echt )?"
    r"(\d{1,2})\b" + _NOT_AN_AGE)
_ASKS_OTHERS_AGE = re.compile(r"\bhoe oud\b|\bhow old\b")  # any other "hoe oud": a number answers it, not an age of theirs
# A question a bare number answers without being the writer's age: "hoeveel?" "70", "wat is je schoenmaat" "38".
_ASKS_NUMBER = re.compile(r"\bof \d|hoe ?veel|hoe duur|\bduur\b|betal|\bcode\b|\bpin\b|\bkost|\bwelke?\b|hoe ?laat|welk uur|hoe lang|hoe ver|hoe groot|hoe vaak|hoe zwaar|wanneer"
                          r"|wat kost|prijs|nummer|maat\b|\bweeg|gewicht|cijfer|punten|score|wat had je|wat heb je")
_BARE_NUMBER = re.compile(r"^(?:(?:ik|ikke) )?\d{1,2} ?(?:" + _UNIT + r" ?)?(?:oud ?)?(?:geworden ?)?[.!]*"
                          r"(?:[,.]? ?" + _ASKS_IT_BACK + r")?$")
_ASKS_SCHOOL = re.compile(r"\b(?:welke klas|wat voor klas|welk jaar zit|in welk jaar|(?P<groep>welke groep)|welk (?P<primary>leerjaar))")
_SCHOOL_OF_SOMEONE_ELSE = re.compile(
    r"\b(?:heb|geef|geeft|geven|krijg|krijgt|doceer|doceert) (?:je|jij|u|ge|gij)\b|\bjuf\b|\bmeester\b|\bmeneer\b|\bmevrouw\b"
    r"|\b(?:je|jouw|uw|jullie) (?:broer|broertje|zus|zusje|zoon|dochter|kind|kinderen|neef|nicht|vriend|vriendin)\w*"
    r"|\b(?:opleiding|studie|uni|hogeschool)\b")
# A school year alone in a turn: "groep 6", "3 havo", "2e klas", "brugklas".
_BARE_SCHOOL = re.compile(r"^(?:groep ?\d|(?:havo|vwo|vmbo|mavo|gym) ?[1-6]|[1-6](?:e|de|ste)? ?(?:klas|havo|vwo|vmbo|mavo|gym"
                          r"|middelbaar|leerjaar)|brugklas)[.!]*$")
_ASKS_BACK = re.compile(r"(?:^|[ ,.!?])(?:en jij|en u|en gij|and you|hbu|wbu)\b|(?:^|[ ,.!?])(?:jij|gij|u|you)\?")
# The reply itself: a number first (after a few fillers), not a guess ("15?") and not a quantity.
_AGE_REPLY = re.compile(
    r"^(?:(?:ja+|jep|jup|yes|yep|yup|klopt|idd|nee+|neen|nope|ik|ikke|bijna|net|pas|al|eh+|uh+m?|euh|ehm|haha\w*|lol"
    r"|ok|oke|grapje|echt|serieus)[,.!]? ){0,3}" + _AGE + _NOT_AN_AGE + r"(?! ?\?)")
_YES = re.compile(r"^(?:ja+|jep|jup|yes|yep|yup|klopt|idd|jazeker|correct|dat klopt|inderdaad)\b"
                  r"(?![,.!]? ?(?:maar|nee|bijna|in|over|volgende|binnenkort|grapje|was ik maar|was het maar|wou ik|zou ik willen)\b)")
# The other side's age, said to them: "en jij 26", "jij 24?", "je bent pas 14", "gij 31 las ik", "jij staat op 39";
# not a past, a wish or a question about something else ("toen jij 12 was", "tot jij 18 bent", "heb jij 50 volgers").
_NOT_TOLD = r"(?<!ben )(?<!bn )(?<!zijt )(?<!zijde )(?<!are )(?<!toen )(?<!tot )(?<!als )(?<!kan )(?<!heb )(?<!had )(?<!wanneer )(?<!\d )"
_TOLD_AFTER = r"(?! ?(?:(?:was|bent|wordt|werd|zijt|waart|pro|max|punten|volgers|ofzo|of zo)\b|(?:op|of|van|uit) \d))"
_YOUR_AGE = re.compile(
    r"(?:^|[ ,.!?(])" + _NOT_TOLD + r"(?:jij|jj|gij|gie|you|u) (?:bent |ben |bn |zijt |zyt |staat op |are |r )?"
    r"(?:al |pas |nog |nog maar |maar |echt |toch )?" + _AGE + _NOT_AN_AGE + _TOLD_AFTER
    + r"(?! ?(?:jaar|jr|j)? ?(?:geleden|later|terug)\b)"
    r"|(?:^|[ ,.!?(])(?<!toen )(?<!tot )(?<!als )je bent (?:al |pas |nog |nog maar |maar |echt |toch )?" + _AGE
    + _NOT_AN_AGE + _TOLD_AFTER)
_SCHOOL_REPLY = re.compile(r"^(?:ik zit in |in |de )?(?:het )?(\d)(?:e|de|ste|(?= ?[.!]*$))\b(?! ?(?:keer|plaats|prijs))"
                           r"(?P<primary> ?leerjaar)?(?! ?(?:jaar )?(?:bachelor|master|rechten|uni|hogeschool|hbo|wo\b))")
# A school year of the writer's own ("ik zit in 2e middelbaar", "kzit in havo 3", "brugklas"), as an age.
# Not a university year ("1ste jaar rechten"), and a bare "brugklas" not about a child or a class one teaches.
_NOT_A_SCHOOL_YEAR = r"(?! ?(?:van|bachelor|master|rechten|uni|universiteit|hogeschool|hbo|wo\b|geneeskunde|psychologie|opleiding|studie|aan de))"
_SCHOOL = re.compile(
    r"(?:^|\bik |'k |\bk)(?:zit in|zit op|zit|doe|ga naar) (?:de |het |groep )?"
    r"(?:(?:(?P<year>\d)(?:e|de|ste)?|(?P<word2>eerste|tweede|derde|vierde|vijfde|zesde)) ?"
    r"(?P<kind>klas|jaar|middelbaar|leerjaar|havo|vwo|vmbo|mavo|gym)\b" + _NOT_A_SCHOOL_YEAR
    + r"|(?:havo|vwo|vmbo|mavo|gym) ?(?P<year2>[1-6])\b|(?P<brug>brugklas)|(?P<basis>basisschool)|groep ?(?P<groep>\d)"
    r"(?! ?(?:app|chat|groep|ouders|musical|kamp)\b))"
    r"|\b(?P<bare>brugklas|brugpieper|(?:(?P<word>eerste|tweede|derde|vierde|vijfde|zesde)|(?P<year3>[1-6])(?:e|de|ste)) ?"
    r"(?:jaar )?middelbaar)\b"
    r"|^groep ?(?P<groep2>[5-8])\b(?! (?:heeft|is|gaat|moet|krijgt|doet|mag|van|hebben|app|chat|ouders|musical|kamp)\b)")
_NOT_MINE = re.compile(r"\b(?:mijn|m'n|mn|onze|ons|haar|zijn|z'n|hij|zij|ze|die|jullie|les|leerlingen|juf|meester|docent"
                       r"|mentor|geef|gaf|lesgeven|klas van|de brugklas heeft)\b")
# A year of higher education: "3e jaar verpleegkunde", "2e jaar mbo", anywhere in the turn.
_HIGHER_EDUCATION = re.compile(r"\b(?:mbo|hbo|wo|hogeschool\w*|uni|universiteit|opleiding|studie|pabo|bachelor"
                               r"|master|rechten|\w+kunde|\w+wetenschappen)\b")
# A self-declaration taken back in the same turn: "ik ben 18 nee grapje 14", "ik ben 16 maar eigenlijk 24".
_CORRECTED = re.compile(r"\b(?:nee+|neen|grapje|eigenlijk|eig|serieus|in het echt)\b[^\d]{0,20}?\b(\d{1,2})\b")
# The age someone is about to turn, in a reply: "18 in december", "16 volgende maand": one less now.
_TURNING = re.compile(r"^ ?(?:in (?:" + _MONTHS + r"|de zomer|het voorjaar)|volgende|binnenkort|deze maand|over \d)")
_ORDINALS = {"eerste": 1, "tweede": 2, "derde": 3, "vierde": 4, "vijfde": 5, "zesde": 6}
# Every pattern above needs one of these: most turns have none and skip the rest.
_HINT = re.compile("|".join((r"\d", *_NUMBER_WORDS, *_ORDINALS, "oud", "old", "asl", "leeftijd", "lft", "age", "klas",
                             "jaar", "groep", "brug", "basisschool", "middelbaar")))


def _in_range(found: str) -> int | None:
    value = _NUMBER_WORDS[found] if found in _NUMBER_WORDS else int(found)
    return value if 8 <= value <= 80 else None


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u201c": '"', "\u201d": '"',
                         "\u201e": '"'})


def _lowered(text: str) -> str:
    return _SPACES.sub(" ", text.lower().translate(_QUOTES)).strip()


def _quoted(before: str) -> bool:
    """Whether the text before an age is inside a quotation or a case: someone said it ("zegt",
    an open double quote or «) or "als iemand zegt"."""
    return (_QUOTED_OR_IF.search(before) is not None or before.count('"') % 2 == 1
            or before.count("«") > before.count("»"))


def declared_age(text: str) -> int | None:
    """The age the writer states about themself in ``text`` (school years as an estimate), or None."""
    return _declared(_lowered(text))


def _declared(lowered: str) -> int | None:
    match = _SELF_AGE.search(lowered)
    group = next(k for k, g in enumerate(match.groups(), 1) if g) if match else 0
    if match and not _quoted(lowered[: match.start() + 1]) and not _SAID_AFTER.match(lowered[match.end(group):]):
        value = _in_range(match.group(group))
        corrected = _CORRECTED.search(lowered, match.end(group))
        if corrected is not None and _in_range(corrected.group(1)) is not None and re.match(
                _NOT_AN_AGE, lowered[corrected.end(1):]):
            return _in_range(corrected.group(1))
        if value is not None:
            return value - 1 if _ONE_LESS.search(lowered[: match.start(group)]) else value
    short = _SHORT_SELF_AGE.search(lowered)
    if short:
        return _in_range(next(g for g in short.groups() if g))
    return _school_age(lowered)


def _school_age(lowered: str) -> int | None:
    """The age a school year stands for: groep 8 and the Flemish 6de leerjaar about 11, the
    brugklas and 1e middelbaar 12, each year after one more."""
    school = _SCHOOL.search(lowered)
    if school is None or (school.group("bare") and (_NOT_MINE.search(lowered) or _not_about_oneself(lowered))):
        return None
    if school.group("kind") == "jaar" and _HIGHER_EDUCATION.search(lowered):
        return None
    found = school.groupdict()
    if found["groep"] or found["groep2"]:
        return 3 + int(found["groep"] or found["groep2"])
    if found["basis"]:
        return 11
    if found["brug"] or found["bare"] in ("brugklas", "brugpieper"):
        return 12
    if found["word"]:
        return 11 + _ORDINALS[found["word"]]
    year = _ORDINALS[found["word2"]] if found["word2"] else int(found["year"] or found["year2"] or found["year3"])
    return 5 + year if found["kind"] == "leerjaar" else 11 + year


def _not_about_oneself(lowered: str) -> bool:
    """A bare "brugklas" or "3e middelbaar" in a longer turn without "ik": about a class, not the writer."""
    return len(lowered.split()) > 4 and not re.search(r"(?:^|\b)(?:ik|'k|k|kzit|kben)\b", lowered)


REPLY_WITHIN = 3  # turns after an age question in which the others' answer is looked for


def _answered(lowered: str, proposed: int | None, school: str, turning: bool = False) -> int | None:
    """The age in a reply to an age question: a leading number ("ja 27. en jij", "14 hoezo"), a
    "yes" to a proposed age ("ben je 15?" → "ja"), or a school year after a class question
    (``school``: "secondary", "primary" after "welk leerjaar", or "groep"); ``turning``: the question asked the age one turns next."""
    if school:
        year = _SCHOOL_REPLY.search(lowered)
        if school == "groep" and year is not None and 1 <= int(year.group(1)) <= 8:
            return 3 + int(year.group(1))   # groep 8 is about 11
        if year is None or not 1 <= int(year.group(1)) <= 6 or _HIGHER_EDUCATION.search(lowered):
            return None
        return (5 if year.group("primary") or school == "primary" else 11) + int(year.group(1))
    reply = _AGE_REPLY.search(lowered)
    if reply:
        value = _in_range(reply.group(1))
        turning = turning or _TURNING.match(lowered[reply.end(1):]) is not None
        if value is not None:
            return value - 1 if turning or _ONE_LESS.search(lowered[: reply.start(1)]) else value
    if proposed is not None and not any(ch.isdigit() for ch in lowered) and _YES.search(lowered):
        return proposed if 8 <= proposed <= 80 else None
    return _school_answer(lowered)


def _school_answer(lowered: str) -> int | None:
    """A school year given for an age ("hoe oud ben je?" "3 havo", "tweede klas", "brugklas"): a short
    turn read as if it began with "ik zit in"."""
    if len(lowered.split()) > 4 or lowered.startswith(("ik ", "in ", "de ", "het ")):
        return None
    return _school_age("ik zit in " + lowered)


def speaker_ages(texts: Sequence[str], speakers: Sequence[str]) -> dict[str, list[tuple[int, int]]]:
    """Per speaker, the (turn index, age) of every self-declaration, in order: stated outright, or
    given as the answer to another speaker's age question within ``REPLY_WITHIN`` turns. In a chat
    of two, a speaker who never states an age takes the ages the other tells them ("en jij 26")."""
    out: dict[str, list[tuple[int, int]]] = {}
    said_to: dict[str, list[tuple[int, int]]] = {}  # in a chat of two, ages each was told by the other
    names = list(dict.fromkeys(speakers))
    # (turn, asker, proposed age, school kind or "", asks the age one turns next: "hoe oud word je")
    question: tuple[int, str, int | None, str, bool] | None = None
    recent: deque[tuple[int, str, str, bool]] = deque(maxlen=REPLY_WITHIN)  # (turn, speaker, text, asked an age)
    answered: set[str] = set()
    declared: tuple[int, str, int] | None = None  # the last age stated: (turn, speaker, age)
    for index, (text, speaker) in enumerate(zip(texts, speakers)):
        lowered = _lowered(text)
        hinted = _HINT.search(lowered) is not None
        age = _declared(lowered) if hinted else None
        recently = declared is not None and index - declared[0] <= REPLY_WITHIN
        same = _SAME_AGE.match(lowered) if recently and declared is not None and declared[1] != speaker else None
        if age is None and same is not None and declared is not None:
            age = _in_range(same.group(1)) if same.group(1) else declared[2]   # "ik ben 15" "ik ook"
        bare = age is not None and _BARE_NUMBER.match(lowered) is not None
        if bare and _answers_a_number_question(recent, speaker, _asks_a_number):
            age = None  # "hoe oud is je broer?" "17", "hoeveel?" "ik 12": a number, not the writer's age
        if age is not None and _BARE_SCHOOL.match(lowered) and _answers_a_number_question(recent, speaker, _asks_someone_elses_class):
            age = None  # "welke groep geef je?" "groep 6": a teacher's group
        replying = question is not None and speaker != question[1] and speaker not in answered \
            and index - question[0] <= REPLY_WITHIN
        # a reply without an age of its own, or a bare number that answers the question asked ("welke
        # groep?" "8" is about 11, "hoe oud word je?" "18" is 17)
        if replying and question is not None and (age is None or (bare and (question[3] or question[4]))):
            age = _answered(lowered, question[2], question[3], question[4])
        if age is not None:
            out.setdefault(speaker, []).append((index, age))
            answered.add(speaker)
            declared = (index, speaker, age)
        told = _told(lowered) if hinted and len(names) == 2 else None
        if told is not None:
            said_to.setdefault(names[1] if speaker == names[0] else names[0], []).append((index, told))
        own = age if age is not None else (declared[2] if recently and declared is not None and declared[1] == speaker else None)
        asked = _asked(lowered, own) if hinted or (own is not None and _ASKS_BACK.search(lowered)) else None
        if asked is not None:
            question, answered = (index, speaker, *asked), set()
        recent.append((index, speaker, lowered, asked is not None))
    for speaker, pairs in said_to.items():  # what a speaker says of themself comes first
        if speaker not in out:
            out[speaker] = pairs
    return out


def _asks_a_number(text: str) -> bool:
    """"hoe oud is je broer?", "hoeveel?", "welke maat": a number that is no age of the writer's."""
    return _ASKS_OTHERS_AGE.search(text) is not None or _ASKS_NUMBER.search(text) is not None


def _asks_someone_elses_class(text: str) -> bool:
    """"welke groep geef je?", "in welke klas zit je broertje?": in one sentence, a class that is not
    the other's own (a "juf" in another sentence may be the asker: "ik was juf. welke groep zit je?")."""
    return any(_ASKS_SCHOOL.search(sentence) and _SCHOOL_OF_SOMEONE_ELSE.search(sentence)
               for sentence in re.split(r"[.!?]+", text))


def _answers_a_number_question(recent: Sequence[tuple[int, str, str, bool]], speaker: str,
                               asks: Callable[[str], bool]) -> bool:
    """Whether one of the last turns, by someone else, ``asks`` what a bare number or school year
    answers without being the writer's age, after the last age question ("en jij?" asks the writer's
    own again)."""
    for _turn, asker, text, asked_age in reversed(recent):
        if asker == speaker:
            continue
        if asked_age:
            return False
        if asks(text):
            return True
    return False


def told_age(text: str) -> int | None:
    """The age a writer tells the person they write to: "en jij 26", "je bent pas 14"."""
    return _told(_lowered(text))


def _told(lowered: str) -> int | None:
    told = _YOUR_AGE.search(lowered)
    return _in_range(next(g for g in told.groups() if g)) if told else None


# "ik ook" (or "ik ook 15") right after someone else stated their age.
_SAME_AGE = re.compile(r"^(?:ik|ikke|me|kik) (?:ook|too)(?: (\d{1,2}))?(?: ?(?:haha\w*|lol|xd|hihi))?[ !.?]*$")
_ASKS_TURNING = re.compile(r"\bhoe oud (?:word je|word jij|wordt ge|wordt gij|wordt u)\b")


def _asked(lowered: str, own_age: int | None) -> tuple[int | None, str, bool] | None:
    """(proposed age, school kind: "" for an age, "secondary", "primary" or "groep", whether it asks the age
    one turns next) when the turn asks the others' age or class, else None; "en jij?" asks back
    only after the writer's own age."""
    asks = _ASKS_AGE.search(lowered)
    if asks:
        return (int(asks.group(1)) if asks.group(1) else None), "", _ASKS_TURNING.search(lowered) is not None
    school = _ASKS_SCHOOL.search(lowered)
    if school and _SCHOOL_OF_SOMEONE_ELSE.search(lowered):
        school = None   # a class one teaches, a child's class, a year of a study: not the other's age
    if school:
        return None, "primary" if school.group("primary") else "groep" if school.group("groep") else "secondary", False
    if own_age is not None and _ASKS_BACK.search(lowered):
        return None, "", False
    return None


def _earliest(pairs: Sequence[tuple[int, int]]) -> dict[int, int]:
    """Per age, the first turn it was declared."""
    first: dict[int, int] = {}
    for turn, age in pairs:
        first[age] = min(turn, first.get(age, turn))
    return first


def earliest_by_age(ages: dict[str, list[tuple[int, int]]]) -> dict[int, list[tuple[int, str]]]:
    """Per age, its earliest declaration and the earliest by anyone else: [(turn, speaker), …], so
    what the others declared is read per speaker without going over every speaker's ages again."""
    firsts: dict[int, dict[str, int]] = {}
    for name, pairs in ages.items():
        for turn, age in pairs:
            by_speaker = firsts.setdefault(age, {})
            by_speaker[name] = min(turn, by_speaker.get(name, turn))
    return {age: sorted((turn, name) for name, turn in by_speaker.items())[:2] for age, by_speaker in firsts.items()}


def relation_since(ages: dict[str, list[tuple[int, int]]], speaker: str, n_turns: int,
                   by_age: dict[int, list[tuple[int, str]]] | None = None) -> list[int]:
    """The turn from which each of ``age_relation``'s four columns holds for ``speaker`` (``n_turns``:
    never). ``by_age``: ``earliest_by_age(ages)``, computed once per conversation."""
    own = _earliest(ages.get(speaker, []))
    by_age = earliest_by_age(ages) if by_age is None else by_age
    others = {}
    for age, firsts in by_age.items():
        turn = next((t for t, name in firsts if name != speaker), None)
        if turn is not None:
            others[age] = turn
    since = [n_turns] * 4
    for age_own, t_own in own.items():
        if age_own < ADULT:
            since[2] = min(since[2], t_own)
        for age_other, t_other in others.items():
            both = max(t_own, t_other)
            if age_own >= ADULT and age_other < ADULT:
                since[0] = min(since[0], both)
            elif age_own >= ADULT and age_other >= ADULT:
                since[3] = min(since[3], both)
            elif age_own < ADULT and age_other < ADULT and abs(age_own - age_other) <= 3:
                since[1] = min(since[1], both)
    return since


def age_relation(ages: dict[str, list[tuple[int, int]]], speaker: str, n_turns: int,
                 by_age: dict[int, list[tuple[int, str]]] | None = None) -> np.ndarray:
    """Per turn (prefix), for ``speaker``: [adult speaking with a declared minor, minors of about
    one age (at most 3 years apart) with each other, speaker declared a minor age, adults with each
    other]; each 0/1, known from the declaration on. Ages are compared once per distinct value, so a
    chat repeating its ages costs no more than one that states them once."""
    out = np.zeros((n_turns, 4), np.float32)
    for column, turn in enumerate(relation_since(ages, speaker, n_turns, by_age)):
        out[turn:, column] = 1
    return out
