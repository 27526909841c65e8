"""Two-party conversations: small talk first, then a script (grooming or a benign hard case)."""

from __future__ import annotations

import random
from dataclasses import dataclass

from . import guard, style
from .messages import join_clauses, make_clause, pick_register, quota
from .slots import BOYS, GIRLS, handle
from .templates import registry

MIN_TURNS, MAX_TURNS = 4, 14

# small-talk exchanges: (who asks: "S" | "T" | "*", question family, answer family)
GREET = ("*", "small.greet", "small.greet_reply")
DAY = ("*", "small.ask_day", "small.day_reply")
HOBBY = ("*", "small.ask_hobby", "small.hobby_reply")
WEEKEND = ("*", "small.ask_weekend", "small.weekend_reply")
POST = ("S", "small.comment_post", "small.thanks")
KNOW = ("T", "small.how_know", "small.know_reply")


@dataclass(frozen=True)
class Step:
    role: str  # "S": the party driving the script (the suspect in grooming scripts), "T": the other
    families: tuple[str, ...]
    p: float = 1.0


@dataclass(frozen=True)
class Script:
    id: str
    label: str  # grooming | benign
    small_talk: tuple[tuple[str, str, str], ...]
    n_small: tuple[int, int]
    steps: tuple[Step, ...]
    first_fixed: tuple[tuple[str, str, str], ...] = ()


def S(*fams: str, p: float = 1.0) -> Step:
    return Step("S", fams, p)


def T(*fams: str, p: float = 1.0) -> Step:
    return Step("T", fams, p)


