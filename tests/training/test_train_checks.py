"""What ``python -m training.train`` refuses before it spends minutes: exit 2 and one line naming the key."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pytest
import yaml
from training.config import load_config
from training.train import check_threshold_positives, check_threshold_sources, main

from signals.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


def config_file(tmp_path: Path, **data) -> Path:
    raw = yaml.safe_load((ROOT / "training" / "config.tiny.yaml").read_text(encoding="utf-8"))
    raw["data"].update(data)
    for key in ("handwritten_dir", "dev_dir"):
        raw["data"][key] = str(ROOT / raw["data"][key])
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(("feedback", "message"), [
    # was "feedback file not found" without the key, after the data had loaded
    (lambda t: [str(t / "feedbak.jsonl")], "data.feedback.0: file not found"),
    (lambda t: [str(t / "export.jsonl"), str(t)], "data.feedback.1: file not found"),
])
def test_a_missing_feedback_file_is_named_before_training(tmp_path, capsys, feedback, message):
    (tmp_path / "export.jsonl").write_text("", encoding="utf-8")
    assert main(["--config", str(config_file(tmp_path, feedback=feedback(tmp_path))), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "m").exists()


def small_data(folder: Path, writers: int = 6, lines: int = 200, conversations: int = 40) -> dict:
    """The first lines of a few writers and conversation files: a whole training run in seconds,
    for tests of what happens around the fit rather than of the model it gives."""
    folder.mkdir()
    source = ROOT / "training" / "data" / "handwritten"
    names = sorted(p.name for p in source.glob("writer_*.jsonl"))[:writers]
    conversation_files = ["conversations.jsonl", "conversations_k.jsonl"]
    for name in names + conversation_files:
        keep = lines if name.startswith("writer_") else conversations
        head = (source / name).read_text(encoding="utf-8").splitlines(keepends=True)[:keep]
        (folder / name).write_text("".join(head), encoding="utf-8")
    return {"handwritten_dir": str(folder), "conversation_files": conversation_files}


# (thresholds.sources, origins of the training rows, error or None)
SOURCES = [
    (["writer", "corpus"], ["writer", "corpus"], None),
    (["writer", "corpus"], ["writer"], None),                 # the corpora absent here: reported, not fatal
    (["corpus"], ["writer"], r"thresholds\.sources: \['corpus'\] match no training rows"),
    (["feedback"], ["writer", "corpus"], r"thresholds\.sources: \['feedback'\] match no"),  # an empty export
]


@pytest.mark.parametrize(("sources", "origins", "error"), SOURCES)
def test_threshold_sources_must_give_rows(tmp_path, capsys, sources, origins, error):
    """Without rows every threshold was 0.5, written to the model with exit 0."""
    config = load_config(config_file(tmp_path, feedback=["x.jsonl"]))
    config.thresholds.sources = sources
    if error:
        with pytest.raises(ConfigError, match=error):
            check_threshold_sources(config, origins)
    else:
        check_threshold_sources(config, origins)
        missing = set(sources) - set(origins)
        assert ("chosen on the others" in capsys.readouterr().err) == bool(missing)


CATEGORIES = ("recruitment", "sextortion", "disclosure")
# (thresholds.sources, (origin, labels) of each training row, categories named in the error or None)
POSITIVES = [
    (["writer", "corpus"], [("writer", [1, 0, 0]), ("writer", [0, 1, 1]), ("corpus", [0, 0, 0])], None),
    (["corpus"], [("writer", [1, 1, 1]), ("corpus", [0, 0, 0])], "['recruitment', 'sextortion', 'disclosure']"),
    # reviewers confirmed only recruitment: the other two would be chosen on harmless rows
    (["feedback"], [("writer", [1, 1, 1]), ("feedback", [1, 0, 0]), ("feedback", [0, 0, 0])],
     "['sextortion', 'disclosure']"),
    (["writer", "feedback"], [("writer", [0, 1, 1]), ("feedback", [1, 0, 0])], None),
]


@pytest.mark.parametrize(("sources", "rows", "missing"), POSITIVES)
def test_every_category_needs_positive_rows_among_the_threshold_sources(sources, rows, missing):
    """Without positives a category's threshold was chosen on harmless rows alone, with exit 0."""
    origins, labels = [o for o, _ in rows], np.array([y for _, y in rows])
    if missing:
        with pytest.raises(ConfigError, match=re.escape(f"hold no positive rows for {missing}")):
            check_threshold_positives(sources, origins, labels, CATEGORIES)
    else:
        check_threshold_positives(sources, origins, labels, CATEGORIES)


