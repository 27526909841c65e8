"""The taxonomy is defined once (signals.taxonomy) and matches the project's TAXONOMY.md."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from signals.taxonomy import (
    CATEGORIES,
    CATEGORY_ROUTE,
    REGISTERS,
    ROOST_MAPPING,
    TACTICS,
    Category,
    Route,
    Tactic,
    route_for,
)

TAXONOMY_MD = Path(__file__).resolve().parents[2] / "shared" / "TAXONOMY.md"


@pytest.mark.parametrize(("labels", "route"), [
    ([], "none"),
    ((), "none"),
    (["recruitment"], "review"),
    (["sextortion"], "review"),
    (["disclosure"], "support"),
    (["disclosure", "sextortion"], "review"),       # review wins over support
    (["recruitment", "disclosure"], "review"),
    (["recruitment", "sextortion", "disclosure"], "review"),
    (("disclosure", "disclosure"), "support"),
])
def test_route_for(labels, route):
    assert route_for(labels) == route


def test_route_for_unknown_category():
    with pytest.raises(KeyError):
        route_for(["flattery"])


def test_names():
    assert CATEGORIES == ("recruitment", "sextortion", "disclosure")
    assert len(TACTICS) == 13 and len(set(TACTICS)) == 13
    assert REGISTERS == ("standard", "flemish", "straattaal", "codemix")
    assert [r.value for r in Route] == ["review", "support", "none"]
    assert Category("sextortion") is Category.SEXTORTION and Tactic("deadline") is Tactic.DEADLINE
    assert set(CATEGORY_ROUTE) == set(CATEGORIES)


def test_review_categories_map_onto_roost():
    assert set(ROOST_MAPPING) == {c for c, r in CATEGORY_ROUTE.items() if r == "review"}
    for mapping in ROOST_MAPPING.values():
        assert mapping["harm"] == "off_platform_harm"
        assert mapping["severity"] == "critical"
        assert mapping["queue"] == "needs_review"


def markdown_table(section: str) -> list[list[str]]:
    """Rows (cells without backticks) of the first table after the ``## section`` heading."""
    text = TAXONOMY_MD.read_text(encoding="utf-8")
    body = text.split(f"## {section}", 1)[1]
    rows = []
    for line in body.splitlines()[1:]:
        if line.startswith("## "):
            break
        if line.startswith("|") and not re.fullmatch(r"\|[\s\-|]+\|", line):
            rows.append([cell.strip().strip("`") for cell in line.strip("|").split("|")])
    return rows[1:]                                  # drop the header row


needs_doc = pytest.mark.skipif(not TAXONOMY_MD.is_file(), reason=f"{TAXONOMY_MD} not present")


@needs_doc
def test_categories_and_routes_match_taxonomy_md():
    rows = markdown_table("Categories")
    assert tuple(row[0] for row in rows) == CATEGORIES
    for name, _meaning, route in rows:
        assert route.split()[0].strip("`") == CATEGORY_ROUTE[name]


@needs_doc
def test_tactics_match_taxonomy_md():
    rows = markdown_table("Tactics")
    assert tuple(row[0] for row in rows) == TACTICS
