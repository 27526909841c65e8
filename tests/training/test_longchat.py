"""Long threads assembled from conversations and real lines keep their labels straight."""

from __future__ import annotations

import random

import pytest
from training.longchat import assemble, long_length

BENIGN = [{"id": f"b{i}", "label": "benign", "register": "standard", "source": "w1",
           "turns": [{"speaker": "x", "text": f"hoi {i}"}, {"speaker": "y", "text": "ja"}, {"speaker": "z", "text": "ok"}]}
          for i in range(5)]
GROOMING = [{"id": "g1", "label": "grooming", "suspect": "dader", "first_grooming_turn": 2, "register": "flemish",
             "source": "w2", "turns": [{"speaker": "dader", "text": "hoi"}, {"speaker": "kind", "text": "hoi"},
                                       {"speaker": "dader", "text": "vertel het aan niemand"},
                                       {"speaker": "kind", "text": "ok"}]}]
FILLER = [{"text": f"zin {i}"} for i in range(50)]


@pytest.mark.parametrize("seed", range(5))
def test_threads_have_their_length_labels_and_suspect(seed):
    threads = assemble(BENIGN, GROOMING, FILLER, 40, random.Random(seed), 30, 300, grooming_share=0.5)
    assert len(threads) == 40
    for thread in threads:
        assert 30 <= len(thread["turns"]) <= 300 + len(GROOMING[0]["turns"])
        assert all("speaker" in t and "text" in t for t in thread["turns"])
        if thread["label"] == "grooming":
            first = thread["first_grooming_turn"]
            assert thread["turns"][first]["speaker"] == "dader" == thread["suspect"]
            assert thread["turns"][first]["text"] == "vertel het aan niemand"
            assert thread["turns"][first + 1] == {"speaker": "kind", "text": "ok"}
        else:
            assert thread["suspect"] is None and thread["first_grooming_turn"] is None


def test_harmless_speakers_take_the_threads_participants():
    threads = assemble(BENIGN, GROOMING, FILLER, 20, random.Random(1), 30, 60, grooming_share=1.0)
    for thread in threads:
        speakers = {t["speaker"] for t in thread["turns"]}
        assert {"dader", "kind"} <= speakers           # small talk happens between the same two people
        assert not {"x", "y"} & speakers               # written harmless speakers were renamed onto them


def test_without_filler_or_grooming_threads_are_still_built():
    threads = assemble(BENIGN, [], [], 5, random.Random(0), 10, 20)
    assert all(t["label"] == "benign" and len(t["turns"]) >= 10 for t in threads)


def test_lengths_are_log_uniform_between_the_bounds():
    rng = random.Random(0)
    lengths = [long_length(rng, 30, 400) for _ in range(2000)]
    assert min(lengths) >= 30 and max(lengths) <= 400
    assert 0.35 < sum(n <= 110 for n in lengths) / len(lengths) < 0.65   # the geometric middle is ~110


SPIKES = [{"text": f"ik betaal je 50 euro voor die klus {i}", "spike": True} for i in range(10)]


@pytest.mark.parametrize("grooming_share", [0.0, 1.0])
def test_spikes_are_single_lines_in_small_talk_of_either_label(grooming_share):
    threads = assemble(BENIGN, GROOMING, FILLER, 30, random.Random(3), 100, 300, grooming_share=grooming_share,
                       spikes=SPIKES, spike_rate=0.1)
    spiked = 0
    for thread in threads:
        turns = thread["turns"]
        assert not any("filler" in t for t in turns)  # the internal marker never leaks into a thread
        for k, turn in enumerate(turns):
            if turn.get("spike"):
                spiked += 1
                assert not turns[k - 1].get("spike")                  # one line on its own, after small talk
                assert turns[k - 1]["text"].startswith("zin ")
                assert turn["speaker"] in ({"dader", "kind"} if grooming_share else {"x", "y"})
        if thread["label"] == "grooming":
            first = thread["first_grooming_turn"]
            assert turns[first]["text"] == "vertel het aan niemand" and turns[first]["speaker"] == "dader"
    assert spiked > 30


def test_without_spikes_threads_are_the_same_as_before():
    plain = assemble(BENIGN, GROOMING, FILLER, 10, random.Random(5), 30, 200)
    zero_rate = assemble(BENIGN, GROOMING, FILLER, 10, random.Random(5), 30, 200, spikes=SPIKES, spike_rate=0.0)
    assert plain == zero_rate


def test_a_training_thread_holds_one_folds_conversations():
    """Threads for training draw their written conversations from one group of writers (a fold), so
    the thread sits in that fold (they mixed all writers: a harmless chat was in one fold alone and in
    another inside a thread)."""
    benign = [{**c, "id": f"{c['id']}-{w}", "source": w,
               "turns": [{**t, "text": f"{w}: {t['text']}"} for t in c["turns"]]} for w in ("w1", "w2", "w3") for c in BENIGN]
    grooming = [{**GROOMING[0], "source": "w2"}]
    threads = assemble(benign, grooming, FILLER, 60, random.Random(4), 30, 120, grooming_share=0.4,
                       group_of=lambda c: c["source"])
    for thread in threads:
        writer = thread["source"].removeprefix("assembled:")
        written = {t["text"].split(":", 1)[0] for t in thread["turns"] if t["text"][:2] == "w1" or t["text"][:2] in ("w2", "w3")}
        assert written <= {writer}, (writer, written)
    mixed = assemble(benign, grooming, FILLER, 60, random.Random(4), 30, 120, grooming_share=0.4)
    assert any(len({t["text"].split(":", 1)[0] for t in th["turns"] if t["text"][:1] == "w"}) > 1 for th in mixed)
