"""Template model, mini-language and registry of all phrase material.

The phrase material itself lives in the ``phrases_*`` modules as plain data; this module turns it
into :class:`Family` / :class:`Template` objects with stable ids (``rec.flattery.07``) and expands
template text.

Mini-language (used in templates and in slot fillers):

* ``{slot}``        a filler from :mod:`training.synth.slots` (or a per-message context value)
* ``{a|b|c}``       one alternative, chosen uniformly; alternatives may nest and may be empty
* ``[text]``        optional text, included with probability 1/2

Tactic annotation rule: a template carries the tactics whose language is *used* in it (any kind of
message, also benign ones: "hoe oud ben je?" between classmates is ``age_probe``) or, in
disclosures, *reported* as happening to the writer or their friend. Generic descriptions in news,
prevention advice and helpline questions carry no tactics.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache

from signals.taxonomy import CATEGORIES, REGISTERS, TACTICS

from . import slots as _slots

# --------------------------------------------------------------------------------------------
# data helpers used by the phrases_* modules
# --------------------------------------------------------------------------------------------

REG_CODES = {"sd": "standard", "fl": "flemish", "st": "straattaal", "cm": "codemix"}


def _entry(text: str, reg: str | None, add: tuple[str, ...], only: tuple[str, ...] | None) -> dict:
    return {"text": text, "reg": reg, "add": tuple(add), "only": None if only is None else tuple(only)}


def x(text: str, *add: str, only: tuple[str, ...] | None = None) -> dict:
    """Register-neutral template with extra tactics (``add``) or an explicit tactic set (``only``)."""
    return _entry(text, None, add, only)


def sd(text: str, *add: str, only: tuple[str, ...] | None = None) -> dict:
    return _entry(text, "standard", add, only)


def fl(text: str, *add: str, only: tuple[str, ...] | None = None) -> dict:
    return _entry(text, "flemish", add, only)


def st(text: str, *add: str, only: tuple[str, ...] | None = None) -> dict:
    return _entry(text, "straattaal", add, only)


def cm(text: str, *add: str, only: tuple[str, ...] | None = None) -> dict:
    return _entry(text, "codemix", add, only)


def fam(fid: str, templates: list, *, kind: str, group: str, label: str | None = None,
        tactics: tuple[str, ...] = (), anchor: bool = True, registers: tuple[str, ...] = REGISTERS,
        tone: str = "neutral", perspective: str = "any") -> dict:
    """Declare a family of templates (plain data; turned into :class:`Family` by the registry)."""
    return {"id": fid, "templates": templates, "kind": kind, "group": group, "label": label,
            "tactics": tuple(tactics), "anchor": anchor, "registers": tuple(registers), "tone": tone,
            "perspective": perspective}


# --------------------------------------------------------------------------------------------
# model
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Template:
    id: str
    family: str
    text: str
    tactics: tuple[str, ...]
    register: str | None  # None: usable in every register (lexical transforms do the rest)


@dataclass(frozen=True)
class Family:
    id: str
    kind: str  # positive | hard_negative | benign | glue | reply | small
    group: str  # category, hard-negative type, benign topic, ...
    label: str | None
    tactics: tuple[str, ...]
    anchor: bool
    registers: tuple[str, ...]
    tone: str
    perspective: str
    templates: tuple[Template, ...] = field(default_factory=tuple)

    def candidates(self, register: str) -> tuple[list[Template], list[Template]]:
        """(register-specific templates, register-neutral templates) usable in ``register``."""
        specific = [t for t in self.templates if t.register == register]
        neutral = [t for t in self.templates if t.register is None]
        return specific, neutral

    def pick(self, rng: random.Random, register: str, exclude: set[str] = frozenset()) -> Template:
        specific, neutral = self.candidates(register)
        specific = [t for t in specific if t.id not in exclude]
        neutral = [t for t in neutral if t.id not in exclude]
        if specific and (not neutral or rng.random() < 0.4):
            return rng.choice(specific)
        if neutral:
            return rng.choice(neutral)
        # nothing unused for this register: any unused template (lexical transforms adapt it)
        rest = [t for t in self.templates if t.id not in exclude]
        return rng.choice(rest or list(self.templates))


def _order_tactics(tactics) -> tuple[str, ...]:
    present = set(tactics)
    return tuple(t for t in TACTICS if t in present)


def build_family(spec: dict) -> Family:
    width = 2 if len(spec["templates"]) < 100 else 3
    templates = []
    for i, raw in enumerate(spec["templates"], 1):
        entry = raw if isinstance(raw, dict) else _entry(raw, None, (), None)
        tactics = entry["only"] if entry["only"] is not None else spec["tactics"] + entry["add"]
        templates.append(Template(id=f"{spec['id']}.{i:0{width}d}", family=spec["id"], text=entry["text"],
                                  tactics=_order_tactics(tactics), register=entry["reg"]))
    return Family(id=spec["id"], kind=spec["kind"], group=spec["group"], label=spec["label"],
                  tactics=_order_tactics(spec["tactics"]), anchor=spec["anchor"], registers=spec["registers"],
                  tone=spec["tone"], perspective=spec["perspective"], templates=tuple(templates))


# --------------------------------------------------------------------------------------------
# mini-language
# --------------------------------------------------------------------------------------------

_IDENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")


class TemplateSyntaxError(ValueError):
    pass


def _split_top(s: str, sep: str = "|") -> list[str]:
    parts, depth, cur = [], 0, []
    for ch in s:
        if ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
        if ch == sep and depth == 0:
            parts.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    parts.append("".join(cur))
    return parts


def _matching(s: str, start: int) -> int:
    open_ch = s[start]
    close_ch = "}" if open_ch == "{" else "]"
    depth = 0
    for i in range(start, len(s)):
        if s[i] in "{[":
            depth += 1
        elif s[i] in "}]":
            depth -= 1
            if depth == 0:
                if s[i] != close_ch:
                    raise TemplateSyntaxError(f"mismatched bracket in {s!r}")
                return i
    raise TemplateSyntaxError(f"unclosed {open_ch!r} in {s!r}")


@cache
def parse(s: str) -> tuple:
    """Parse template text into nodes: str | ("slot", name) | ("choice", (nodes...)) | ("opt", nodes)."""
    nodes: list = []
    buf: list[str] = []
    i = 0
    while i < len(s):
        ch = s[i]
        if ch in "{[":
            if buf:
                nodes.append("".join(buf))
                buf = []
            j = _matching(s, i)
            inner = s[i + 1:j]
            if ch == "[":
                nodes.append(("opt", parse(inner)))
            else:
                alts = _split_top(inner)
                if len(alts) == 1:
                    if not _IDENT.match(inner):
                        raise TemplateSyntaxError(f"{{{inner}}} is neither a slot nor a choice in {s!r}")
                    nodes.append(("slot", inner))
                else:
                    nodes.append(("choice", tuple(parse(a) for a in alts)))
            i = j + 1
        elif ch in "}]":
            raise TemplateSyntaxError(f"stray {ch!r} in {s!r}")
        else:
            buf.append(ch)
            i += 1
    if buf:
        nodes.append("".join(buf))
    return tuple(nodes)


def slot_names(s: str) -> set[str]:
    names: set[str] = set()

    def walk(nodes):
        for n in nodes:
            if isinstance(n, str):
                continue
            if n[0] == "slot":
                names.add(n[1])
            elif n[0] == "opt":
                walk(n[1])
            else:
                for alt in n[1]:
                    walk(alt)

    walk(parse(s))
    return names


class Expander:
    """Expands template text for one register, with optional per-message context slots."""

    def __init__(self, rng: random.Random, register: str, context: dict[str, str] | None = None):
        self.rng = rng
        self.register = register
        self.context = context or {}

    def expand(self, s: str, depth: int = 0) -> str:
        if depth > 12:
            raise TemplateSyntaxError(f"slot recursion too deep at {s!r}")
        return self._render(parse(s), depth)

    def _render(self, nodes, depth: int) -> str:
        out = []
        for n in nodes:
            if isinstance(n, str):
                out.append(n)
            elif n[0] == "slot":
                out.append(self.expand(self.slot(n[1]), depth + 1))
            elif n[0] == "opt":
                if self.rng.random() < 0.5:
                    out.append(self._render(n[1], depth))
            else:
                out.append(self._render(self.rng.choice(n[1]), depth))
        return "".join(out)

    def slot(self, name: str) -> str:
        if name in self.context:
            value = self.context[name]
            return self.rng.choice(value) if isinstance(value, (list, tuple)) else value
        return _slots.fill(name, self.rng, self.register)


_SPACES = re.compile(r"[ \t]{2,}")
_SPACE_PUNCT = re.compile(r" +([,.!?:;])")


def tidy(text: str) -> str:
    text = _SPACES.sub(" ", text)
    text = _SPACE_PUNCT.sub(r"\1", text)
    text = re.sub(r",\s*,", ",", text)
    text = re.sub(r"^[\s,]+", "", text)
    return text.strip()


# --------------------------------------------------------------------------------------------
# registry
# --------------------------------------------------------------------------------------------


def _load_specs() -> list[dict]:
    from . import (
        phrases_benign,
        phrases_conversation,
        phrases_disclosure,
        phrases_negative,
        phrases_recruitment,
        phrases_sextortion,
    )

    specs: list[dict] = []
    for module in (phrases_recruitment, phrases_sextortion, phrases_disclosure, phrases_negative,
                   phrases_benign, phrases_conversation):
        specs.extend(module.FAMILIES)
    return specs


@lru_cache(maxsize=1)
def registry() -> dict[str, Family]:
    families: dict[str, Family] = {}
    for spec in _load_specs():
        if spec["id"] in families:
            raise ValueError(f"duplicate family {spec['id']}")
        family = build_family(spec)
        for t in family.templates:
            parse(t.text)  # fail early on syntax errors
            bad = [tac for tac in t.tactics if tac not in TACTICS]
            if bad:
                raise ValueError(f"{t.id}: unknown tactics {bad}")
        if family.label is not None and family.label not in CATEGORIES:
            raise ValueError(f"{family.id}: unknown label {family.label}")
        families[family.id] = family
    return families


def families(kind: str | None = None, group: str | None = None, label: str | None = None) -> list[Family]:
    out = []
    for f in registry().values():
        if kind is not None and f.kind != kind:
            continue
        if group is not None and f.group != group:
            continue
        if label is not None and f.label != label:
            continue
        out.append(f)
    return out


def all_templates() -> list[Template]:
    return [t for f in registry().values() for t in f.templates]


def message_templates() -> list[Template]:
    """Templates that can be the main template of a generated message."""
    return [t for f in registry().values() if f.kind in ("positive", "hard_negative", "benign") for t in f.templates]
