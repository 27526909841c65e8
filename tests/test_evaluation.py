"""One definition of the metrics, for any model's categories."""

from __future__ import annotations

import numpy as np
import pytest

from signals.evaluation import conversation_metrics, difference_interval, message_metrics, reliability, wilson_interval
from signals.results import ConversationResult

CATEGORIES = ("a", "b")


def test_message_metrics_per_category_and_group():
    Y = np.array([[1, 0], [0, 1], [0, 0], [0, 0], [1, 0]])
    probas = np.array([[0.9, 0.1], [0.2, 0.8], [0.7, 0.1], [0.1, 0.1], [0.3, 0.2]])
    out = message_metrics(Y, probas, {"a": 0.5, "b": 0.5}, CATEGORIES, kinds=["positive"] * 2 + ["hard_negative", "benign", "positive"],
                          registers=["standard", "flemish", "standard", "flemish", "flemish"],
                          negative_types=[None, None, "awareness", "everyday", None],
                          texts=["een", "twee woorden", "drie hele woorden", "x", "y"])
    a = out["categories"]["a"]
    assert (a["precision"], a["recall"]) == (0.5, 0.5) and a["roc_auc"] == pytest.approx(5 / 6)
    assert out["flag_rate_hard_negative"] == 1.0 and out["flag_rate_benign"] == 0.0
    assert out["flag_rate_by_negative_type"] == {"awareness": 1.0, "everyday": 0.0}
    assert out["registers"]["standard"]["recall_any"] == 1.0 and out["registers"]["flemish"]["recall_any"] == 0.5
    assert out["length_buckets"]["1-10 words"]["n"] == 5


def conversation(label, n, suspect=None, first=None):
    return {"id": "c", "label": label, "suspect": suspect, "first_grooming_turn": first, "register": "standard",
            "turns": [{"speaker": "a", "text": "x"}] * n}


def result(label, risk, suspect=None, first=None):
    return ConversationResult(id="c", label=label, risk=risk, suspect=suspect, first_alert_turn=first)


def test_conversation_metrics_by_length_bucket():
    convs = [conversation("benign", 10), conversation("benign", 60), conversation("grooming", 200, "a", 50),
             conversation("grooming", 20, "a", 5)]
    results = [result("benign", 0.1), result("grooming", 0.9, "a", 3), result("grooming", 0.95, "a", 80),
               result("benign", 0.2)]
    out = conversation_metrics(convs, results)
    assert out["flag_rate_benign"] == 0.5 and out["recall"] == 0.5
    assert out["length_buckets"]["26-100"]["flag_rate_benign"] == 1.0
    assert out["length_buckets"]["101-500"]["recall"] == 1.0
    assert out["suspect_accuracy"] == 1.0 and out["alert_delay_turns_mean"] == 30


def test_a_set_of_harmless_chats_only_reports_its_flag_rate_not_a_zero_recall():
    convs = [conversation("benign", 10), conversation("benign", 40), conversation("benign", 300)]
    out = conversation_metrics(convs, [result("benign", 0.1), result("grooming", 0.9, "a", 3), result("benign", 0.2)])
    assert out["precision"] is None and out["recall"] is None and out["f1"] is None
    assert out["flag_rate_benign"] == pytest.approx(1 / 3) and out["length_buckets"]["26-100"]["flag_rate_benign"] == 1.0


def test_reliability_bins_hold_every_row():
    y = np.array([0, 0, 1, 1])
    p = np.array([0.05, 0.15, 0.85, 0.95])
    bins = reliability(y, p, bins=10)
    assert sum(n for _, _, n in bins) == 4 and bins[0] == (0.05, 0.0, 1)


@pytest.mark.parametrize(("suspects", "named", "expected"), [
    (["a", "a"], ["a", "a"], 1.0),
    (["a", None], ["a", "a"], 1.0),      # no suspect in the label: not counted as a wrong one
    (["a", None], ["b", "a"], 0.0),
    ([None, None], ["a", "a"], None),    # no suspect labelled at all: nothing to measure
])
def test_suspect_accuracy_counts_only_conversations_labelled_with_a_suspect(suspects, named, expected):
    convs = [conversation("grooming", 10, suspect) for suspect in suspects]
    out = conversation_metrics(convs, [result("grooming", 0.9, who, 3) for who in named])
    assert out["suspect_accuracy"] == expected