SCRIPTS: tuple[Script, ...] = (
    # ------------------------------------------------------------------ grooming
    Script("conv.rec.loverboy", "grooming", (DAY, HOBBY, WEEKEND), (1, 3), (
        S("rec.flattery"), T("reply.flattered", p=0.9),
        S("rec.gifts_money", p=0.9), T("reply.unsure", "reply.agree", p=0.8),
        S("rec.isolation", p=0.7), T("reply.sad_home", "reply.unsure", p=0.6),
        S("rec.secrecy"), T("reply.agree", "reply.unsure", p=0.7),
        S("rec.meeting", "rec.platform_switch", p=0.8), T("reply.agree", "reply.unsure", p=0.5),
    ), first_fixed=(GREET,)),
    Script("conv.rec.job_offer", "grooming", (POST, KNOW, DAY), (1, 2), (
        S("rec.job_offer"), T("reply.unsure"),
        S("rec.age_probe", p=0.8), T("reply.age", p=0.8),
        S("rec.platform_switch", "rec.image_request", p=0.8), T("reply.unsure", "reply.handle", p=0.6),
        S("rec.secrecy", "rec.emotional_pressure", p=0.7), T("reply.unsure", p=0.5),
        S("rec.meeting", p=0.7),
    ), first_fixed=(GREET,)),
    Script("conv.rec.gamer", "grooming", (HOBBY, DAY, KNOW), (1, 3), (
        S("rec.flattery"), T("reply.flattered", p=0.8),
        S("rec.age_probe"), T("reply.age", "reply.parents"),
        S("rec.image_request", p=0.9), T("reply.unsure", p=0.8),
        S("rec.secrecy", "rec.emotional_pressure", p=0.8), T("reply.unsure", "reply.agree", p=0.6),
        S("rec.platform_switch", p=0.7), T("reply.handle", p=0.5),
    ), first_fixed=(GREET,)),
    Script("conv.rec.debt", "grooming", (DAY, WEEKEND), (1, 2), (
        S("rec.flattery", "rec.gifts_money"), T("reply.flattered", "reply.agree", p=0.8),
        S("rec.gifts_money", p=0.7), T("reply.agree", p=0.6),
        S("rec.emotional_pressure"), T("reply.unsure", "reply.scared"),
        S("rec.job_offer", p=0.8), T("reply.unsure", "reply.scared", p=0.7),
        S("rec.emotional_pressure", "rec.secrecy", p=0.7),
    ), first_fixed=(GREET,)),
    Script("conv.sxt.classic", "grooming", (POST, KNOW, DAY), (1, 2), (
        S("rec.flattery"), T("reply.flattered", p=0.8),
        S("rec.platform_switch", p=0.5), T("reply.handle", p=0.5),
        S("rec.image_request", p=0.8), T("reply.unsure", "reply.agree", p=0.7),
        S("sxt.threat_exposure"), T("reply.scared"),
        S("sxt.payment_demand"), T("reply.stall", "reply.scared", p=0.8),
        S("sxt.deadline", "sxt.threat_exposure", p=0.8), T("reply.scared", p=0.5),
        S("sxt.secrecy", "sxt.emotional_pressure", p=0.5),
    ), first_fixed=(GREET,)),
    Script("conv.sxt.fast", "grooming", (KNOW, POST), (0, 1), (
        S("sxt.threat_exposure"), T("reply.scared"),
        S("sxt.payment_demand"), T("reply.stall", "reply.scared"),
        S("sxt.deadline", p=0.8), T("reply.scared", p=0.6),
        S("sxt.image_request", "sxt.secrecy", "sxt.emotional_pressure", p=0.6),
    ), first_fixed=(GREET,)),
    Script("conv.sxt.more_images", "grooming", (DAY, HOBBY), (1, 2), (
        S("sxt.image_request"), T("reply.scared", "reply.unsure"),
        S("sxt.threat_exposure"), T("reply.scared"),
        S("sxt.meeting", "sxt.platform_switch", p=0.6), T("reply.unsure", "reply.scared", p=0.5),
        S("sxt.deadline", p=0.7),
    ), first_fixed=(GREET,)),
    Script("conv.rec.peer_recruiter", "grooming", (DAY, WEEKEND, HOBBY), (1, 2), (
        S("rec.job_offer"), T("reply.unsure", "reply.agree"),
        S("rec.gifts_money", "rec.flattery", p=0.8), T("reply.agree", "reply.flattered", p=0.6),
        S("rec.secrecy"), T("reply.unsure", "reply.agree", p=0.6),
        S("rec.meeting", "rec.platform_switch", p=0.8), T("reply.agree", p=0.4),
    ), first_fixed=(GREET,)),
    Script("conv.rec.isolation_first", "grooming", (DAY, WEEKEND), (1, 2), (
        S("rec.isolation"), T("reply.sad_home", "reply.unsure"),
        S("rec.flattery", p=0.8), T("reply.flattered", p=0.7),
        S("rec.secrecy", "rec.age_probe"), T("reply.agree", "reply.parents", p=0.6),
        S("rec.platform_switch", "rec.meeting", p=0.8), T("reply.handle", "reply.agree", p=0.5),
    ), first_fixed=(GREET,)),
    Script("conv.sxt.money_first", "grooming", (KNOW,), (0, 1), (
        S("sxt.payment_demand"), T("reply.stall", "reply.scared"),
        S("sxt.threat_exposure"), T("reply.scared", p=0.8),
        S("sxt.deadline", "sxt.emotional_pressure", p=0.8), T("reply.stall", p=0.5),
        S("sxt.secrecy", "sxt.platform_switch", p=0.5),
    ), first_fixed=(GREET,)),
    # ------------------------------------------------------------------ benign hard cases
    Script("conv.ben.classmates_project", "benign", (DAY,), (0, 1), (
        S("hn.snap_swap"), T("reply.handle"),
        S("ben.school"), T("reply.ok", "reply.laugh"),
        S("hn.gaming_age", p=0.7), T("reply.age_peer", p=0.7),
    ), first_fixed=(GREET,)),
    Script("conv.ben.seller", "benign", (), (0, 0), (
        S("hn.payment_deadline"), T("reply.pay_ok", "reply.ok"),
        S("hn.payment_deadline", p=0.8), T("reply.ok", p=0.7),
        S("hn.snap_swap", p=0.3),
    ), first_fixed=(GREET,)),
    Script("conv.ben.surprise", "benign", (DAY, WEEKEND), (0, 1), (
        S("hn.surprise_secret"), T("reply.ok", "reply.laugh"),
        S("hn.surprise_secret", "ben.plans", p=0.8), T("reply.ok", p=0.7),
    ), first_fixed=(GREET,)),
    Script("conv.ben.family_gift", "benign", (), (0, 0), (
        S("hn.family_gift"), T("reply.parent", "reply.ok"),
        S("hn.parent_home", "hn.family_gift", p=0.8), T("reply.parent", p=0.7),
    ), first_fixed=(GREET,)),
    Script("conv.ben.classmates_gaming", "benign", (DAY, HOBBY), (1, 2), (
        S("hn.gaming_age"), T("reply.age_peer", "reply.game"),
        S("hn.gaming_age"), T("reply.game"),
        S("hn.snap_swap", p=0.8), T("reply.handle", p=0.7),
        S("ben.gaming", p=0.6), T("reply.laugh", "reply.ok", p=0.6),
    ), first_fixed=(GREET,)),
    Script("conv.ben.coach_parent", "benign", (GREET,), (0, 1), (
        S("hn.coach_lift"), T("reply.lift"),
        S("hn.coach_lift", p=0.8), T("reply.ok", "reply.lift"),
        S("hn.coach_lift", p=0.5), T("reply.ok", p=0.5),
    )),
    Script("conv.ben.coach_player", "benign", (DAY,), (0, 1), (
        S("hn.coach_lift"), T("reply.coach"),
        S("hn.coach_lift", p=0.7), T("reply.coach", "reply.ok"),
        S("ben.sport", p=0.6), T("reply.ok", p=0.6),
    ), first_fixed=(GREET,)),
    Script("conv.ben.adults_dating", "benign", (HOBBY, WEEKEND, DAY), (1, 2), (
        S("hn.adult_flirt"), T("reply.date"),
        S("hn.adult_flirt"), T("reply.date", "reply.ok"),
        S("hn.adult_flirt", p=0.7), T("reply.ok", "reply.date", p=0.6),
    ), first_fixed=(GREET,)),
    Script("conv.ben.friend_money", "benign", (DAY, WEEKEND), (0, 2), (
        S("hn.payment_deadline"), T("reply.pay_ok"),
        S("hn.payment_deadline", "ben.plans", p=0.6), T("reply.ok", "reply.pay_ok"),
        S("ben.smalltalk", p=0.4), T("reply.ok", p=0.4),
    ), first_fixed=(GREET,)),
    Script("conv.ben.parent_child", "benign", (), (0, 0), (
        S("hn.parent_home"), T("reply.parent"),
        S("hn.parent_home", p=0.9), T("reply.parent", p=0.8),
        S("hn.parent_home", p=0.5), T("reply.parent", "reply.ok", p=0.5),
    )),
    Script("conv.ben.friends_joke", "benign", (DAY, WEEKEND, HOBBY), (1, 2), (
        S("hn.friend_joke"), T("reply.laugh"),
        S("hn.friend_joke", p=0.7), T("reply.laugh", p=0.7),
        S("ben.plans", "hn.surprise_secret", p=0.6), T("reply.ok", p=0.6),
    ), first_fixed=(GREET,)),
    Script("conv.ben.news_talk", "benign", (DAY,), (0, 1), (
        S("hn.news_chat"), T("reply.ok", "reply.unsure"),
        S("hn.prevention", p=0.8), T("reply.ok", p=0.7),
        S("ben.school", p=0.4),
    ), first_fixed=(GREET,)),
    Script("conv.ben.side_job", "benign", (DAY, WEEKEND), (0, 1), (
        S("hn.legit_job"), T("reply.unsure", "reply.ok"),
        S("hn.gaming_age", "hn.legit_job", p=0.6), T("reply.age_peer", p=0.6),
        S("hn.snap_swap", p=0.5), T("reply.handle", p=0.5),
    ), first_fixed=(GREET,)),
    Script("conv.ben.chat", "benign", (DAY, HOBBY, WEEKEND, POST), (2, 4), (
        S("ben.plans", "ben.school", "ben.media"), T("reply.ok", "reply.laugh"),
        S("ben.food", "ben.gaming", "ben.sport", p=0.6), T("reply.ok", p=0.6),
    ), first_fixed=(GREET,)),
)


