"""Metrics for messages, conversations and real corpora; used by ``make train`` and ``make bench``."""

from __future__ import annotations

import numpy as np
from sklearn.metrics import average_precision_score, f1_score, precision_score, recall_score

from signals.results import ConversationResult
from signals.taxonomy import CATEGORIES, REGISTERS


def flagged(probas: np.ndarray, thresholds: dict[str, float]) -> np.ndarray:
    """(n, categories) booleans: which categories cross their threshold."""
    return probas >= np.array([thresholds[c] for c in CATEGORIES])


def expected_calibration_error(y: np.ndarray, p: np.ndarray, bins: int = 10) -> float:
    edges = np.linspace(0, 1, bins + 1)
    index = np.clip(np.digitize(p, edges[1:-1]), 0, bins - 1)
    total = 0.0
    for b in range(bins):
        mask = index == b
        if mask.any():
            total += mask.mean() * abs(p[mask].mean() - y[mask].mean())
    return float(total)


def _rate(mask: np.ndarray) -> float | None:
    return float(mask.mean()) if len(mask) else None


def message_metrics(Y: np.ndarray, probas: np.ndarray, thresholds: dict[str, float],
                    kinds: list[str] | None = None, registers: list[str] | None = None) -> dict:
    """Per-category P/R/F1/PR-AUC/ECE, flag rates on hard negatives and benign, register gaps."""
    hits = flagged(probas, thresholds)
    out: dict = {"n": len(Y), "categories": {}}
    for c, category in enumerate(CATEGORIES):
        y, p, h = Y[:, c], probas[:, c], hits[:, c]
        entry = {"support": int(y.sum())}
        if y.sum() and (1 - y).sum():
            entry.update(
                precision=float(precision_score(y, h, zero_division=0)),
                recall=float(recall_score(y, h, zero_division=0)),
                f1=float(f1_score(y, h, zero_division=0)),
                pr_auc=float(average_precision_score(y, p)),
                ece=expected_calibration_error(y, p),
            )
        out["categories"][category] = entry
    negative = Y.sum(axis=1) == 0
    any_flag = hits.any(axis=1)
    out["flag_rate_negatives"] = _rate(any_flag[negative])
    if kinds is not None:
        kinds_arr = np.array(kinds)
        for kind in ("hard_negative", "benign"):
            mask = (kinds_arr == kind) & negative
            out[f"flag_rate_{kind}"] = _rate(any_flag[mask])
    if registers is not None:
        regs = np.array(registers)
        per_register = {}
        for register in REGISTERS:
            mask = regs == register
            if not mask.any():
                continue
            entry = {"n": int(mask.sum()), "flag_rate_negatives": _rate(any_flag[mask & negative])}
            positives = mask & ~negative
            entry["recall_any"] = _rate((hits & (Y == 1)).any(axis=1)[positives])
            for c, category in enumerate(CATEGORIES):
                pos = mask & (Y[:, c] == 1)
                if pos.any():
                    entry[f"recall_{category}"] = _rate(hits[pos, c])
            per_register[register] = entry
        out["registers"] = per_register
        recalls = [e["recall_any"] for e in per_register.values() if e.get("recall_any") is not None]
        flags = [e["flag_rate_negatives"] for e in per_register.values() if e.get("flag_rate_negatives") is not None]
        out["register_gap"] = {
            "recall_any_max_minus_min": float(max(recalls) - min(recalls)) if recalls else None,
            "flag_rate_max_minus_min": float(max(flags) - min(flags)) if flags else None,
        }
    return out


def corpus_flag_rate(probas: np.ndarray, thresholds: dict[str, float]) -> dict:
    hits = flagged(probas, thresholds)
    return {"n": len(probas), "flag_rate": _rate(hits.any(axis=1)) or 0.0,
            "per_category": {c: _rate(hits[:, i]) or 0.0 for i, c in enumerate(CATEGORIES)}}


def conversation_metrics(conversations: list[dict], results: list[ConversationResult]) -> dict:
    truth = np.array([c.get("label") == "grooming" for c in conversations], dtype=int)
    predicted = np.array([r.label == "grooming" for r in results], dtype=int)
    both = [(c, r) for c, r in zip(conversations, results) if c.get("label") == "grooming" and r.label == "grooming"]
    suspect_ok = [r.suspect == c["suspect"] for c, r in both]
    relative = [r.first_alert_turn / max(1, len(c["turns"]) - 1) for c, r in both if r.first_alert_turn is not None]
    delay = [r.first_alert_turn - c["first_grooming_turn"] for c, r in both
             if r.first_alert_turn is not None and c.get("first_grooming_turn") is not None]
    registers = {}
    for register in REGISTERS:
        idx = [i for i, c in enumerate(conversations) if c.get("register") == register]
        if idx:
            registers[register] = {"n": len(idx), "f1": float(f1_score(truth[idx], predicted[idx], zero_division=0))}
    return {
        "n": len(conversations),
        "precision": float(precision_score(truth, predicted, zero_division=0)),
        "recall": float(recall_score(truth, predicted, zero_division=0)),
        "f1": float(f1_score(truth, predicted, zero_division=0)),
        "suspect_accuracy": float(np.mean(suspect_ok)) if suspect_ok else None,
        "first_alert_relative_mean": float(np.mean(relative)) if relative else None,
        "alert_delay_turns_mean": float(np.mean(delay)) if delay else None,
        "registers": registers,
    }