def test_a_category_without_positives_that_flags_has_precision_zero():
    """Every flag of a category nobody in the file has is a false one: precision 0, not undefined."""
    Y = np.array([[0, 0], [0, 0], [1, 0]])
    probas = np.array([[0.1, 0.9], [0.1, 0.1], [0.9, 0.1]])
    out = message_metrics(Y, probas, {"a": 0.5, "b": 0.5}, ["a", "b"])
    assert out["categories"]["b"]["precision"] == 0.0 and out["categories"]["b"]["flagged"] == 1
    assert "recall" not in out["categories"]["b"]
    quiet = message_metrics(Y, np.zeros((3, 2)), {"a": 0.5, "b": 0.5}, ["a", "b"])
    assert "precision" not in quiet["categories"]["b"]   # no positives, no flags: nothing to measure


def test_speakers_given_as_numbers_are_compared_as_text():
    convs = [conversation("grooming", 10, 1)]
    out = conversation_metrics(convs, [result("grooming", 0.9, "1", 3)])
    assert out["suspect_accuracy"] == 1.0


@pytest.mark.parametrize(("hits", "n", "low", "high"), [
    (1, 16, 0.0111, 0.2833),     # one harmless chat of 16 flagged: 6.3 %, but anywhere from 1 % to 28 %
    (0, 10, 0.0, 0.2775),
    (81, 263, 0.2553, 0.3662),   # Newcombe (1998), table I
])
def test_a_rate_has_its_wilson_interval(hits, n, low, high):
    assert wilson_interval(hits, n) == pytest.approx((low, high), abs=1e-4)
    assert wilson_interval(0, 0) is None


def test_a_gap_between_two_rates_has_newcombes_interval():
    # Newcombe (1998), method 10: 56/70 against 48/80
    assert difference_interval((56, 70), (48, 80)) == pytest.approx((0.0524, 0.3339), abs=1e-4)
    assert difference_interval((1, 1), (0, 0)) is None


def test_register_and_bucket_rates_carry_their_counts_and_intervals():
    Y = np.array([[1, 0]] * 4 + [[0, 0]] * 4)
    probas = np.array([[0.9, 0]] * 3 + [[0.1, 0]] + [[0.1, 0]] * 3 + [[0.9, 0]])
    out = message_metrics(Y, probas, {"a": 0.5, "b": 0.5}, CATEGORIES,
                          registers=["standard", "standard", "flemish", "flemish"] * 2)
    flemish = out["registers"]["flemish"]
    assert flemish["counts"]["recall_any"]["hits"] == 1 and flemish["counts"]["recall_any"]["n"] == 2
    assert flemish["counts"]["flag_rate_negatives"]["interval"] == pytest.approx(wilson_interval(1, 2))
    gap = out["register_gap"]
    assert gap["recall_any_max_minus_min"] == 0.5
    assert gap["intervals"]["recall_any"] == pytest.approx(difference_interval((2, 2), (1, 2)))
    assert gap["intervals"]["recall_any"][0] < 0 < gap["intervals"]["recall_any"][1]   # two lines each: chance
    convs = [conversation("benign", 10)] * 3
    bucket = conversation_metrics(convs, [result("grooming", 0.9, "a", 1)] + [result("benign", 0.1)] * 2)["length_buckets"]["1-25"]
    assert bucket["counts"]["flag_rate_benign"]["hits"] == 1 and bucket["counts"]["flag_rate_benign"]["n"] == 3


# (registers of the 8 lines, recall gap, flag-rate gap): a gap needs two registers with that rate
GAPS = [
    (["standard", "flemish"] * 4, 0.0, 0.0),
    (["standard"] * 8, None, None),                        # one register: was "gap 0.000 (95 % interval -0.5 to 0.5)"
    (["standard"] * 4 + ["flemish"] * 4, None, None),      # positives in one register, harmless lines in the other
    (["standard", "flemish"] * 2 + ["standard"] * 4, 0.0, None),
    ([None] * 8, None, None),                              # no register at all: no rows, no gap
]


@pytest.mark.parametrize(("registers", "recall_gap", "flag_gap"), GAPS)
def test_a_register_gap_is_measured_between_two_registers_or_not_at_all(registers, recall_gap, flag_gap):
    Y = np.array([[1, 0]] * 4 + [[0, 0]] * 4)
    out = message_metrics(Y, np.array([[0.9, 0]] * 8), {"a": 0.5, "b": 0.5}, CATEGORIES, registers=registers)
    gap = out["register_gap"]
    assert (gap["recall_any_max_minus_min"], gap["flag_rate_max_minus_min"]) == (recall_gap, flag_gap)
    assert (gap["intervals"]["recall_any"] is None) == (recall_gap is None)
    assert (gap["intervals"]["flag_rate"] is None) == (flag_gap is None)
