"""Conversation scoring that holds for any length: who drives the grooming, how sure, from which turn.

Per speaker, the message model's turn scores (which already see the context before each turn) and
the turns' tactics are summarised as evidence that does not grow with the number of turns:
- the strongest single turn, and the strongest *window* of turns (the mean of the top three own
  scores in any 12 consecutive turns), and a decayed running average of the speaker's scores;
- the strongest single turn that coerces (a threat to expose, a payment demand, a deadline): one
  such turn is evidence of its own, where a lone compliment or age question is not;
- how many distinct tactics, and how many stages of the grooming sequence (trust → isolation →
  contact → images → coercion), the speaker used within any 30 consecutive turns;
- the other side's disclosure or distress within any 12 turns;
- who is who (``ages``): an adult speaking with a declared minor, minors of about one age, adults
  among themselves (separate: a groomer may pose as a peer, while adults who both state adult ages
  groomed no one in the hand-written chats), as interactions with the evidence above, never on
  their own.
Every feature is a running maximum over windows, so appending harmless turns to a harmless chat
cannot raise it; nothing is a sum or a count of turns. A logistic regression turns a speaker's
features into the probability that this speaker grooms another; the conversation's risk is its
riskiest speaker's, calibrated on held-out conversations, and it is flagged at the threshold of its
length bucket (thresholds never fall as conversations grow). The first alert is the first turn at
which the conversation so far crosses the threshold of its length. ``speaker_features`` defines
every feature at every prefix; scoring reads the same numbers from each speaker's own turns
(``read_speakers``), so a conversation costs time linear in its turns however many speak.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, replace
from itertools import pairwise

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from signals.model.ages import age_relation, earliest_by_age, relation_since, speaker_ages

WINDOW = 12          # turns for the strongest-window and distress features
BREADTH_WINDOW = 30  # turns for the tactic-breadth and stage features
TOP = 3              # own turns averaged in the strongest window
DECAY = 0.8          # per own turn, for the decayed running average
STAGE_OF = {
    "flattery": 0, "gifts_money": 0, "job_offer": 0,
    "isolation": 1, "secrecy": 1, "emotional_pressure": 1,
    "platform_switch": 2, "meeting": 2, "age_probe": 2,
    "image_request": 3,
    "threat_exposure": 4, "payment_demand": 4, "deadline": 4,
}
N_STAGES = 5
COERCION = N_STAGES - 1  # the last stage: threats, payment demands, deadlines
FEATURES = ("max_turn", "strongest_window", "decayed", "tactic_breadth", "stages", "coercion_turn", "other_distress",
            "adult_minor_x_window", "adult_minor_x_breadth", "peers_x_window", "own_minor_x_window",
            "adults_x_window")
# Who-is-who discounts: peers, a speaker who is a minor, adults among themselves may lower the risk.
# Every other feature is evidence and may only raise it (its weight is fitted with a lower bound of
# 0): fitted freely, the other side's distress got a negative weight, so "help ik word bedreigd"
# from the victim took a flagged chat below the threshold.
DISCOUNTS = ("peers_x_window", "own_minor_x_window", "adults_x_window")


@dataclass(frozen=True)
class ConversationScore:
    risk: float
    suspect: str | None
    first_alert_turn: int | None
    speaker_risk: dict[str, float]


@dataclass(frozen=True)
class TurnEvidence:
    """What the conversation model reads of each turn."""

    review: np.ndarray      # (n,) strongest review-category probability of the turn
    distress: np.ndarray    # (n,) support-category (disclosure) probability of the turn
    tactics: np.ndarray     # (n, tactics) tactic scores
    speakers: Sequence[str]
    texts: Sequence[str]    # original texts (the ages speakers give, read by ``ages``)


def _top_mean(windows: np.ndarray, top: int) -> np.ndarray:
    """Per row, the mean of its ``top`` largest values, added in one order (largest last) wherever
    the row's values came from, so every way of computing a window gives the same number."""
    k = min(top, windows.shape[1])
    best = np.sort(-np.partition(-windows, k - 1, axis=1)[:, :k], axis=1)
    return best.mean(axis=1)


def _window_max_of_top(values: np.ndarray, window: int, top: int) -> np.ndarray:
    """For every prefix end t: the mean of the ``top`` largest values in [t-window+1, t] (zero-padded)."""
    padded = np.concatenate([np.zeros(window - 1, values.dtype), values])
    return _top_mean(sliding_window_view(padded, window), top)


