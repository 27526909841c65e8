"""Long conversations as platforms see them, assembled from shorter hand-written ones and real lines.

A DM thread or a group chat runs for hundreds of turns over days: mostly small talk, sometimes one
stretch of grooming. Writers wrote conversations of 7 to 150 turns; this stitches them into longer
threads: harmless conversations (their speakers renamed onto the thread's participants) and runs of
real dialogue lines (the corpora's subtitles and Tatoeba sentences) one after another, and, for a
grooming thread, one grooming conversation embedded at a chosen depth. Labels follow: the suspect,
and the first grooming turn shifted by where the conversation was put.

Sources never cross splits: training threads are built from training conversations and the
corpora's ``train`` split, dev threads from dev conversations and ``test``-split lines of one corpus,
sealed-test threads from the sealed conversations and another corpus's ``test`` split.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Sequence


def _speakers(conversation: dict) -> list[str]:
    return list(dict.fromkeys(t["speaker"] for t in conversation["turns"]))


def _renamed(conversation: dict, participants: list[str], tag: str) -> list[dict]:
    """The conversation's turns with its speakers mapped, in order of appearance, onto ``participants``
    (extra speakers keep their own name, made unique with ``tag``)."""
    names = _speakers(conversation)
    mapping = {name: participants[i] if i < len(participants) else f"{name}~{tag}" for i, name in enumerate(names)}
    return [{**turn, "speaker": mapping[turn["speaker"]]} for turn in conversation["turns"]]


def _filler_run(filler: Sequence[dict], participants: list[str], rng: random.Random) -> list[dict]:
    start = rng.randrange(len(filler))
    length = rng.randint(3, 12)
    pair = participants[:2] if len(participants) >= 2 else participants * 2
    return [{**filler[(start + k) % len(filler)], "speaker": pair[k % 2]} for k in range(length)]


MAX_PIECES = 3  # written harmless conversations per thread; the rest is small talk


def _with_spikes(turns: list[dict], spikes: Sequence[dict], rate: float, participants: list[str],
                 rng: random.Random) -> list[dict]:
    """Single look-alike lines dropped into a run of small talk: each turn is followed, with probability
    ``rate``, by one line drawn from ``spikes`` (hand-written hard negatives), said by one of the two
    main participants. Real long chats hold the odd line that reads like a tactic out of context (a
    job tip, a joke about a photo); one such line alone is not grooming."""
    if not spikes or rate <= 0:
        return turns
    pair = participants[:2] if len(participants) >= 2 else participants * 2
    out: list[dict] = []
    for turn in turns:
        out.append(turn)
        if rng.random() < rate:
            out.append({**rng.choice(spikes), "speaker": rng.choice(pair)})
    return out


def _benign_material(benign: Sequence[dict], filler: Sequence[dict], participants: list[str], target: int,
                     rng: random.Random, tag: str, spikes: Sequence[dict] = (), spike_rate: float = 0.0) -> list[dict]:
    """Small talk (real dialogue lines) with one to three written harmless conversations among it, and
    (with ``spikes``) the odd single look-alike line.

    Most written harmless conversations are hard cases on purpose (look-alike lines); a thread as
    platforms see it is mostly small talk with a few such exchanges, not a collage of every hard
    case put in the mouth of the same two people. Without filler, conversations fill the thread."""
    turns: list[dict] = []
    pieces = rng.randint(1, MAX_PIECES) if filler else 10**6
    slots = sorted(rng.random() for _ in range(min(pieces, 50)))  # where, as a share of the thread, a piece starts
    piece = 0
    while len(turns) < target:
        due = piece < len(slots) and (not filler or len(turns) >= slots[piece] * target)
        if benign and due:
            turns.extend(_renamed(rng.choice(benign), participants, f"{tag}.{piece}"))
            piece += 1
        elif filler:
            turns.extend(_with_spikes(_filler_run(filler, participants, rng), spikes, spike_rate, participants, rng))
        else:
            break
    return turns[:target]


def long_length(rng: random.Random, low: int, high: int) -> int:
    """A length between ``low`` and ``high``, log-uniform (as many short threads as long ones)."""
    return round(math.exp(rng.uniform(math.log(low), math.log(high))))


def assemble(benign: Sequence[dict], grooming: Sequence[dict], filler: Sequence[dict], count: int,
             rng: random.Random, min_turns: int, max_turns: int, grooming_share: float = 0.3,
             prefix: str = "long", spikes: Sequence[dict] = (), spike_rate: float = 0.0,
             group_of: Callable[[dict], str] | None = None) -> list[dict]:
    """``count`` threads of ``min_turns``..``max_turns`` turns; about ``grooming_share`` of them embed
    one grooming conversation at a random depth. Turns are the source turns (any fields) with
    ``speaker`` set; filler items need no speaker. ``spikes``/``spike_rate``: see ``_with_spikes``
    (in benign and grooming threads alike, so a look-alike line is never a cue for either).
    ``group_of``: a thread's written conversations all come from the group (a fold of writers) of its
    grooming or first harmless one, so the whole thread sits in that fold (training threads)."""
    by_group: dict[str, list[dict]] = {}
    for conversation in benign if group_of is not None else ():
        by_group.setdefault(group_of(conversation), []).append(conversation)

    def pool(anchor: dict | None) -> Sequence[dict]:
        return by_group.get(group_of(anchor), []) if group_of is not None and anchor is not None else benign

    out = []
    for k in range(count):
        target = long_length(rng, min_turns, max_turns)
        tag = f"{prefix}-{k:04d}"
        if grooming and rng.random() < grooming_share:
            core = rng.choice(grooming)
            names = _speakers(core)
            suspect = core["suspect"]
            participants = [suspect] + [n for n in names if n != suspect]
            material = _benign_material(pool(core), filler, participants, max(0, target - len(core["turns"])), rng,
                                        tag, spikes, spike_rate)
            depth = rng.randrange(len(material) + 1)
            turns = material[:depth] + list(core["turns"]) + material[depth:]
            out.append({"id": tag, "turns": turns, "label": "grooming", "suspect": suspect,
                        "first_grooming_turn": depth + int(core.get("first_grooming_turn") or 0),
                        "register": core.get("register"), "source": f"assembled:{core.get('source', '')}",
                        "depth": depth / max(1, len(turns))})
        else:
            base = rng.choice(benign) if benign else None
            participants = _speakers(base) if base else ["a", "b"]
            turns = _benign_material(pool(base), filler, participants, target, rng, tag, spikes, spike_rate)
            out.append({"id": tag, "turns": turns, "label": "benign", "suspect": None, "first_grooming_turn": None,
                        "register": base.get("register") if base else None,
                        "source": f"assembled:{base.get('source', '') if base else 'filler'}"})
    return out
