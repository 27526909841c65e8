"""The one definition of what signals detects: categories, tactics, routes, registers.

Everything else (detectors, model, API schemas, training data validation) imports from here.
See ``../shared/TAXONOMY.md`` for the meaning of each name.
"""

from __future__ import annotations

from enum import Enum
from typing import Literal


class Category(str, Enum):
    """What the model outputs a calibrated score for."""

    RECRUITMENT = "recruitment"
    SEXTORTION = "sextortion"
    DISCLOSURE = "disclosure"


class Tactic(str, Enum):
    """Evidence shown to a reviewer, with character spans."""

    FLATTERY = "flattery"
    GIFTS_MONEY = "gifts_money"
    JOB_OFFER = "job_offer"
    ISOLATION = "isolation"
    SECRECY = "secrecy"
    PLATFORM_SWITCH = "platform_switch"
    MEETING = "meeting"
    AGE_PROBE = "age_probe"
    IMAGE_REQUEST = "image_request"
    EMOTIONAL_PRESSURE = "emotional_pressure"
    THREAT_EXPOSURE = "threat_exposure"
    PAYMENT_DEMAND = "payment_demand"
    DEADLINE = "deadline"


class Route(str, Enum):
    """Where a flagged message goes: enforcement review, a help workflow, or nowhere."""

    REVIEW = "review"
    SUPPORT = "support"
    NONE = "none"


class Register(str, Enum):
    """Language varieties the model must serve equally well."""

    STANDARD = "standard"
    FLEMISH = "flemish"
    STRAATTAAL = "straattaal"
    CODEMIX = "codemix"


class ConversationLabel(str, Enum):
    GROOMING = "grooming"
    BENIGN = "benign"


CATEGORIES: tuple[str, ...] = tuple(c.value for c in Category)
TACTICS: tuple[str, ...] = tuple(t.value for t in Tactic)
REGISTERS: tuple[str, ...] = tuple(r.value for r in Register)
CONVERSATION_LABELS: tuple[str, ...] = tuple(label.value for label in ConversationLabel)

CATEGORY_ROUTE: dict[str, str] = {
    Category.RECRUITMENT.value: Route.REVIEW.value,
    Category.SEXTORTION.value: Route.REVIEW.value,
    Category.DISCLOSURE.value: Route.SUPPORT.value,
}

# ROOST harm taxonomy mapping for the review categories (TAXONOMY.md, "Interoperability").
ROOST_MAPPING: dict[str, dict[str, str]] = {
    Category.RECRUITMENT.value: {"harm": "off_platform_harm", "subtype": "grooming_handoff",
                                 "severity": "critical", "queue": "needs_review"},
    Category.SEXTORTION.value: {"harm": "off_platform_harm", "subtype": "sextortion",
                                "severity": "critical", "queue": "needs_review"},
}


RouteName = Literal["review", "support", "none"]


def route_for(labels: list[str] | tuple[str, ...], category_routes: dict[str, str] | None = None) -> RouteName:
    """Route for a set of flagged categories: review wins over support, support over none.
    ``category_routes``: a model's own category → route map (default: this taxonomy's)."""
    table = CATEGORY_ROUTE if category_routes is None else category_routes
    routes = {table[label] for label in labels}
    if Route.REVIEW.value in routes:
        return Route.REVIEW.value
    if Route.SUPPORT.value in routes:
        return Route.SUPPORT.value
    return Route.NONE.value