def _window_any(flags: np.ndarray, window: int) -> np.ndarray:
    """(n, k) 0/1 → for every prefix end t: how many of the k columns are set within the window."""
    counts = np.cumsum(flags, axis=0)
    shifted = np.vstack([np.zeros((window, flags.shape[1])), counts])[: len(flags)]
    return ((counts - shifted) > 0).sum(axis=1)


def speaker_features(evidence: TurnEvidence, speaker: str, tactic_names: Sequence[str],
                     ages: dict[str, list[tuple[int, int]]] | None = None) -> np.ndarray:
    """(n_turns, len(FEATURES)): the speaker's features over every prefix of the conversation. The
    definition, turn by turn; scoring reads the same numbers from the speaker's own turns."""
    n = len(evidence.speakers)
    mine = np.fromiter((s == speaker for s in evidence.speakers), bool, count=n)
    own = np.where(mine, evidence.review, 0.0)
    others_distress = np.where(mine, 0.0, evidence.distress)
    running = np.maximum.accumulate
    max_turn = running(own)
    window = running(_window_max_of_top(own, WINDOW, TOP))
    decayed = np.zeros(n)
    level = 0.0
    for t in np.flatnonzero(mine).tolist():
        level = DECAY * level + (1 - DECAY) * own[t]
        decayed[t] = level
    decayed = running(decayed)
    used = (evidence.tactics > 0) & mine[:, None]
    breadth = running(_window_any(used.astype(np.int32), BREADTH_WINDOW) / max(1, used.shape[1]))
    stage_flags = _stage_flags(used.astype(np.int32), tactic_names)
    stages = running(_window_any(stage_flags, BREADTH_WINDOW) / N_STAGES)
    coercion = running(np.where(stage_flags[:, COERCION] > 0, own, 0.0))
    distress = running(_window_max_of_top(others_distress, WINDOW, 1))
    relation = age_relation(ages if ages is not None else speaker_ages(evidence.texts, evidence.speakers), speaker, n)
    adult_minor, peers, own_minor, adults = relation[:, 0], relation[:, 1], relation[:, 2], relation[:, 3]
    return np.column_stack([max_turn, window, decayed, breadth, stages, coercion, distress, adult_minor * window,
                            adult_minor * breadth, peers * window, own_minor * window,
                            adults * window]).astype(np.float64)


def _stage_flags(used: np.ndarray, tactic_names: Sequence[str]) -> np.ndarray:
    """(n, tactics) 0/1 → (n, stages) 0/1: which stages of the grooming sequence each turn reaches."""
    stages = np.zeros((len(used), N_STAGES), np.int32)
    for j, name in enumerate(tactic_names):
        if name in STAGE_OF:
            stages[:, STAGE_OF[name]] |= used[:, j]
    return stages


def _own_window_top(positions: np.ndarray, values: np.ndarray, window: int, top: int) -> np.ndarray:
    """At each of a speaker's turns (``positions`` in the conversation): the mean of the ``top``
    largest of their values within the last ``window`` turns (zero-padded, as ``_window_max_of_top``)."""
    m = len(positions)
    back = np.arange(max(top, min(window, m)))
    index = np.arange(m)[:, None] - back[None, :]
    start = np.searchsorted(positions, positions - (window - 1), side="left")
    inside = index >= start[:, None]
    return _top_mean(np.where(inside, values[np.maximum(index, 0)], 0.0), top)


def _own_window_breadth(positions: np.ndarray, flags: np.ndarray, window: int) -> np.ndarray:
    """At each of a speaker's turns: how many of the flag columns their turns set within the last
    ``window`` turns (as ``_window_any``)."""
    counts = np.vstack([np.zeros((1, flags.shape[1]), np.int64), np.cumsum(flags, axis=0)])
    start = np.searchsorted(positions, positions - (window - 1), side="left")
    return ((counts[1:] - counts[start]) > 0).sum(axis=1)


def _own_steps(evidence: TurnEvidence, positions: np.ndarray, used: np.ndarray, stages: np.ndarray) -> np.ndarray:
    """(len(positions), 6): a speaker's own features (max_turn, strongest_window, decayed,
    tactic_breadth, stages, coercion_turn) as they stand after each of their turns (``positions`` in the conversation):
    ``speaker_features``' columns, read from the speaker's turns only. Between their turns they stay
    as they are (a window ending on someone else's turn holds fewer of theirs)."""
    own = evidence.review[positions]
    levels = np.empty(len(own))
    level = 0.0
    for i, value in enumerate(own.tolist()):
        level = DECAY * level + (1 - DECAY) * value
        levels[i] = level
    running = np.maximum.accumulate
    return np.column_stack([
        running(np.maximum(own, 0.0)),
        running(np.maximum(_own_window_top(positions, own, WINDOW, TOP), 0.0)),
        running(np.maximum(levels, 0.0)),
        running(_own_window_breadth(positions, used[positions], BREADTH_WINDOW) / max(1, used.shape[1])),
        running(_own_window_breadth(positions, stages[positions], BREADTH_WINDOW) / N_STAGES),
        running(np.where(stages[positions, COERCION] > 0, np.maximum(own, 0.0), 0.0))])