def _speaker_names(rng: random.Random) -> tuple[str, str]:
    def one() -> str:
        r = rng.random()
        name = rng.choice(GIRLS + BOYS)
        if r < 0.45:
            return name
        if r < 0.6:
            return name.lower() + str(rng.randint(1, 99))
        if r < 0.7:
            return f"{name} {rng.choice('ABCDEFGHJKLMNPRSTVW')}."
        return handle(rng).lstrip("@")
    a = one()
    b = one()
    while b.lower() == a.lower():
        b = one()
    return a, b


def _turn_text(rng: random.Random, fam_id: str, register: str, grooming: bool) -> str:
    fam = registry()[fam_id]
    used: set[str] = set()
    parts = [make_clause(rng, fam, register, used=used).text]
    if fam.kind in ("positive", "hard_negative", "benign") and rng.random() < 0.2 and len(fam.templates) > 2:
        parts.append(make_clause(rng, fam, register, used=used).text)
    text = join_clauses(rng, parts)
    text = style.register_transform(text, register, rng, strength=0.8)
    evasive_p = 0.10 if (grooming or fam.kind == "hard_negative") else 0.0
    return style.noise(text, rng, fam.tone, evasive_p=evasive_p, scale=0.8)


def _plan(rng: random.Random, script: Script) -> list[tuple[str, str, bool]]:
    """(role, family id, is_script_step) for every turn."""
    small: list[tuple[str, str, bool]] = []
    exchanges = list(script.first_fixed)
    pool = list(script.small_talk)
    rng.shuffle(pool)
    exchanges += pool[:rng.randint(*script.n_small)]
    for asker, q, a in exchanges:
        who = asker if asker != "*" else rng.choice("ST")
        other = "T" if who == "S" else "S"
        small.append((who, q, False))
        if rng.random() < 0.92:
            small.append((other, a, False))
    steps: list[tuple[str, str, bool]] = []
    prompt_taken = True
    for step in script.steps:
        if step.role == "T" and not prompt_taken:
            continue  # no reply to a message that was not sent
        taken = rng.random() < step.p
        if step.role == "S":
            prompt_taken = taken
        if taken:
            steps.append((step.role, rng.choice(step.families), True))
    # keep the script to at most MAX_TURNS: drop trailing optional steps first, then small talk
    while len(small) + len(steps) > MAX_TURNS:
        if len(steps) > 4:
            steps.pop()
        else:
            small.pop()
    fillers = [DAY, HOBBY, WEEKEND]
    while len(small) + len(steps) < MIN_TURNS:
        asker, q, a = fillers.pop(rng.randrange(len(fillers)))
        who = rng.choice("ST")
        small += [(who, q, False), ("T" if who == "S" else "S", a, False)]
    return small + steps


