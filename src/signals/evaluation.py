"""Metrics for messages, conversations and unlabelled corpora: one definition, used by ``signals
evaluate``, ``make train`` and ``make bench``.

Every function takes the model's categories, so it works for any model (not only the default three).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score, roc_auc_score

from signals.results import ConversationResult

CONVERSATION_BUCKETS: tuple[tuple[int, int], ...] = ((1, 25), (26, 100), (101, 500), (501, 10**9))
MESSAGE_BUCKETS: tuple[tuple[int, int], ...] = ((1, 10), (11, 30), (31, 10**9))  # words


def bucket_name(low: int, high: int) -> str:
    return f"{low}+" if high >= 10**9 else f"{low}-{high}"


def flagged(probas: np.ndarray, thresholds: dict[str, float], categories: Sequence[str]) -> np.ndarray:
    """(n, categories) booleans: which categories cross their threshold."""
    return np.asarray(probas >= np.array([thresholds[c] for c in categories]), dtype=bool)


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    return float(sum(n / max(1, len(y)) * abs(mp - my) for mp, my, n in reliability(y, p, bins)))


def reliability(y: np.ndarray, p: np.ndarray, bins: int = 10) -> list[tuple[float, float, int]]:
    """(mean predicted, observed rate, count) per probability bin with any rows."""
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    return [(float(p[index == b].mean()), float(y[index == b].mean()), int((index == b).sum()))
            for b in range(bins) if (index == b).any()]


def _rate(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if len(mask) else None


Z95 = 1.959963984540054


def wilson_interval(hits: int, n: int, z: float = Z95) -> tuple[float, float] | None:
    """The Wilson score interval (95 % by default) of a rate of ``hits`` in ``n``: how far a rate
    measured on a small set can be trusted ("1 of 16 flagged" is 1.1-28.3 %, not 6.3 %)."""
    if n <= 0:
        return None
    p = hits / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return float(max(0.0, centre - half)), float(min(1.0, centre + half))


def difference_interval(a: tuple[int, int], b: tuple[int, int], z: float = Z95) -> tuple[float, float] | None:
    """Newcombe's interval (hybrid Wilson score) for the difference of two rates, ``a`` minus ``b``,
    each given as (hits, n): whether a gap between two registers is larger than chance allows."""
    first, second = wilson_interval(*a, z=z), wilson_interval(*b, z=z)
    if first is None or second is None:
        return None
    p1, p2 = a[0] / a[1], b[0] / b[1]
    low = (p1 - p2) - np.sqrt((p1 - first[0]) ** 2 + (second[1] - p2) ** 2)
    high = (p1 - p2) + np.sqrt((first[1] - p1) ** 2 + (p2 - second[0]) ** 2)
    return float(low), float(high)


def _counted(mask: np.ndarray) -> dict:
    """A rate with what it was counted from and its 95 % interval."""
    hits, n = int(mask.sum()), len(mask)
    return {"hits": hits, "n": n, "interval": wilson_interval(hits, n)}


def _ranking(y: np.ndarray, p: np.ndarray) -> dict:
    if not (y.sum() and (1 - y).sum()):
        return {}
    return {"roc_auc": float(roc_auc_score(y, p)), "pr_auc": float(average_precision_score(y, p))}


def _group_rates(mask_of: dict[str, np.ndarray], hits: np.ndarray, Y: np.ndarray, negative: np.ndarray) -> dict:
    out = {}
    for name, mask in mask_of.items():
        if not mask.any():
            continue
        positives = mask & ~negative
        any_hit = np.asarray(hits.any(axis=1), dtype=bool)
        caught = np.asarray((hits & (Y == 1)).any(axis=1), dtype=bool)
        out[name] = {"n": int(mask.sum()), "flag_rate_negatives": _rate(any_hit[mask & negative]),
                     "recall_any": _rate(caught[positives]),
                     "counts": {"recall_any": _counted(caught[positives]),
                                "flag_rate_negatives": _counted(any_hit[mask & negative])}}
    return out


def _gap(groups: dict, key: str) -> dict:
    """The largest minus the smallest rate across groups, and the 95 % interval of that difference;
    None with fewer than two groups that have the rate (one register against itself was a gap of 0
    with an interval, as if two samples had been compared)."""
    rated = [(e[key], e["counts"][key]) for e in groups.values() if e.get(key) is not None]
    if len(rated) < 2:
        return {"max_minus_min": None, "interval": None}
    (high, high_counts), (low, low_counts) = max(rated, key=lambda r: r[0]), min(rated, key=lambda r: r[0])
    return {"max_minus_min": float(high - low),
            "interval": difference_interval((high_counts["hits"], high_counts["n"]), (low_counts["hits"], low_counts["n"]))}


def message_metrics(Y: np.ndarray, probas: np.ndarray, thresholds: dict[str, float], categories: Sequence[str],
                    kinds: Sequence[str] | None = None, registers: Sequence[str] | None = None,
                    negative_types: Sequence[str | None] | None = None,
                    texts: Sequence[str] | None = None) -> dict:
    """Per category P/R/F1, ROC-AUC, PR-AUC and ECE; flag rates on negatives (by kind and by
    negative type, e.g. awareness texts); recall and flag rate per register and per length bucket."""
    Y = np.asarray(Y, dtype=int)
    hits = flagged(probas, thresholds, categories)
    out: dict = {"n": len(Y), "categories": {}}
    for c, category in enumerate(categories):
        y, p, h = Y[:, c], probas[:, c], hits[:, c]
        entry: dict = {"support": int(y.sum()), "flagged": int(h.sum()), "flag_rate": _rate(h)}
        if h.sum() and not y.sum():  # every flag is a false one: precision 0, recall undefined
            entry["precision"] = 0.0
        if y.sum():
            entry.update(precision=float(precision_score(y, h, zero_division=0)),
                         recall=float(recall_score(y, h, zero_division=0)),
                         f1=float(f1_score(y, h, zero_division=0)), **_ranking(y, p))
            if (1 - y).sum():
                entry["ece"] = expected_calibration_error(y, p)
        out["categories"][category] = entry
    negative = np.asarray(Y.sum(axis=1) == 0, dtype=bool)
    any_flag = np.asarray(hits.any(axis=1), dtype=bool)
    out["flag_rate_negatives"] = _rate(any_flag[negative])
    if kinds is not None:
        kinds_arr = np.array(kinds)
        for kind in ("hard_negative", "benign"):
            out[f"flag_rate_{kind}"] = _rate(any_flag[(kinds_arr == kind) & negative])
    if negative_types is not None:
        types = np.array([t or "" for t in negative_types])
        out["flag_rate_by_negative_type"] = {t: _rate(any_flag[(types == t) & negative])
                                             for t in sorted(set(types.tolist()) - {""})}
    if registers is not None:
        regs = np.array(registers, dtype=object)   # None: a line without a register is in no register's row
        out["registers"] = _group_rates({r: regs == r for r in sorted({r for r in registers if r})}, hits, Y, negative)
        recall_gap, flag_gap = _gap(out["registers"], "recall_any"), _gap(out["registers"], "flag_rate_negatives")
        out["register_gap"] = {"recall_any_max_minus_min": recall_gap["max_minus_min"],
                               "flag_rate_max_minus_min": flag_gap["max_minus_min"],
                               "intervals": {"recall_any": recall_gap["interval"], "flag_rate": flag_gap["interval"]}}
    if texts is not None:
        words = np.array([len(t.split()) for t in texts])
        out["length_buckets"] = _group_rates({f"{bucket_name(lo, hi)} words": (words >= lo) & (words <= hi)
                                              for lo, hi in MESSAGE_BUCKETS}, hits, Y, negative)
    return out


def corpus_flag_rate(probas: np.ndarray, thresholds: dict[str, float], categories: Sequence[str]) -> dict:
    hits = flagged(probas, thresholds, categories)
    return {"n": len(probas), "flag_rate": _rate(np.asarray(hits.any(axis=1), dtype=bool)) or 0.0,
            "per_category": {c: _rate(hits[:, i]) or 0.0 for i, c in enumerate(categories)}}


def conversation_metrics(conversations: Sequence[dict], results: Sequence[ConversationResult]) -> dict:
    """P/R/F1 of the grooming label, ROC-AUC and PR-AUC of the risk, right suspect, first alert,
    reliability, and per length bucket (turns) and register: benign flag rate and recall."""
    truth = np.array([c.get("label") == "grooming" for c in conversations], dtype=int)
    predicted = np.array([r.label == "grooming" for r in results], dtype=int)
    risk = np.array([r.risk for r in results], dtype=float)
    both = [(c, r) for c, r in zip(conversations, results) if c.get("label") == "grooming" and r.label == "grooming"]
    # of the grooming chats the model flags: is the speaker it names the labelled one (speakers compared
    # as text, so a file with numbers for speakers is read as the API reads it); a grooming chat
    # labelled without its suspect says nothing about who was named
    suspect_ok = [str(r.suspect) == str(c["suspect"]) for c, r in both if c.get("suspect") is not None]
    relative = [r.first_alert_turn / max(1, len(c["turns"]) - 1) for c, r in both if r.first_alert_turn is not None]
    delay = [r.first_alert_turn - c["first_grooming_turn"] for c, r in both
             if r.first_alert_turn is not None and c.get("first_grooming_turn") is not None]
    lengths = np.array([len(c["turns"]) for c in conversations])

    def group(mask: np.ndarray) -> dict:
        entry = {"n": int(mask.sum()), "benign": int((mask & (truth == 0)).sum()),
                 "grooming": int((mask & (truth == 1)).sum()),
                 "flag_rate_benign": _rate(predicted[mask & (truth == 0)] == 1),
                 "recall": _rate(predicted[mask & (truth == 1)] == 1),
                 "counts": {"flag_rate_benign": _counted(predicted[mask & (truth == 0)] == 1),
                            "recall": _counted(predicted[mask & (truth == 1)] == 1)}}
        entry.update(_ranking(truth[mask], risk[mask]))
        return entry

    registers = sorted({str(c["register"]) for c in conversations if c.get("register")})
    return {
        "n": len(conversations), "grooming": int(truth.sum()),
        # a set of harmless chats only (real dialogue) has no precision, recall or F1: its number is the flag rate
        "precision": float(precision_score(truth, predicted, zero_division=0)) if truth.any() else None,
        "recall": float(recall_score(truth, predicted, zero_division=0)) if truth.any() else None,
        "f1": float(f1_score(truth, predicted, zero_division=0)) if truth.any() else None,
        **_ranking(truth, risk),
        "flag_rate_benign": _rate(predicted[truth == 0] == 1),
        "suspect_accuracy": float(np.mean(suspect_ok)) if suspect_ok else None,
        "first_alert_relative_mean": float(np.mean(relative)) if relative else None,
        "alert_delay_turns_mean": float(np.mean(delay)) if delay else None,
        "reliability": reliability(truth, risk),
        "length_buckets": {bucket_name(lo, hi): group((lengths >= lo) & (lengths <= hi))
                           for lo, hi in CONVERSATION_BUCKETS if ((lengths >= lo) & (lengths <= hi)).any()},
        "registers": {r: group(np.array([c.get("register") == r for c in conversations])) for r in registers},
    }


def json_default(value: object) -> object:
    """``json.dumps(default=...)`` for reports: numpy numbers and arrays, paths."""
    from pathlib import PurePath

    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, PurePath):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value)}")
