"""Recall on positives before and after evasive rewrites (seeded), for the model and the baselines.

Each rewrite is a plain function ``(text, rng) -> text``; the rng is seeded per rewrite and per
message, so a run is reproducible. Recall is "any of the message's true categories flagged", and
it is measured on the messages a rewrite actually changed (before vs after, same messages), so a
rewrite that rarely applies (emoji) is not diluted by untouched messages. Target: a drop of at
most ``TARGET_DROP_POINTS`` recall points per rewrite.

Beside them, with no target, ``CONTEXT_REWRITES``: the same positive written beside an ordinary
line in one message ("haha ja was leuk vandaag. <positive>"). Not an evasion, but how chat is
written; every n-gram vector has unit length, so the everyday line dilutes the harmful one. It is
reported under ``context`` so the evasive rewrites' worst case and target stay what they were.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable

import numpy as np
from training.data_sources import MessageSet

from benchmarks.sets import EvalSets, label_matrix
from signals.evaluation import flagged

TARGET_DROP_POINTS = 10.0
SEED = 20240607
MAX_POSITIVES = 4000
QUICK_MAX_POSITIVES = 300
EXAMPLE = "zullen we morgen samen naar de bioscoop gaan? neem je telefoon mee"  # shown in the report

_WORD = re.compile(r"[^\W\d_]{4,}")
_LEET = {"a": "4", "e": "3", "i": "1", "o": "0", "s": "5", "t": "7"}
_ZERO_WIDTH = ("\u200b", "\u200c", "\u200d", "\u2060", "\ufeff")
_HOMOGLYPHS = {"a": "\u0430", "c": "\u0441", "e": "\u0435", "i": "\u0456", "j": "\u0458", "o": "\u043e",
               "p": "\u0440", "s": "\u0455", "x": "\u0445", "y": "\u0443", "A": "\u0410", "B": "\u0412",
               "C": "\u0421", "E": "\u0415", "H": "\u041d", "K": "\u041a", "M": "\u041c", "O": "\u041e",
               "P": "\u0420", "T": "\u0422", "X": "\u0425"}
_EMOJI = {"geld": "💰", "foto's": "📸", "fotos": "📸", "foto": "📸", "pics": "📸", "telefoon": "📱", "mobiel": "📱",
          "snapchat": "👻", "snap": "👻", "geheim": "🤫", "auto": "🚗", "thuis": "🏠", "huis": "🏠", "liefde": "❤️",
          "hart": "❤️", "cadeau": "🎁", "cadeautje": "🎁", "kado": "🎁", "politie": "👮", "school": "🏫",
          "bellen": "📞", "bel": "📞", "uur": "🕐", "tijd": "⏰", "bang": "😨", "kusjes": "😘"}
_EMOJI_WORDS = re.compile(r"(?<![\w'])(" + "|".join(sorted(map(re.escape, _EMOJI), key=len, reverse=True))
                          + r")(?![\w'])", re.IGNORECASE)
_KEY_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS = {ch: row[max(0, i - 1):i] + row[i + 1:i + 2] for row in _KEY_ROWS for i, ch in enumerate(row)}
_VOWELS = "aeiou"


def _some_words(text: str, rng: random.Random, share: float, change: Callable[[str, random.Random], str]) -> str:
    """Apply ``change`` to a random share of the words of 4+ letters (at least one, if there is one)."""
    words = list(_WORD.finditer(text))
    if not words:
        return text
    chosen = {i for i in range(len(words)) if rng.random() < share} or {rng.randrange(len(words))}
    out, cursor = [], 0
    for i, m in enumerate(words):
        out.append(text[cursor:m.start()])
        out.append(change(m.group(), rng) if i in chosen else m.group())
        cursor = m.end()
    out.append(text[cursor:])
    return "".join(out)


def leetspeak(text: str, rng: random.Random) -> str:
    return "".join(_LEET[c.lower()] if c.lower() in _LEET and rng.random() < 0.6 else c for c in text)


def separators(text: str, rng: random.Random) -> str:
    return _some_words(text, rng, 0.4, lambda w, r: r.choice((" ", " ", ".", "-")).join(w))


def zero_width(text: str, rng: random.Random) -> str:
    def insert(word: str, r: random.Random) -> str:
        return "".join(ch + (r.choice(_ZERO_WIDTH) if k < len(word) - 1 and r.random() < 0.4 else "")
                       for k, ch in enumerate(word))
    return _some_words(text, rng, 0.7, insert)


def homoglyphs(text: str, rng: random.Random) -> str:
    return "".join(_HOMOGLYPHS[c] if c in _HOMOGLYPHS and rng.random() < 0.5 else c for c in text)


def emoji(text: str, rng: random.Random) -> str:
    return _EMOJI_WORDS.sub(lambda m: _EMOJI[m.group().lower()], text)


def _typo(word: str, rng: random.Random) -> str:
    k = rng.randrange(len(word))
    kind = rng.choice(("swap", "drop", "double", "neighbour"))
    if kind == "swap" and k < len(word) - 1:
        return word[:k] + word[k + 1] + word[k] + word[k + 2:]
    if kind == "drop":
        return word[:k] + word[k + 1:]
    if kind == "neighbour" and word[k].lower() in _NEIGHBOURS:
        return word[:k] + rng.choice(_NEIGHBOURS[word[k].lower()]) + word[k + 1:]
    return word[:k] + word[k] + word[k:]


def typos(text: str, rng: random.Random) -> str:
    return _some_words(text, rng, 0.3, _typo)


def _elongate(word: str, rng: random.Random) -> str:
    spots = [k for k, c in enumerate(word) if c.lower() in _VOWELS] or [len(word) - 1]
    k = rng.choice(spots)
    return word[:k] + word[k] * rng.randint(3, 6) + word[k + 1:]


def elongation(text: str, rng: random.Random) -> str:
    return _some_words(text, rng, 0.25, _elongate)


def mixed_case(text: str, rng: random.Random) -> str:
    return "".join(c.upper() if rng.random() < 0.5 else c.lower() for c in text)


REWRITES: dict[str, Callable[[str, random.Random], str]] = {
    "leetspeak": leetspeak, "separators": separators, "zero_width": zero_width, "homoglyphs": homoglyphs,
    "emoji": emoji, "typos": typos, "elongation": elongation, "mixed_case": mixed_case,
}

# Ordinary lines in the registers the model serves; one is put before or after a positive.
EVERYDAY = (
    "haha ja was echt leuk vandaag", "ik zit nu in de trein", "heb je de wiskunde al af?", "morgen training om 7",
    "lol die video 😂", "ja kom straks", "ge moet da echt zien", "allez tot straks", "bro die game was lit",
    "wollah ik ben moe", "sorry was aan het werk", "mijn fiets is weer kapot", "ok top", "omg de bus is weer te laat",
    "send me die playlist", "wat eten we vanavond", "ik neem chips mee", "zondag naar oma?",
)


def beside_small_talk(text: str, rng: random.Random) -> str:
    line, joiner = rng.choice(EVERYDAY), rng.choice((" ", ". ", ", ", "\n"))
    return f"{line}{joiner}{text}" if rng.random() < 0.5 else f"{text}{joiner}{line}"


CONTEXT_REWRITES: dict[str, Callable[[str, random.Random], str]] = {"beside_small_talk": beside_small_talk}


def rewrite_all(name: str, texts: list[str], seed: int = SEED) -> list[str]:
    rewrite = REWRITES.get(name) or CONTEXT_REWRITES[name]
    return [rewrite(t, random.Random(f"{seed}:{name}:{i}")) for i, t in enumerate(texts)]


def examples(seed: int = SEED) -> dict[str, str]:
    return {name: REWRITES[name](EXAMPLE, random.Random(f"{seed}:{name}:example")) for name in REWRITES}


def _recall(Y: np.ndarray, hits: np.ndarray, rows: np.ndarray, categories: tuple[str, ...]) -> dict:
    if not rows.any():
        return {"any": None}
    out: dict[str, float | None] = {"any": float((hits[rows] & (Y[rows] == 1)).any(axis=1).mean())}
    for c, category in enumerate(categories):
        pos = rows & (Y[:, c] == 1)
        out[category] = float(hits[pos, c].mean()) if pos.any() else None
    return out


def robustness_sets(sets: EvalSets, quick: bool) -> tuple[dict[str, MessageSet], list[str]]:
    """The positives of the labelled development sets (``dev`` and labelled ``--extra`` files)."""
    limit = QUICK_MAX_POSITIVES if quick else MAX_POSITIVES
    chosen: dict[str, MessageSet] = {}
    notes: list[str] = []
    for name in sets.messages:
        ms = sets.positives(name)
        if len(ms) > limit:
            rng = random.Random(f"{SEED}:sample:{name}")
            ms = MessageSet(ms.name, rng.sample(ms.records, limit))
            notes.append(f"{name}: a seeded sample of {limit} positives")
        if len(ms):
            chosen[name] = ms
    return chosen, notes


def run_robustness(scorers: dict[str, tuple[Callable[[list[str]], np.ndarray], dict[str, float]]],
                   sets: EvalSets, quick: bool, log=print) -> dict:
    """``scorers``: name → (score_texts, thresholds); the model first, baselines after."""
    chosen, notes = robustness_sets(sets, quick)
    report: dict = {"target_drop_points": TARGET_DROP_POINTS, "seed": SEED, "notes": notes,
                    "example": {"original": EXAMPLE, **examples()}, "sets": {}}
    for set_name, ms in chosen.items():
        Y, texts, categories = label_matrix(ms.records, sets.categories), ms.texts, sets.categories
        rewritten = {name: rewrite_all(name, texts) for name in (*REWRITES, *CONTEXT_REWRITES)}
        entry: dict = {"n": len(ms), "scorers": {}}
        for scorer_name, (score, thresholds) in scorers.items():
            log(f"robustness: {scorer_name} on {set_name} ({len(ms)} positives × {len(REWRITES)} rewrites)")
            before = flagged(score(texts), thresholds, categories)
            everyone = np.ones(len(texts), bool)
            scorer_entry: dict = {"recall_before": _recall(Y, before, everyone, categories), "rewrites": {}, "context": {}}
            for name, new_texts in rewritten.items():
                changed = np.array([a != b for a, b in zip(texts, new_texts)])
                after = flagged(score(new_texts), thresholds, categories)
                r_before, r_after = _recall(Y, before, changed, categories), _recall(Y, after, changed, categories)
                drop = (None if r_before["any"] is None
                        else round(100 * (r_before["any"] - r_after["any"]), 2))
                evasive = name in REWRITES
                scorer_entry["rewrites" if evasive else "context"][name] = {
                    "changed_share": float(changed.mean()), "recall_before": r_before["any"],
                    "recall_after": r_after["any"], "drop_points": drop,
                    "recall_after_all": _recall(Y, after, everyone, categories)["any"],
                    "per_category_after": {c: r_after[c] for c in categories},
                    "meets_target": None if drop is None or not evasive else drop <= TARGET_DROP_POINTS,
                }
            entry["scorers"][scorer_name] = scorer_entry
        report["sets"][set_name] = entry
    return report
