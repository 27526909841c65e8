"""Conversation risk holds for any length: features are running maxima over windows, so appending
harmless turns to a harmless chat never raises it, and a chat repeated tenfold scores as itself.
Who-is-who comes from the ages speakers state about themselves."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from signals.model.conversation import FEATURES, TurnEvidence, speaker_features
from signals.service import Conversation, Turn
from signals.taxonomy import TACTICS

# Everyday lines of harmless chats (standard, Flemish, straattaal, code-mixed).
HARMLESS = [
    "haha ja echt", "hoe was je dag?", "ik ben net thuis", "heb je de wiskunde al af?", "morgen training om 7",
    "wat eten we vanavond", "lol die video 😂", "ja kom straks", "ge moet da echt zien", "allez tot straks",
    "bro die game was lit", "wollah ik ben moe", "sorry ik was aan het werk", "zondag naar oma?",
    "mijn fiets is weer kapot", "welke film kijken we", "ok top", "ik zit in de trein", "omg de bus is weer te laat",
    "send me die playlist", "gg wp", "nee man", "wie heeft de sleutel", "ik neem chips mee",
]
BASE_CHATS = [
    [("a", "hey hoe gaat het?"), ("b", "goed joh, jij?"), ("a", "ook goed, druk met school"), ("b", "same")],
    [("lotte", "wie komt er zaterdag?"), ("sem", "ik!"), ("daan", "ik ben er om 8"), ("lotte", "top, neem drinken mee")],
    [("ma", "hoe laat ben je thuis?"), ("kind", "rond zes"), ("ma", "ok, we eten om half zeven")],
]


def evidence(review, distress, tactics, speakers, texts=None) -> TurnEvidence:
    n = len(speakers)
    return TurnEvidence(np.asarray(review, float), np.asarray(distress, float),
                        np.asarray(tactics, np.float32).reshape(n, len(TACTICS)), list(speakers),
                        list(texts) if texts is not None else [""] * n)


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_appending_evidence_free_turns_never_raises_any_feature(data):
    n = data.draw(st.integers(1, 40))
    speakers = data.draw(st.lists(st.sampled_from("abc"), min_size=n, max_size=n))
    review = data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    distress = data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    tactics = data.draw(st.lists(st.lists(st.sampled_from([0.0, 0.5]), min_size=len(TACTICS), max_size=len(TACTICS)),
                                 min_size=n, max_size=n))
    extra = data.draw(st.integers(1, 300))
    more_speakers = data.draw(st.lists(st.sampled_from("abc"), min_size=extra, max_size=extra))
    before = evidence(review, distress, tactics, speakers)
    after = evidence(review + [0.0] * extra, distress + [0.0] * extra, tactics + [[0.0] * len(TACTICS)] * extra,
                     speakers + more_speakers)
    for speaker in set(speakers):
        old = speaker_features(before, speaker, TACTICS)[-1]
        new = speaker_features(after, speaker, TACTICS)[-1]
        assert np.all(new <= old + 1e-12), dict(zip(FEATURES, zip(old, new)))


def tactic_row(*names: str) -> list[float]:
    return [0.8 if t in names else 0.0 for t in TACTICS]


@pytest.mark.parametrize(("turn_tactics", "coercion"), [
    (("threat_exposure",), 0.9),                 # "dan gaat er vanavond ene foto naar uw nonkel"
    (("payment_demand", "deadline"), 0.9),       # "50 euro, voor 8 uur"
    (("flattery",), 0.0),                        # a lone compliment is not coercion
    (("age_probe", "platform_switch"), 0.0),     # nor a question about age and another app
    ((), 0.0),
])
def test_the_strongest_coercing_turn_is_evidence_of_its_own(turn_tactics, coercion):
    speakers = ["a", "b", "a", "b"]
    ev = evidence([0.1, 0.0, 0.9, 0.0], [0.0] * 4, [tactic_row(), tactic_row(), tactic_row(*turn_tactics), tactic_row()],
                  speakers)
    column = FEATURES.index("coercion_turn")
    assert speaker_features(ev, "a", TACTICS)[-1, column] == pytest.approx(coercion)
    assert speaker_features(ev, "b", TACTICS)[-1, column] == 0.0  # the other side's turn is not theirs


def test_prefix_features_are_the_features_of_each_prefix():
    """The linear pass (running maxima) equals scoring every prefix on its own."""
    rng = np.random.default_rng(3)
    n = 60
    speakers = rng.choice(["a", "b"], n).tolist()
    ev = evidence(rng.random(n), rng.random(n) * 0.2, (rng.random((n, len(TACTICS))) > 0.9) * 0.6, speakers,
                  ["ik ben 15" if i == 5 else "ik ben 28" if i == 9 else "hoi" for i in range(n)])
    full = speaker_features(ev, "a", TACTICS)
    for t in (0, 4, 10, 33, n - 1):
        prefix = TurnEvidence(ev.review[:t + 1], ev.distress[:t + 1], ev.tactics[:t + 1], speakers[:t + 1],
                              ev.texts[:t + 1])
        assert np.allclose(speaker_features(prefix, "a", TACTICS)[-1], full[t])


def as_conversation(turns, cid="c") -> Conversation:
    return Conversation(cid, tuple(Turn(s, t) for s, t in turns))


@pytest.mark.parametrize("base", BASE_CHATS)
def test_length_alone_adds_nothing(service, base):
    """A chat repeated 100 or 1,000 times scores exactly the same, and 10 times within a hair: no
    feature sums or counts turns (the old model flagged nearly every long chat for its length); only
    the windows fill up and the decayed average settles in the first few dozen turns."""
    [once, ten, hundred, thousand] = service.score_conversations(
        [as_conversation(base * k) for k in (1, 10, 100, 1000)])
    assert thousand.risk == pytest.approx(hundred.risk, abs=1e-6)
    assert ten.risk == pytest.approx(hundred.risk, abs=0.01)
    assert once.label == ten.label == thousand.label == "benign"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(base=st.sampled_from(BASE_CHATS),
       appended=st.lists(st.tuples(st.sampled_from(["a", "b", "lotte", "sem", "ma", "kind"]), st.sampled_from(HARMLESS)),
                         min_size=1, max_size=400))
def test_appending_harmless_turns_to_a_harmless_chat_never_flags_it(service, base, appended):
    scorer = service.model.conversation
    [before, after] = service.score_conversations([as_conversation(base), as_conversation(base + appended)])
    assert before.risk < scorer.threshold_for(len(base))
    assert after.risk < scorer.threshold_for(len(base) + len(appended)), (after.risk, scorer.by_length)
    assert after.label == "benign" and after.first_alert_turn is None


def test_first_alert_is_the_first_turn_where_the_chat_so_far_is_flagged(service):
    turns = [("a", "hoi hoe gaat het"), ("b", "goed"), ("a", "jij bent echt anders dan de rest"), ("b", "haha dank je"),
             ("a", "hoe oud ben je eigenlijk?"), ("b", "14"), ("a", "vertel niemand over ons, kom op snap"),
             ("a", "stuur een foto van jezelf, alleen voor mij"), ("b", "ik weet niet"),
             ("a", "als je niet stuurt stuur ik alles naar je ouders, je hebt 1 uur")]
    [result] = service.score_conversations([as_conversation(turns)])
    if result.first_alert_turn is None:
        pytest.skip("the tiny model does not flag this conversation")
    scorer = service.model.conversation
    prefixes = service.score_conversations([as_conversation(turns[:k + 1], str(k)) for k in range(len(turns))])
    first = next(k for k, r in enumerate(prefixes) if r.risk >= scorer.threshold_for(k + 1))
    assert result.first_alert_turn == first and result.suspect == "a"


def test_each_length_bucket_gets_its_own_threshold_and_none_falls_as_chats_grow():
    from signals.model.conversation_fit import length_thresholds

    rng = np.random.default_rng(1)
    lengths = np.concatenate([rng.integers(2, 25, 400), rng.integers(26, 100, 300), rng.integers(101, 500, 300)])
    truth = (rng.random(1000) < 0.3).astype(int)
    risk = np.where(truth == 1, rng.beta(5, 2, 1000), rng.beta(2, 5, 1000))
    risk[(lengths >= 26) & (lengths <= 100) & (truth == 0)] += 0.25   # the middle bucket is the hardest
    points = length_thresholds(risk, truth, lengths, 0.02)
    assert [longest for longest, _ in points] == [25, 100, 500, 10**9]
    cuts = [cut for _, cut in points]
    assert cuts[0] < cuts[1] and cuts[1] == cuts[2] == cuts[3]        # never lower for longer chats
    for (low, high), cut in zip(((1, 25), (26, 100)), cuts):
        benign = (truth == 0) & (lengths >= low) & (lengths <= high)
        assert (risk[benign] >= cut).mean() <= 0.02
    short = (truth == 0) & (lengths <= 25)
    assert (risk[short] >= cuts[0]).mean() > 0.01                     # the short bucket spends its own budget


def test_a_bucket_without_enough_harmless_chats_takes_the_strictest_measured_cut():
    from signals.model.conversation_fit import length_thresholds

    lengths = np.array([10] * 100 + [300] * 5)
    truth = np.zeros(105, int)
    risk = np.concatenate([np.linspace(0, 0.9, 100), [0.1] * 5])
    points = length_thresholds(risk, truth, lengths, 0.02)
    assert [cut for _, cut in points] == [points[0][1]] * 4 and points[0][1] > 0.85


@pytest.mark.parametrize("turns, expected", [(1, 0.3), (25, 0.3), (26, 0.6), (100, 0.6), (101, 0.8), (5000, 0.9)])
def test_the_threshold_in_use_is_the_one_of_the_conversations_length(turns, expected):
    from signals.model.conversation import ConversationScorer

    scorer = ConversationScorer(np.zeros(len(FEATURES)), 0.0, np.array([1.0, 0.0]), 0.9, 0.2, tuple(TACTICS),
                                ((25, 0.3, 0.2), (100, 0.6, 0.2), (500, 0.8, 0.2)))
    assert scorer.threshold_for(turns) == expected
    assert scorer._prefix_thresholds(turns)[-1] == expected


def test_the_first_alert_is_judged_at_each_prefix_length():
    """A chat whose early turns already cross the short chats' threshold is alerted there, not where
    it crossed the final (stricter) threshold of its length."""
    from signals.model.conversation import ConversationScorer

    coef = np.zeros(len(FEATURES))
    coef[FEATURES.index("max_turn")] = 1.0
    scorer = ConversationScorer(coef, 0.0, np.array([10.0, -5.0]), 0.9, 0.2, tuple(TACTICS),
                                ((3, 0.3, 0.2), (10**9, 0.9, 0.2)))
    # risk of max_turn m: sigmoid(10 m - 5); 0.5 -> 0.5, 0.8 -> 0.95
    review = [0.0, 0.5, 0.0, 0.0, 0.8]
    ev = evidence(review, [0.0] * 5, [[0.0] * len(TACTICS)] * 5, ["b", "a", "b", "b", "a"])
    wait = ConversationScorer(coef, 0.0, np.array([10.0, -5.0]), 0.9, 0.2, tuple(TACTICS))
    assert scorer.score(ev).first_alert_turn == 1 and scorer.score(ev).suspect == "a"
    assert wait.score(ev).first_alert_turn == 4


def test_a_chat_is_judged_at_the_threshold_of_its_own_length(service):
    """Harmless turns appended to a chat never raise its risk, but past 25 turns it is held to the
    stricter threshold of longer chats (the one every length had before thresholds by length): a
    risk between the two is flagged in a short chat and not in a long one. A platform that re-scores
    a growing thread keeps the alert it was given; the risk ranks both the same."""
    from signals.model.conversation import ConversationScorer

    short, long = service.model.conversation.threshold_for(25), service.model.conversation.threshold_for(26)
    assert short <= long
    coef = np.zeros(len(FEATURES))
    coef[FEATURES.index("max_turn")] = 1.0
    scorer = ConversationScorer(coef, 0.0, np.array([10.0, -5.0]), 0.9, 0.2, tuple(TACTICS),
                                ((25, 0.3, 0.2), (10**9, 0.9, 0.2)))
    turns = 6
    ev = evidence([0.0, 0.6] + [0.0] * (turns - 2), [0.0] * turns, [[0.0] * len(TACTICS)] * turns, ["a", "b"] * 3)
    padded = evidence(list(ev.review) + [0.0] * 20, [0.0] * 26, [[0.0] * len(TACTICS)] * 26, ["a", "b"] * 13)
    [as_short, as_long] = [scorer.score(ev), scorer.score(padded)]
    assert as_short.risk == pytest.approx(as_long.risk)            # sigmoid(1) = 0.73: between 0.3 and 0.9
    assert as_short.suspect == "b" and as_short.first_alert_turn == 1
    assert as_long.suspect is None and as_long.first_alert_turn is None


@pytest.mark.parametrize(("turns", "speakers"), [(1, 1), (7, 1), (40, 2), (300, 300), (600, 150)])
def test_many_speakers_are_judged_as_when_every_speakers_prefix_risk_is_kept(turns, speakers):
    """The score keeps only the riskiest speaker's risk per prefix (memory linear in turns, not
    turns × speakers); risk, suspect and first alert are those of every speaker's prefix risks."""
    from signals.model.conversation import ConversationScorer

    coef = np.zeros(len(FEATURES))
    coef[FEATURES.index("max_turn")] = 1.0
    scorer = ConversationScorer(coef, 0.0, np.array([10.0, -5.0]), 0.9, 0.2, tuple(TACTICS),
                                ((25, 0.3, 0.2), (10**9, 0.9, 0.2)))
    rng = np.random.default_rng(turns)
    names = [f"s{k % speakers}" for k in range(turns)]
    ev = evidence(rng.random(turns) * 0.95, rng.random(turns) * 0.1, [[0.0] * len(TACTICS)] * turns, names)
    every = {name: scorer._risk(speaker_features(ev, name, TACTICS, {})) for name in dict.fromkeys(names)}
    best = max(every, key=lambda name: every[name][-1])
    flagged = every[best][-1] >= scorer.threshold_for(turns)
    crossed = np.flatnonzero(np.max(list(every.values()), axis=0) >= scorer._prefix_thresholds(turns))
    score = scorer.score(ev)
    assert score.risk == every[best][-1] and score.speaker_risk == {k: float(v[-1]) for k, v in every.items()}
    assert score.suspect == (best if flagged else None)
    assert score.first_alert_turn == (int(crossed[0]) if flagged else None)