def compose_conversation(rng: random.Random, script: Script, register: str) -> dict:
    names = _speaker_names(rng)
    role_name = {"S": names[0], "T": names[1]}
    grooming = script.label == "grooming"
    turns, first = [], None
    for role, fam_id, is_step in _plan(rng, script):
        fam = registry()[fam_id]
        is_grooming_turn = grooming and is_step and role == "S" and fam.kind == "positive"
        if is_grooming_turn and first is None:
            first = len(turns)
        turns.append({"speaker": role_name[role], "text": _turn_text(rng, fam_id, register, is_grooming_turn)})
    return {
        "turns": turns,
        "label": script.label,
        "suspect": role_name["S"] if grooming else None,
        "first_grooming_turn": first if grooming else None,
        "register": register,
        "source": "synth",
        "template": script.id,
    }


def generate_conversations(n: int, seed: int) -> list[dict]:
    """``n`` distinct conversations (about half grooming), fully determined by ``seed``."""
    if n < 0:
        raise ValueError("n must be >= 0")
    rng = random.Random(f"synth-conversations:{seed}")
    labels = quota(n, [("grooming", 0.5), ("benign", 0.5)], rng)
    by_label = {lab: [s for s in SCRIPTS if s.label == lab] for lab in ("grooming", "benign")}
    seen: set[tuple[str, ...]] = set()
    out: list[dict] = []
    for i, label in enumerate(labels):
        register = pick_register(rng)
        for _ in range(200):
            conv = compose_conversation(rng, rng.choice(by_label[label]), register)
            key = tuple(t["text"].casefold() for t in conv["turns"])
            if key not in seen and all(guard.is_clean(t["text"]) for t in conv["turns"]):
                break
        else:  # pragma: no cover
            raise RuntimeError("could not find a new conversation after 200 attempts")
        seen.add(key)
        out.append({"id": f"syn{seed}-c{i:05d}", **conv})
    return out
