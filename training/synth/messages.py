"""Single messages: compose 1-3 clauses, apply the register and chat noise, label them."""

from __future__ import annotations

import random

from signals.taxonomy import REGISTERS, TACTICS

from . import guard, style
from .phrases_disclosure import perspective_context
from .templates import Expander, Family, Template, families, registry, tidy

KIND_SHARES: list[tuple[str, float]] = [
    ("recruitment", 0.22), ("sextortion", 0.22), ("disclosure", 0.16), ("hard_negative", 0.25), ("benign", 0.15)]
REGISTER_WEIGHTS: dict[str, float] = {"standard": 0.35, "flemish": 0.22, "straattaal": 0.22, "codemix": 0.21}
EVASIVE_P = {"positive": 0.10, "hard_negative": 0.10, "benign": 0.04}
MIXED_LABEL_P = 0.06  # recruitment messages that also carry a sextortion threat
FORMAL_GROUPS = {"news", "prevention", "helpline_parent"}


def quota(n: int, shares: list[tuple[str, float]], rng: random.Random) -> list[str]:
    """Exactly-sized, shuffled assignment of ``n`` items to shares (largest remainder)."""
    total = sum(s for _, s in shares)
    raw = [(name, n * s / total) for name, s in shares]
    counts = {name: int(v) for name, v in raw}
    rest = n - sum(counts.values())
    for name, v in sorted(raw, key=lambda kv: kv[1] - int(kv[1]), reverse=True)[:rest]:
        counts[name] += 1
    out = [name for name, _ in shares for _ in range(counts[name])]
    rng.shuffle(out)
    return out


def pick_register(rng: random.Random, allowed: tuple[str, ...] = REGISTERS) -> str:
    regs = [r for r in REGISTERS if r in allowed]
    return rng.choices(regs, weights=[REGISTER_WEIGHTS[r] for r in regs])[0]


def _weighted_k(rng: random.Random, weights: tuple[float, ...]) -> int:
    return rng.choices(range(1, len(weights) + 1), weights=weights)[0]


class Clause:
    __slots__ = ("family", "template", "text")

    def __init__(self, text: str, template: Template, family: Family):
        self.text, self.template, self.family = text, template, family


def make_clause(rng: random.Random, family: Family, register: str, ctx: dict | None = None,
                used: set[str] | None = None) -> Clause:
    t = family.pick(rng, register, exclude=used or set())
    if used is not None:
        used.add(t.id)
    return Clause(tidy(Expander(rng, register, ctx).expand(t.text)), t, family)


# --------------------------------------------------------------------------------------------
# joining
# --------------------------------------------------------------------------------------------

def _cap(s: str) -> str:
    return s[:1].upper() + s[1:] if s else s


def join_clauses(rng: random.Random, parts: list[str]) -> str:
    out = ""
    for i, part in enumerate(parts):
        part = part.strip()
        if not part:
            continue
        if not out:
            out = _cap(part) if rng.random() < 0.7 else part
            continue
        if out[-1] in ".!?…" or out.endswith("..."):
            sep = rng.choices([" ", "\n", "  "], weights=[0.9, 0.07, 0.03])[0]
            nxt = _cap(part) if rng.random() < 0.85 else part
        else:
            end = rng.choices([". ", ", ", " ", "! ", "... ", " - ", "\n"], weights=[0.4, 0.2, 0.2, 0.06, 0.06, 0.03, 0.05])[0]
            sep = end
            nxt = _cap(part) if end.strip() in (".", "!", "...") and rng.random() < 0.8 else part
        out = out + sep + nxt
    return tidy(out) if "\n" not in out else "\n".join(tidy(line) for line in out.split("\n"))


# --------------------------------------------------------------------------------------------
# one message per kind
# --------------------------------------------------------------------------------------------

def _families_for(register: str, **kw) -> list[Family]:
    return [f for f in families(**kw) if register in f.registers]


def _positive(rng: random.Random, label: str, register: str) -> tuple[list[Clause], set[str], Clause]:
    fams = _families_for(register, kind="positive", label=label)
    anchors = [f for f in fams if f.anchor]
    used: set[str] = set()
    first = rng.choice(anchors)
    k = _weighted_k(rng, (0.35, 0.4, 0.25))
    others = rng.sample([f for f in fams if f is not first], k=k - 1)
    main = make_clause(rng, first, register, used=used)
    clauses = [main] + [make_clause(rng, f, register, used=used) for f in others]
    labels = {label}
    if label == "recruitment" and rng.random() < MIXED_LABEL_P:
        clauses.append(make_clause(rng, registry()["sxt.threat_exposure"], register, used=used))
        labels.add("sextortion")
    rng.shuffle(clauses)
    if rng.random() < 0.12:
        clauses.insert(0, make_clause(rng, registry()["ben.smalltalk"], register, used=used))
    return clauses, labels, main