def _feature_rows(own: np.ndarray, distress: np.ndarray, relation: np.ndarray) -> np.ndarray:
    """``FEATURES`` rows from own features (``_own_steps`` columns), the others' distress and the four
    who-is-who flags (``age_relation`` columns), in ``speaker_features``' order."""
    window, breadth = own[:, 1], own[:, 3]
    return np.column_stack([own, distress, relation[:, 0] * window, relation[:, 0] * breadth,
                            relation[:, 1] * window, relation[:, 2] * window, relation[:, 3] * window])


@dataclass(frozen=True)
class _Speakers:
    """Each speaker's turns and own features, read once per conversation (linear in its turns)."""

    names: list[str]
    positions: list[np.ndarray]   # per speaker, their turns in the conversation
    steps: list[np.ndarray]       # per speaker, ``_own_steps`` at each of their turns
    since: np.ndarray             # (speakers, 4): the turn each who-is-who flag holds from (n: never)
    distress: np.ndarray          # (turns, 2): the highest distress so far, and the highest of anyone else
    holder: np.ndarray            # (turns,): the speaker of the highest distress so far (-1: none yet)

    def others_distress(self, k: int, turns: np.ndarray) -> np.ndarray:
        """The highest distress of anyone but speaker ``k`` up to each of ``turns`` (0 before any)."""
        return np.where(self.holder[turns] == k, self.distress[turns, 1], self.distress[turns, 0])

    def final_rows(self) -> np.ndarray:
        """(speakers, len(FEATURES)): every speaker's features at the end of the conversation."""
        last = np.array([len(self.holder) - 1])
        return np.vstack([self.rows_at(k, last) for k in range(len(self.names))] or [np.zeros((0, len(FEATURES)))])

    def rows_at(self, k: int, turns: np.ndarray) -> np.ndarray:
        """Speaker ``k``'s ``FEATURES`` after each of ``turns``: ``speaker_features`` at those rows."""
        last = np.searchsorted(self.positions[k], turns, side="right") - 1
        own = np.where(last[:, None] >= 0, self.steps[k][np.maximum(last, 0)], 0.0)
        relation = (self.since[k][None, :] <= turns[:, None]).astype(np.float64)
        return _feature_rows(own, self.others_distress(k, turns), relation)