@pytest.mark.parametrize(("source", "expected"), [
    ("fragments_writer_a", "writer:writer_a"),   # with writer a's messages: one writer, one fold
    ("writer_k", "conv:writer_k"),
    ("synth", "synthconv:synth"),
])
def test_conversation_turns_fall_in_their_writers_fold(source, expected):
    from training.train import turn_group

    assert turn_group({"source": source, "turns": []}) == expected


def test_operating_points_are_chosen_on_the_named_sources_as_written():
    import numpy as np
    from training.train import threshold_row_mask

    source = np.array(["writer", "writer", "corpus", "conv", "hub"])
    copies = np.array([False, True, False, False, False])
    assert threshold_row_mask(source, copies, ["writer", "corpus"]).tolist() == [True, False, True, False, False]
    assert threshold_row_mask(source, copies, []) is None


def test_writers_are_spread_over_folds_by_their_turns_and_threads_keep_theirs():
    from training.train import writer_folds

    convs = ([{"source": "a", "turns": [0] * 50}, {"source": "b", "turns": [0] * 40}, {"source": "c", "turns": [0] * 30},
              {"source": "assembled:c", "turns": [0] * 5}, {"source": "d", "turns": [0] * 10}])
    folds = writer_folds(convs, 3)
    assert set(folds) == {"a", "b", "c", "d"}                   # a thread is its writer's
    assert folds["a"] != folds["b"] != folds["c"] and folds["d"] == folds["c"]   # d joins the lightest fold
    assert writer_folds(convs[:1], 5) == {"a": 0}


# -- from a review of the training side: refused before the minutes of work, an earlier model kept --------

def _copy_model(tiny_model_dir, target: Path) -> Path:
    import shutil

    shutil.copytree(tiny_model_dir, target)
    return target


def test_an_output_inside_a_model_is_refused(tmp_path, capsys, tiny_model_dir):
    model = _copy_model(tiny_model_dir, tmp_path / "model")
    assert main(["--config", str(config_file(tmp_path)), "--out", str(model / "sub")]) == 2
    assert "is inside the model at" in capsys.readouterr().err
    assert not (model / "sub").exists()


@pytest.mark.parametrize("folder", ["training/data/dev", "training/data/heldout"])
def test_the_dev_and_held_out_sets_are_never_training_data(tmp_path, capsys, folder):
    assert main(["--config", str(config_file(tmp_path, handwritten_dir=str(ROOT / folder))), "--out", str(tmp_path / "m")]) == 2
    assert "is a development, held-out or sealed set" in capsys.readouterr().err


