"""A cheap test that rules a regex out before it runs: substrings every match must contain.

Most messages trigger one or two tactics at most, yet every tactic's regex would scan every
message. From the parsed regex we derive a set of literal substrings such that any match contains
at least one of them (``None`` when no such set can be proven); ``str.__contains__`` over that set
is much cheaper than the scan, and it never skips a text the regex could match.
"""

from __future__ import annotations

import re

try:  # Python 3.11+
    import re._constants as sre_constants
    import re._parser as sre_parse
except ImportError:  # pragma: no cover - Python 3.10
    import sre_constants  # type: ignore[no-redef]
    import sre_parse  # type: ignore[no-redef]

MIN_LITERAL = 3  # shorter substrings ("je", "op") are in nearly every message: no use as a filter

Requirement = frozenset[str] | None


def _cost(requirement: frozenset[str]) -> float:
    """Estimated share of texts that contain one of the literals: each literal counts 3 ** -k for
    k non-space characters (longer literals are rarer; "ik " is in most messages, "ophalen" in few)."""
    return sum(3.0 ** -len(literal.replace(" ", "")) for literal in requirement)


def _best(candidates: list[frozenset[str]]) -> Requirement:
    usable = [c for c in candidates if c and min(map(len, c)) >= MIN_LITERAL]
    return min(usable, key=_cost) if usable else None


def _sequence(items) -> Requirement:
    """Requirement of a sequence: its most selective literal run or required element."""
    candidates: list[frozenset[str]] = []
    run: list[str] = []
    for op, av in items:
        if op is sre_constants.LITERAL:
            run.append(chr(av))
            continue
        if run:
            candidates.append(frozenset(["".join(run)]))
            run = []
        requirement = _element(op, av)
        if requirement:
            candidates.append(requirement)
    if run:
        candidates.append(frozenset(["".join(run)]))
    return _best(candidates)


def _element(op, av) -> Requirement:
    if op is sre_constants.SUBPATTERN:
        return _sequence(av[-1])
    if op is sre_constants.BRANCH:
        union: set[str] = set()
        for branch in av[1]:
            requirement = _sequence(branch)
            if requirement is None:
                return None
            union |= requirement
        return frozenset(union)
    if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT) and av[0] >= 1:
        return _sequence(av[2])
    return None


def required_substrings(regex: str, flags: int = 0) -> Requirement:
    """Literal substrings of which every match of ``regex`` contains one, or None if unknown."""
    try:
        return _sequence(sre_parse.parse(regex, flags))
    except (re.error, ValueError, TypeError, IndexError, RecursionError):  # an unusual construct: no filter
        return None


def nested_repeat(regex: str, flags: int = 0) -> str | None:
    """Where ``regex`` nests a variable repeat inside an unbounded one (``(a+)*``, ``(\\w{1,9} ?)+``):
    the shape that backtracks exponentially on a near match. None when there is none; rows from a
    model directory are refused with it, since a crafted file could otherwise bring a slow regex."""
    try:
        return _nested(sre_parse.parse(regex, flags), inside_unbounded=False)
    except (re.error, ValueError, TypeError, IndexError, RecursionError) as exc:
        return f"unparseable ({exc})"


def _nested(items, inside_unbounded: bool) -> str | None:
    for op, av in items:
        if op in (sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT, getattr(sre_constants, "POSSESSIVE_REPEAT", None)):
            low, high, body = av
            if inside_unbounded and high != low:
                return "a variable repeat inside an unbounded one"
            found = _nested(body, inside_unbounded or high == sre_constants.MAXREPEAT)
        elif op is sre_constants.SUBPATTERN:
            found = _nested(av[-1], inside_unbounded)
        elif op is sre_constants.BRANCH:
            found = next((f for branch in av[1] if (f := _nested(branch, inside_unbounded))), None)
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            found = _nested(av[1], inside_unbounded)
        else:
            found = None
        if found:
            return found
    return None