def _running_distress(distress: np.ndarray, codes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per turn: the highest distress so far with its speaker, and the highest by any other speaker
    (both 0 before any): the others' distress of every speaker at every turn, in one pass."""
    n = len(codes)
    best, second, holder = np.zeros(n), np.zeros(n), np.full(n, -1, np.int64)
    top, runner_up, who = 0.0, 0.0, -1
    for t, (code, value) in enumerate(zip(codes.tolist(), distress.tolist())):
        if value > top:
            if code != who:
                runner_up = top
            top, who = value, code
        elif code != who and value > runner_up:
            runner_up = value
        best[t], second[t], holder[t] = top, runner_up, who
    return np.column_stack([best, second]), holder


def read_speakers(evidence: TurnEvidence, tactic_names: Sequence[str],
                  ages: dict[str, list[tuple[int, int]]] | None = None) -> _Speakers:
    """Speakers (first appearance order), each speaker's turns and own features at each of them, the
    turn from which each who-is-who flag holds, and the others' distress: everything the features of
    any speaker at any prefix are made of, in time linear in the turns however many speak."""
    names = list(dict.fromkeys(evidence.speakers))
    n = len(evidence.speakers)
    ages = speaker_ages(evidence.texts, evidence.speakers) if ages is None else ages
    by_age = earliest_by_age(ages)
    code = {name: k for k, name in enumerate(names)}
    codes = np.fromiter((code[s] for s in evidence.speakers), np.int64, count=n)
    order = np.argsort(codes, kind="stable")
    bounds = np.concatenate([[0], np.cumsum(np.bincount(codes, minlength=len(names)))])
    used = (evidence.tactics > 0).astype(np.int32)
    stages = _stage_flags(used, tactic_names)
    positions = [order[bounds[k]:bounds[k + 1]] for k in range(len(names))]
    steps = [_own_steps(evidence, turns, used, stages) for turns in positions]
    since = np.array([relation_since(ages, name, n, by_age) for name in names], np.int64).reshape(len(names), 4)
    distress, holder = _running_distress(evidence.distress, codes)
    return _Speakers(names, positions, steps, since, distress, holder)


def conversation_rows(evidence: TurnEvidence, tactic_names: Sequence[str],
                      ages: dict[str, list[tuple[int, int]]] | None = None) -> tuple[list[str], np.ndarray]:
    """Speakers (first appearance order) and their features at the end of the conversation: the last
    row of ``speaker_features``, read from each speaker's own turns, so a chat room of many speakers
    costs time linear in its turns, not turns × speakers."""
    speakers = read_speakers(evidence, tactic_names, ages)
    return speakers.names, speakers.final_rows()


UNBOUNDED = 10**9                       # the longest bucket has no end
LengthPoint = tuple[int, float, float]  # (longest conversation of the bucket in turns, high precision, high recall)


def length_points_to_json(by_length: Sequence[LengthPoint]) -> list[dict]:
    """``thresholds.json`` form: ``max_turns`` null for the open-ended last bucket."""
    return [{"max_turns": None if longest >= UNBOUNDED else int(longest), "high_precision": float(high_precision),
             "high_recall": float(high_recall)} for longest, high_precision, high_recall in by_length]


def describe_length_points(points: Sequence[dict], number=lambda x: f"{x:.3f}") -> str:
    """'0.39 up to 25 turns, 0.82 up to 100 turns, …' for reports and model cards."""
    return ", ".join(f"{number(p['high_precision'])} up to {p['max_turns']} turns" if p["max_turns"] is not None
                     else f"{number(p['high_precision'])} beyond" for p in points)


def length_points_from_json(items: Sequence[dict]) -> tuple[LengthPoint, ...]:
    """Read ``by_length``, refusing what would make a threshold fall as a chat grows or not be a threshold."""
    points: list[LengthPoint] = []
    for item in items:
        longest, high_precision, high_recall = item["max_turns"], item["high_precision"], item["high_recall"]
        if longest is not None and (not isinstance(longest, int) or isinstance(longest, bool) or longest < 1):
            raise ValueError(f"conversation thresholds by length: max_turns {longest!r} is not a whole number of turns")
        if not all(isinstance(v, int | float) and math.isfinite(v) and 0.0 <= v <= 1.0 for v in (high_precision, high_recall)):
            raise ValueError(f"conversation thresholds by length: {high_precision!r}, {high_recall!r} are not in [0, 1]")
        if high_recall > high_precision:
            raise ValueError("conversation thresholds by length: high_recall above high_precision")
        points.append((UNBOUNDED if longest is None else longest, float(high_precision), float(high_recall)))
    if points and points[-1][0] != UNBOUNDED:
        raise ValueError("conversation thresholds by length: the last bucket must have no end (max_turns null)")
    if any(later[0] <= earlier[0] or later[1] < earlier[1] for earlier, later in pairwise(points)):
        raise ValueError("conversation thresholds by length must be for growing lengths and never fall")
    return tuple(points)


def thresholds_at(by_length: Sequence[LengthPoint], turns: np.ndarray, default: float) -> np.ndarray:
    """The default (high-precision) threshold for conversations of ``turns`` turns (``default`` past
    the last bucket, or at every length when there are no buckets)."""
    longest = np.array([point[0] for point in by_length], dtype=np.int64)
    points = np.array([point[1] for point in by_length] + [default])
    return points[np.searchsorted(longest, turns, side="left")]


@dataclass
class ConversationScorer:
    """The served conversation model: plain arrays (weights, calibration, operating points)."""

    coef: np.ndarray          # (len(FEATURES),)
    intercept: float
    calibration: np.ndarray   # (2,): slope, intercept of the sigmoid over the speaker decision
    threshold: float          # high-precision operating point for the longest conversations (the strictest)
    high_recall: float
    tactic_names: tuple[str, ...]
    by_length: tuple[LengthPoint, ...] = ()  # per length bucket; empty: ``threshold`` at every length

    def threshold_for(self, turns: int) -> float:
        """The threshold in use for a conversation of ``turns`` turns (never lower for a longer one)."""
        return float(thresholds_at(self.by_length, np.array([turns]), self.threshold)[0])

    def at_high_recall(self) -> ConversationScorer:
        """The same model flagging at its high-recall point (per length bucket where it has them)."""
        return replace(self, threshold=self.high_recall,
                       by_length=tuple((longest, high_recall, high_recall) for longest, _hp, high_recall in self.by_length))

    def _prefix_thresholds(self, n: int) -> np.ndarray:
        """The threshold in use for every prefix (1 to ``n`` turns) of a conversation."""
        return thresholds_at(self.by_length, np.arange(1, n + 1), self.threshold)

    def _risk(self, features: np.ndarray) -> np.ndarray:
        # a row's sum in one fixed order (not a matrix product, whose order depends on the shape), so
        # a speaker's final risk is the same number whether read alone or among all speakers
        return self._risk_of_decision((features * self.coef).sum(axis=1) + self.intercept)

    def _could_cross(self, rows: np.ndarray, threshold: float) -> np.ndarray:
        """Speakers whose risk may reach ``threshold`` at some prefix. Every feature is a running
        maximum of values ≥ 0, so at any prefix it lies between 0 and its final value, and the
        positive weights times the final values bound the decision from above."""
        if self.calibration[0] <= 0:
            return np.arange(len(rows))
        bound = self._risk_of_decision((rows * np.maximum(self.coef, 0.0)).sum(axis=1) + self.intercept)
        return np.flatnonzero(bound >= threshold - 1e-9)

    def _risk_of_decision(self, decision: np.ndarray) -> np.ndarray:
        return 1.0 / (1.0 + np.exp(-np.clip(decision * self.calibration[0] + self.calibration[1], -50, 50)))

    def score(self, evidence: TurnEvidence) -> ConversationScore:
        n = len(evidence.speakers)
        if n == 0:
            return ConversationScore(0.0, None, None, {})
        speakers = read_speakers(evidence, self.tactic_names)
        names, rows = speakers.names, speakers.final_rows()
        final = self._risk(rows)
        best = int(np.argmax(final))
        risk = float(final[best])
        flagged = risk >= self.threshold_for(n)
        first_alert = self._first_alert(speakers, rows, n) if flagged else None
        return ConversationScore(risk, names[best] if flagged else None, first_alert,
                                 {name: float(r) for name, r in zip(names, final)})

    def _first_alert(self, speakers: _Speakers, rows: np.ndarray, n: int) -> int | None:
        """The first turn at which the chat so far is flagged: some speaker's risk at that prefix
        reaches the threshold of its length. A speaker's features change only at their own turns, when
        a who-is-who flag starts to hold, and with the others' distress, which only grows; so between
        such turns (and the turns where the threshold steps up) their risk moves one way with that
        distress, and one row per stretch finds the stretch where they first cross. Time is linear in
        the turns however many speak (following each speaker turn by turn cost speakers × turns)."""
        in_use = self._prefix_thresholds(n)
        steps_up = np.flatnonzero(np.diff(in_use)) + 1
        rising = self.calibration[0] * self.coef[FEATURES.index("other_distress")] > 0
        stretches = []  # per speaker who crosses: (first turn of the stretch, its last turn, speaker)
        for k in self._could_cross(rows, float(in_use.min())).tolist():
            starts = np.unique(np.concatenate([[0], speakers.positions[k], speakers.since[k], steps_up]))
            starts = starts[starts < n]
            ends = np.append(starts[1:] - 1, n - 1)
            probes = ends if rising else starts   # where the risk of the stretch is highest
            crossed = np.flatnonzero(self._risk(speakers.rows_at(k, probes)) >= in_use[probes])
            if len(crossed):
                stretches.append((int(starts[crossed[0]]), int(ends[crossed[0]]), k))
        first = None
        for start, end, k in sorted(stretches):
            if first is not None and start >= first:
                break
            crossing = self._first_crossing(speakers, k, start, end, in_use) if rising else start
            first = crossing if first is None else min(first, crossing)
        return first

    def _first_crossing(self, speakers: _Speakers, k: int, start: int, end: int, in_use: np.ndarray) -> int:
        """Within a stretch whose risk grows with the others' distress and crosses at ``end``: the
        first turn it crosses, by bisection (a few rows, however long the stretch)."""
        while start < end:
            middle = (start + end) // 2
            turn = np.array([middle])
            if self._risk(speakers.rows_at(k, turn))[0] >= in_use[middle]:
                end = middle
            else:
                start = middle + 1
        return start