AGE_LINES = ["ik ben 14", "ik ben 15 jij?", "ik ben 27", "hoe oud ben je?", "16 m", "32 m", "hoi", "haha", "ik zit in 2e klas"]


def random_evidence(data, speakers: str, max_turns: int = 60) -> TurnEvidence:
    n = data.draw(st.integers(1, max_turns))
    names = data.draw(st.lists(st.sampled_from(speakers), min_size=n, max_size=n))
    review = data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    distress = data.draw(st.lists(st.floats(0, 1), min_size=n, max_size=n))
    tactics = data.draw(st.lists(st.lists(st.sampled_from([0.0, 0.0, 0.0, 0.5]), min_size=len(TACTICS),
                                          max_size=len(TACTICS)), min_size=n, max_size=n))
    texts = data.draw(st.lists(st.sampled_from(AGE_LINES), min_size=n, max_size=n))
    return evidence(review, distress, tactics, names, texts)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_final_features_read_from_own_turns_are_the_last_prefix_features(data):
    """``conversation_rows`` reads each speaker's turns only (linear in turns however many speak);
    it must give exactly the last row of the turn-by-turn features."""
    from signals.model.conversation import conversation_rows

    ev = random_evidence(data, "abcdefg")
    names, rows = conversation_rows(ev, TACTICS)
    assert names == list(dict.fromkeys(ev.speakers))
    reference = np.array([speaker_features(ev, name, TACTICS)[-1] for name in names])
    assert np.array_equal(rows, reference), dict(zip(FEATURES, zip(rows.T.tolist(), reference.T.tolist())))


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_following_only_speakers_who_can_cross_finds_the_same_first_alert(data):
    """Only speakers whose risk can reach the lowest threshold are followed turn by turn; with
    weights of either sign the score is the one every speaker's prefix risks give."""
    from signals.model.ages import speaker_ages
    from signals.model.conversation import ConversationScorer

    ev = random_evidence(data, "abcd")
    coef = np.array(data.draw(st.lists(st.floats(-3, 3), min_size=len(FEATURES), max_size=len(FEATURES))))
    low, high = sorted(data.draw(st.lists(st.floats(0.05, 0.95), min_size=2, max_size=2)))
    scorer = ConversationScorer(coef, data.draw(st.floats(-2, 1)), np.array([data.draw(st.floats(0.5, 5)), 0.0]),
                                high, low, tuple(TACTICS), ((25, low, low), (10**9, high, low)))
    ages = speaker_ages(ev.texts, ev.speakers)
    every = {name: scorer._risk(speaker_features(ev, name, TACTICS, ages)) for name in dict.fromkeys(ev.speakers)}
    best = max(every, key=lambda name: every[name][-1])
    n = len(ev.speakers)
    flagged = every[best][-1] >= scorer.threshold_for(n)
    crossed = np.flatnonzero(np.max(list(every.values()), axis=0) >= scorer._prefix_thresholds(n))
    score = scorer.score(ev)
    assert score.speaker_risk == {k: float(v[-1]) for k, v in every.items()}
    assert score.suspect == (best if flagged else None)
    assert score.first_alert_turn == (int(crossed[0]) if flagged and len(crossed) else None)


