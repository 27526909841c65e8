"""Conversation cost by length (issue 9 point 4): is scoring a conversation linear in its turns?

Conversations of 10, 100 and 1,000 turns are built from dev message texts (two speakers taking
turns, seeded), the same total number of turns at every length, and scored one conversation per
call (as ``POST /v1/conversations/score`` and ``signals score-conversations`` do). The best of a
few passes gives turns per second and milliseconds per turn per length; a linear scorer keeps
turns/s the same at every length (ratio to the 10-turn rate near 1). Chat rooms, 1,000 turns among
200 speakers and 10,000 among 2,000, check that the number of speakers does not multiply the cost
either; built from dev texts, they are flagged, so the first alert is looked for among many speakers.
"""

from __future__ import annotations

import random
import time

from benchmarks.sets import EvalSets
from signals.service import Conversation, ScoringService, Turn

LENGTHS = (10, 100, 1000)
CHAT_ROOMS = ((1000, 200), (10_000, 2_000))  # turns, speakers
QUICK_CHAT_ROOMS = ((1000, 200), (2_000, 400))
TOTAL_TURNS = 10_000
QUICK_TOTAL_TURNS = 2_000
PASSES = 3
QUICK_PASSES = 1
SEED = 99


def build_conversations(texts: list[str], length: int, count: int, seed: int = SEED,
                        speakers: int = 2) -> list[Conversation]:
    """Two speakers take turns; more speakers (a chat room) speak in a seeded random order."""
    rng = random.Random(f"{seed}:{length}:{speakers}")

    def speaker(i: int) -> str:
        return "ab"[i % 2] if speakers == 2 else f"s{rng.randrange(speakers)}"

    return [Conversation(f"cost-{length}-{k}", tuple(Turn(speaker(i), rng.choice(texts)) for i in range(length)))
            for k in range(count)]


def _time_calls(service: ScoringService, convs: list[Conversation], passes: int) -> dict:
    times, flagged = [], 0
    for _ in range(passes):
        start = time.perf_counter()
        flagged = sum(service.score_conversations([conv])[0].suspect is not None for conv in convs)
        times.append(time.perf_counter() - start)
    best = min(times)
    turns = sum(len(c.turns) for c in convs)
    return {"conversations": len(convs), "flagged": flagged, "turns": turns, "seconds_best": round(best, 3),
            "seconds_all": [round(t, 3) for t in times], "turns_per_s": round(turns / best, 1),
            "ms_per_turn": round(1000 * best / turns, 4), "ms_per_conversation": round(1000 * best / len(convs), 2)}


def text_pool(sets: EvalSets) -> list[str]:
    texts = [t for ms in sets.messages.values() for t in ms.texts]
    if not texts:
        texts = [t["text"] for convs in sets.conversations.values() for c in convs for t in c["turns"]]
    if not texts:
        raise RuntimeError("no dev texts to build conversations from")
    return texts


def run_conv_cost(service: ScoringService, sets: EvalSets, quick: bool, log=print) -> dict:
    total = QUICK_TOTAL_TURNS if quick else TOTAL_TURNS
    passes = QUICK_PASSES if quick else PASSES
    texts = text_pool(sets)
    service.score_conversations(build_conversations(texts, 20, 2, seed=1))  # warm-up: caches, lazy imports
    report: dict = {"total_turns_per_length": total, "passes": passes, "lengths": {}}
    for length in LENGTHS:
        report["lengths"][str(length)] = entry = _time_calls(
            service, build_conversations(texts, length, max(1, total // length)), passes)
        log(f"conversation cost: {entry['conversations']} × {length} turns: {entry['turns_per_s']:,.0f} turns/s")
    base = report["lengths"][str(LENGTHS[0])]["turns_per_s"]
    for entry in report["lengths"].values():
        entry["relative_to_10"] = round(entry["turns_per_s"] / base, 3)
    two_speakers = report["lengths"][str(LENGTHS[-1])]["turns_per_s"]
    report["chat_rooms"] = []
    for turns, speakers in QUICK_CHAT_ROOMS if quick else CHAT_ROOMS:
        room = _time_calls(service, build_conversations(texts, turns, max(1, total // turns), speakers=speakers), passes)
        report["chat_rooms"].append({**room, "speakers": speakers,
                                     "relative_to_two_speakers": round(room["turns_per_s"] / two_speakers, 3)})
        log(f"conversation cost: {room['conversations']} × {turns} turns among {speakers} speakers "
            f"({room['flagged']} flagged): {room['turns_per_s']:,.0f} turns/s")
    return report
