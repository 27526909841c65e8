"""Conversations (issue 9): does conversation risk hold for any length?

Each set is scored through ``ScoringService.score_conversations`` and measured with
``signals.evaluation.conversation_metrics``: benign conversations flagged per length bucket
(1-25, 26-100, 101-500, 501+ turns), recall, right suspect, first alert (share of the
conversation's length, and delay in turns after the first grooming turn), ROC-AUC and PR-AUC of
the risk, and reliability bins of the risk (for the plot). Dev sets are scored here; the sealed
conversations and sealed long threads come from ``benchmarks.sealed`` (scored once per model).
"""

from __future__ import annotations

import time

from benchmarks.sets import EvalSets
from signals.evaluation import conversation_metrics
from signals.service import Conversation, ScoringService, Turn

# issue 9's "done when"
TARGETS = {"flag_rate_benign_per_bucket": 0.02, "recall": 0.95, "suspect_accuracy": 0.95}


def as_conversations(convs: list[dict]) -> list[Conversation]:
    return [Conversation(str(c["id"]), tuple(Turn(str(t["speaker"]), t["text"]) for t in c["turns"])) for c in convs]


def score_conversation_set(service: ScoringService, convs: list[dict]) -> dict:
    start = time.perf_counter()
    results = service.score_conversations(as_conversations(convs))
    seconds = time.perf_counter() - start
    report = conversation_metrics(convs, results)
    report["turns"] = sum(len(c["turns"]) for c in convs)
    report["max_turns"] = max((len(c["turns"]) for c in convs), default=0)
    report["seconds"] = round(seconds, 2)
    return report


def target_check(entry: dict) -> dict:
    """Which of issue 9's targets a set meets (None where the set cannot tell)."""
    buckets = [b.get("flag_rate_benign") for b in entry.get("length_buckets", {}).values()
               if b.get("flag_rate_benign") is not None]
    return {
        "benign_flagged_le_2pct_every_bucket": (max(buckets) <= TARGETS["flag_rate_benign_per_bucket"]) if buckets else None,
        "recall_ge_0.95": None if not entry.get("grooming") else entry["recall"] >= TARGETS["recall"],
        "suspect_ge_0.95": (None if entry.get("suspect_accuracy") is None
                            else entry["suspect_accuracy"] >= TARGETS["suspect_accuracy"]),
    }


def run_conversations(service: ScoringService, sets: EvalSets, sealed: dict | None, log=print) -> dict:
    points = service.model.thresholds.get("conversations", {})
    report: dict = {"threshold": points.get("high_precision"), "by_length": points.get("by_length", []),
                    "targets": TARGETS, "sets": {}}
    for name, convs in sets.conversations.items():
        log(f"conversations: scoring {name} ({len(convs)} conversations, {sum(len(c['turns']) for c in convs)} turns)")
        report["sets"][name] = score_conversation_set(service, convs)
    if sealed and sealed.get("conversations"):
        for name, entry in sealed["conversations"].items():
            report["sets"][name] = dict(entry, from_sealed_cache=bool(sealed.get("reused")))
    for entry in report["sets"].values():
        entry["meets"] = target_check(entry)
    return report