def test_the_bounded_fit_is_scikit_learns_when_nothing_is_bounded():
    from sklearn.linear_model import LogisticRegression

    from signals.model.conversation_fit import fit_bounded_logistic

    rng = np.random.RandomState(0)
    X = rng.rand(400, 4)
    y = (X[:, 0] - 0.5 * X[:, 1] + 0.3 * rng.randn(400) > 0.2).astype(int)
    reference = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000, tol=1e-10).fit(X, y)
    coef, intercept = fit_bounded_logistic(X, y, 1.0, np.zeros(4, bool))
    assert coef == pytest.approx(reference.coef_[0], abs=1e-3) and intercept == pytest.approx(reference.intercept_[0], abs=1e-3)
    bounded, _ = fit_bounded_logistic(X, y, 1.0, np.ones(4, bool))
    assert (bounded >= 0).all() and bounded[1] == 0.0        # pushed below zero, held at the bound


def test_the_other_sides_distress_never_lowers_a_speakers_risk():
    """In training chats where the other side's distress came mostly in harmless ones (friends
    comforting each other), a free fit gave it a negative weight: a victim writing "help ik word
    bedreigd" took a flagged chat below the threshold. Evidence weights are fitted at 0 or above."""
    from signals.model.conversation_fit import ConversationModel

    rng = np.random.default_rng(3)
    chats, suspects, groups = [], [], []
    for i in range(120):
        grooming = i % 3 == 0
        n = int(rng.integers(6, 20))
        speakers = ["x", "y"] * (n // 2)
        review = np.where(np.array(speakers) == "x", rng.beta(5, 2, len(speakers)) if grooming else rng.beta(2, 5, len(speakers)), 0.05)
        distress = np.where(np.array(speakers) == "y", 0.1 if grooming else rng.beta(5, 2, len(speakers)), 0.0)
        chats.append(evidence(review, distress, np.zeros((len(speakers), len(TACTICS))), speakers))
        suspects.append("x" if grooming else None)
        groups.append(f"g{i % 6}")
    model = ConversationModel(C=1.0, folds=3).fit(chats, suspects, groups, TACTICS)
    weights = dict(zip(FEATURES, model.coef_))
    assert weights["other_distress"] >= 0
    scorer = model.scorer()
    calm = chats[0]
    upset = evidence(calm.review, np.where(np.array(calm.speakers) == "y", 0.95, 0.0), calm.tactics, calm.speakers)
    assert scorer.score(upset).risk >= scorer.score(calm).risk