def _disclosure(rng: random.Random, register: str) -> tuple[list[Clause], set[str], Clause]:
    perspective = "self" if rng.random() < 0.75 else "friend"
    ctx = perspective_context(rng, perspective)
    fams = [f for f in _families_for(register, kind="positive", label="disclosure") if f.perspective == "any"]
    anchors = [f for f in fams if f.anchor]
    used: set[str] = set()
    first = rng.choice(anchors)
    k = _weighted_k(rng, (0.45, 0.4, 0.15))
    others = rng.sample([f for f in anchors if f is not first], k=k - 1)
    main = make_clause(rng, first, register, ctx, used)
    body = [main] + [make_clause(rng, f, register, ctx, used) for f in others]
    rng.shuffle(body)
    reg = registry()
    if perspective == "friend" or rng.random() < 0.45:
        body.insert(0, make_clause(rng, reg[f"disc.frame_{perspective}"], register, ctx, used))
    if rng.random() < 0.45:
        body.append(make_clause(rng, reg[f"disc.help_{perspective}"], register, ctx, used))
    return body, {"disclosure"}, main


def hard_negative_groups() -> list[str]:
    return sorted({f.group for f in families(kind="hard_negative")})


def _hard_negative(rng: random.Random, register: str) -> tuple[list[Clause], set[str], Clause]:
    fams = _families_for(register, kind="hard_negative")
    groups = sorted({f.group for f in fams})
    group = rng.choice(groups)
    family = rng.choice([f for f in fams if f.group == group])
    used: set[str] = set()
    weights = (0.6, 0.4) if group in FORMAL_GROUPS else (0.45, 0.4, 0.15)
    k = min(_weighted_k(rng, weights), len(family.templates))
    main = make_clause(rng, family, register, used=used)
    clauses = [main] + [make_clause(rng, family, register, used=used) for _ in range(k - 1)]
    rng.shuffle(clauses)
    if group not in FORMAL_GROUPS and rng.random() < 0.2:
        extra = rng.choice(_families_for(register, kind="benign"))
        clauses.insert(rng.randrange(len(clauses) + 1), make_clause(rng, extra, register, used=used))
    return clauses, set(), main


def _benign(rng: random.Random, register: str) -> tuple[list[Clause], set[str], Clause]:
    fams = _families_for(register, kind="benign")
    k = _weighted_k(rng, (0.45, 0.4, 0.15))
    used: set[str] = set()
    first = rng.choice(fams)
    main = make_clause(rng, first, register, used=used)
    clauses = [main] + [make_clause(rng, first if rng.random() < 0.6 else rng.choice(fams), register, used=used)
                        for _ in range(k - 1)]
    rng.shuffle(clauses)
    return clauses, set(), main


def compose(rng: random.Random, kind: str, register: str) -> dict:
    """One labelled message of ``kind`` (a category, ``hard_negative`` or ``benign``) in ``register``."""
    if kind in ("recruitment", "sextortion"):
        clauses, labels, main = _positive(rng, kind, register)
    elif kind == "disclosure":
        clauses, labels, main = _disclosure(rng, register)
    elif kind == "hard_negative":
        clauses, labels, main = _hard_negative(rng, register)
    elif kind == "benign":
        clauses, labels, main = _benign(rng, register)
    else:
        raise ValueError(f"unknown kind {kind!r}")
    reg = registry()
    parts = [c.text for c in clauses]
    formal = main.family.group in FORMAL_GROUPS or main.family.label == "disclosure"
    if rng.random() < (0.06 if formal else 0.25):
        parts.insert(0, make_clause(rng, reg["glue.greet"], register).text)
    if rng.random() < (0.03 if formal else 0.15):
        parts.append(make_clause(rng, reg["glue.close"], register).text)
    text = join_clauses(rng, parts)
    text = style.register_transform(text, register, rng)
    message_kind = "positive" if labels else ("hard_negative" if kind == "hard_negative" else "benign")
    text = style.noise(text, rng, main.family.tone, evasive_p=EVASIVE_P[message_kind],
                       scale=0.6 if formal and message_kind != "positive" else 1.0)
    tactics = {t for c in clauses for t in c.template.tactics}
    return {
        "text": text,
        "labels": sorted(labels, key=["recruitment", "sextortion", "disclosure"].index),
        "tactics": [t for t in TACTICS if t in tactics],
        "register": register,
        "kind": message_kind,
        "source": "synth",
        "template": main.template.id,
        "family": main.family.id,
    }


def generate_messages(n: int, seed: int) -> list[dict]:
    """``n`` distinct labelled messages, fully determined by ``seed``."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(f"synth-messages:{seed}")
    kinds = quota(n, KIND_SHARES, rng)
    seen: set[str] = set()
    out: list[dict] = []
    for i, kind in enumerate(kinds):
        register = pick_register(rng)
        for attempt in range(200):
            msg = compose(rng, kind, register)
            key = msg["text"].casefold()
            if key not in seen and msg["text"].strip() and guard.is_clean(msg["text"]):
                break
        else:  # pragma: no cover - the space is far larger than any n we use
            raise RuntimeError(f"could not find a new {kind} message after 200 attempts")
        seen.add(key)
        out.append({"id": f"syn{seed}-{i:06d}", **msg})
    return out