def test_a_malformed_dev_file_is_refused_before_training(tmp_path, capsys):
    import shutil

    dev = tmp_path / "dev"
    shutil.copytree(ROOT / "training" / "data" / "dev", dev)
    with open(dev / "conversations_long.jsonl", "a", encoding="utf-8") as handle:
        handle.write('{"id": "x-1", "label": "benign"}\n')                      # no turns: a KeyError at the end
    assert main(["--config", str(config_file(tmp_path, dev_dir=str(dev))), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert "conversations_long.jsonl" in err and "'turns' must be a non-empty list" in err
    assert not (tmp_path / "m").exists()


def test_more_folds_than_writers_is_refused_before_preprocessing():
    from training.train import check_folds

    config = load_config(ROOT / "training" / "config.tiny.yaml")
    with pytest.raises(ConfigError, match=r"model\.folds: .* folds for 2 fold groups"):
        check_folds(config.model_copy(update={"model": config.model.model_copy(update={"folds": 3})}),
                    ["writer:a", "writer:b"], [{"source": "x"}, {"source": "y"}])
    with pytest.raises(ConfigError, match="the conversations come from one writer"):
        check_folds(config, [f"writer:{i}" for i in range(10)], [{"source": "x"}, {"source": "x"}])


def test_a_run_that_fails_while_evaluating_keeps_the_earlier_model(tmp_path, capsys, tiny_model_dir, monkeypatch):
    """The model was written to --out before it was evaluated: a failure there left a model without
    metrics, card or config, and the earlier model was already gone."""
    from signals.model.artifact import read_model_files

    earlier = _copy_model(tiny_model_dir, tmp_path / "model")
    before = read_model_files(earlier).sha256

    def fail(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr("training.train.evaluate_model", fail)
    config = config_file(tmp_path, **small_data(tmp_path / "data"))
    assert main(["--config", str(config), "--out", str(earlier)]) == 130
    assert "stopped by SIGINT: no model was written and an earlier one is kept" in capsys.readouterr().err
    assert read_model_files(earlier).sha256 == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["config.yaml", "data", "model"]  # no staging folder left


@pytest.mark.parametrize(("line", "message"), [
    ('{"id": "c", "label": "benign"}', "'turns' must be a non-empty list"),
    ('{"id": "c", "label": "benign", "turns": [{"speaker": "a", "text": null}]}', "turn 0: needs 'speaker' and 'text'"),
    ('{"id": "c", "label": "Grooming", "turns": [{"speaker": "a", "text": "hoi"}]}', "'label' must be 'grooming' or"),
    (('{"id": "c", "label": "grooming", "suspect": "a", "first_grooming_turn": "drie", '
      '"turns": [{"speaker": "a", "text": "hoi"}]}'), "'first_grooming_turn' must be a turn index"),
])
def test_training_reads_only_conversations_it_can_use(tmp_path, line, message):
    from training.data_sources import read_conversations

    from signals.errors import CorpusError

    path = tmp_path / "conversations_x.jsonl"
    path.write_text(line + "\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=re.escape(f"{path}:1: {message}")):
        read_conversations(path)


@pytest.mark.parametrize(("record", "message"), [
    ({"text": "hoi", "labels": [], "kind": "hard-negative"}, "unknown kind 'hard-negative'"),   # trained at weight 1
    ({"text": "hoi", "labels": [], "kind": "positive"}, "kind 'positive' goes with labels"),    # trained as harmless
    ({"text": "stuur geld", "labels": ["sextortion"], "kind": "benign"}, "kind 'positive' goes with labels"),
])
def test_a_message_kind_that_contradicts_its_labels_is_refused(record, message):
    from training.data_sources import validate_message

    from signals.errors import CorpusError

    with pytest.raises(CorpusError, match=re.escape(message)):
        validate_message(record, "f.jsonl:1")


# -- from a platform training on its own labels (training/data/README.md, "Your own labels") ------------

OWN_MESSAGES = [
    ("jij bent anders dan de rest, ik regel een nieuwe telefoon voor je, vertel het aan niemand", ["recruitment"]),
    ("kom op snap, hier kan iedereen meelezen. ik haal je zaterdag op bij het station", ["recruitment"]),
    ("stuur 150 euro of ik stuur die foto's naar al je volgers, je hebt 2 uur", ["sextortion"]),
    ("koop een giftcard en stuur de code, anders ziet je school alles", ["sextortion"]),
    ("ik word bedreigd door iemand die mijn foto's heeft en ik durf het niemand te vertellen", ["disclosure"]),
    ("mijn vriendin wordt gechanteerd, hij wil geld anders stuurt hij alles naar haar ouders", ["disclosure"]),
    ("zullen we morgen samen huiswerk maken in de bieb?", []),
    ("mam hoe laat ben je thuis? ik heb honger", []),
    ("let op: loverboys geven vaak cadeaus, praat erover met iemand die je vertrouwt", []),
    ("betaal vandaag de 25 euro voor de fiets, anders verkoop ik hem aan iemand anders", []),
]
OWN_GROOMING = [("a", "jij bent echt anders dan de rest, hoe oud ben je?"), ("b", "14"),
                ("a", "vertel niemand over ons he, kom op snap"), ("a", "ik haal je zaterdag op bij het station")]
OWN_BENIGN = [("a", "gaan we morgen naar de film?"), ("b", "ja leuk, hoe laat?"), ("a", "7 uur bij de ingang")]


def _conversation(ident: str, turns, grooming: bool, source: str) -> dict:
    return {"id": ident, "turns": [{"speaker": s, "text": t} for s, t in turns],
            "label": "grooming" if grooming else "benign", "suspect": "a" if grooming else None,
            "first_grooming_turn": 0 if grooming else None, "register": "standard", "source": source}


def own_labels_config(tmp_path: Path, conversations: list[dict], source_of=lambda i, labels: f"p{i % 3}") -> Path:
    """A handwritten_dir of a platform's own: its messages (the ``i``-th with labels ``labels`` by
    ``source_of(i, labels)``), its conversations, no corpora, the tiny config otherwise."""
    import json

    folder = tmp_path / "own"
    folder.mkdir()
    with open(folder / "labels.jsonl", "w", encoding="utf-8") as handle:
        for i, (text, labels) in enumerate(OWN_MESSAGES * 2):
            source = {"source": source_of(i, labels)} if source_of(i, labels) is not None else {}
            handle.write(json.dumps({"id": f"own-{i}", "text": text, "labels": labels, **source,
                                     "kind": "positive" if labels else "benign"}) + "\n")
    if conversations:
        (folder / "conversations_own.jsonl").write_text("".join(json.dumps(c) + "\n" for c in conversations),
                                                        encoding="utf-8")
    raw = yaml.safe_load((ROOT / "training" / "config.tiny.yaml").read_text(encoding="utf-8"))
    raw["data"].update(handwritten_dir=str(folder), conversation_files=[], dev_dir=str(ROOT / raw["data"]["dev_dir"]))
    raw["data"]["corpora"]["files"] = []
    raw["data"]["long_chats"]["count"] = 0
    raw["thresholds"]["sources"] = ["writer"]
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


TWO_WRITERS = [_conversation("g1", OWN_GROOMING, True, "x"), _conversation("b1", OWN_BENIGN, False, "x"),
               _conversation("g2", OWN_GROOMING, True, "y"), _conversation("b2", OWN_BENIGN, False, "y")]


@pytest.mark.parametrize(("conversations", "message"), [
    # a folder of one's own without conversation files: "need at least one array to concatenate", after the
    # message model was fitted
    ([], "data.conversation_files: no conversations to train the conversation model on"),
    # harmless conversations only: the risk's calibration failed on one class, after the message model
    ([c for c in TWO_WRITERS if c["label"] == "benign"], "every conversation is 'benign'"),
])
def test_own_conversations_the_conversation_model_cannot_learn_from_are_refused_first(tmp_path, capsys, conversations,
                                                                                      message):
    assert main(["--config", str(own_labels_config(tmp_path, conversations)), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert message in err and "[train" not in err.splitlines()[-1] and not (tmp_path / "m").exists()
    assert "preprocessing" not in err                              # before the minutes of work


def test_a_category_whose_positives_one_writer_holds_is_refused_not_a_traceback(tmp_path, capsys):
    """A platform's disclosures all from one `source` (its helpline export: one fold group): the fold
    model trained without that group had no disclosure row, and scikit-learn stopped the run, after
    the preprocessing, with a traceback about "multiclass classification"."""
    config = own_labels_config(tmp_path, TWO_WRITERS, lambda i, labels: "helpline" if "disclosure" in labels else f"p{i % 2}")
    assert main(["--config", str(config), "--out", str(tmp_path / "m")]) == 2
    last = capsys.readouterr().err.splitlines()[-1]
    assert re.fullmatch(r"error: model\.folds: fold \d of 3 would fit disclosure on no positive rows: .*", last), last
    assert "writer:helpline" in last and "`source`" in last and not (tmp_path / "m").exists()


# (fold groups, labels of one category, weights) -> which class a fold model would lack, or None
FOLD_CLASSES = [
    (["a", "a", "b", "b", "c", "c"], [1, 0, 1, 0, 1, 0], [1] * 6, None),
    (["a", "a", "b", "b", "c", "c"], [1, 1, 0, 0, 0, 0], [1] * 6, "positive"),   # one writer holds every positive
    (["a", "a", "b", "b", "c", "c"], [1, 0, 1, 0, 0, 0], [1, 1, 0, 1, 1, 1], "positive"),  # b's positive is unknown
    (["a", "a", "b", "b", "c", "c"], [1, 1, 1, 1, 0, 0], [1] * 6, "harmless"),
]


@pytest.mark.parametrize(("groups", "labels", "weights", "lacking"), FOLD_CLASSES)
def test_every_fold_model_needs_both_classes(groups, labels, weights, lacking):
    from training.train import check_fold_classes

    Y, W = np.array(labels)[:, None], np.array(weights, float)[:, None]
    if lacking is None:
        check_fold_classes(3, Y, W, np.array(groups), ("disclosure",))
    else:
        with pytest.raises(ConfigError, match=rf"model\.folds: fold \d of 3 would fit disclosure on no {lacking} rows"):
            check_fold_classes(3, Y, W, np.array(groups), ("disclosure",))


def test_rows_without_a_source_are_the_writer_handwritten_everywhere(tmp_path, capsys):
    """Their fold group was `writer:handwritten`, as the README says, but the summary, the log and the
    model card named their writer "" (an empty name in the list of writers, "by 2 writers")."""
    from training.dataset import load_training_data

    config = load_config(own_labels_config(tmp_path, TWO_WRITERS, lambda i, labels: None if i % 2 else "p1"))
    data = load_training_data(config, CATEGORIES)
    assert data.summary["writers"] == ["handwritten", "p1"]
    assert set(data.messages.groups) == {"writer:handwritten", "writer:p1"}
