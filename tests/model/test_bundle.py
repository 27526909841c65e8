"""The model describes itself: its categories, routes, tactics, patterns, lexicons, operating points
and library versions travel in its directory, and a loaded model answers with its own."""

from __future__ import annotations

import dataclasses
import json
import subprocess
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

from signals.errors import ArtifactIntegrityError, SignalsError
from signals.model.bundle import LibraryMismatch, ModelSpec, SignalsModel, check_libraries, installed_versions
from signals.model.targets import precision_targets
from signals.nlp import resources as resources_module
from signals.service import Message, ScoringService

TEXTS = ["stuur 200 euro of ik stuur je foto's naar al je volgers, je hebt 1 uur", "hoe laat ben je thuis?",
         "kom op snap, vertel het aan niemand", "mijn stiefvader dreigt mijn foto's te delen, wat moet ik doen"]


@pytest.fixture(scope="module")
def loaded(tiny_model_dir) -> SignalsModel:
    return SignalsModel.load(tiny_model_dir)[0]


def two_category_model(model: SignalsModel) -> SignalsModel:
    """The tiny model cut down to two categories with names and routes of its own."""
    keep = [model.spec.categories.index("sextortion"), model.spec.categories.index("disclosure")]
    names = ("afpersing", "hulpvraag")
    spec = dataclasses.replace(model.spec, name="ander-model", categories=names,
                               routes={"afpersing": "review", "hulpvraag": "support"})
    messages = model.thresholds["messages"]
    points = {key: {n: messages[key][model.spec.categories[i]] for n, i in zip(names, keep)}
              for key in ("high_precision", "high_recall")}
    thresholds = {**model.thresholds, "messages": {**messages, **points, "reached": {}}}
    scorer = dataclasses.replace(model.scorer, coef=model.scorer.coef[:, keep], intercept=model.scorer.intercept[keep],
                                 calibration=model.scorer.calibration[keep])
    return dataclasses.replace(model, spec=spec, scorer=scorer, thresholds=thresholds)


def test_a_model_with_other_categories_answers_with_its_own(loaded, tmp_path, service):
    directory = two_category_model(loaded).save(tmp_path / "ander-model")
    other = ScoringService.load(directory)
    assert other.categories == ("afpersing", "hulpvraag")
    results = other.score_messages([Message(str(i), t) for i, t in enumerate(TEXTS)])
    reference = service.score_messages([Message(str(i), t) for i, t in enumerate(TEXTS)])
    for mine, theirs in zip(results, reference):
        assert set(mine.category_scores) == {"afpersing", "hulpvraag"}
        assert set(mine.labels) <= {"afpersing", "hulpvraag"}
        assert mine.category_scores["afpersing"] == theirs.category_scores["sextortion"]
        assert mine.route == ("review" if "afpersing" in mine.labels else "support" if mine.labels else "none")
    spec = json.loads((directory / "model.json").read_text(encoding="utf-8"))
    assert spec["categories"] == [{"name": "afpersing", "route": "review"}, {"name": "hulpvraag", "route": "support"}]


def test_editing_the_packaged_lexicon_does_not_change_an_existing_model(tiny_model_dir, service, monkeypatch):
    before = service.score_texts(TEXTS)
    files = resources_module.packaged_files()
    files["chat.tsv"] += "snap\tpannenkoek\nvertel\tpannenkoek\n"
    monkeypatch.setattr(resources_module, "packaged_files", lambda: files)
    resources_module._default_resources.cache_clear()
    try:
        assert resources_module.LanguageResources.default().lexicon["snap"] == "pannenkoek"   # the default did change
        after = ScoringService.load(tiny_model_dir).score_texts(TEXTS)
    finally:
        resources_module._default_resources.cache_clear()
    assert np.array_equal(before, after)


def test_the_model_uses_its_own_patterns(loaded, tmp_path):
    edited = dataclasses.replace(loaded, patterns_text=loaded.patterns_text.replace(
        "\nsecrecy:\n", "\nsecrecy:\n  - {name: pannenkoek, regex: '\\bpannenkoek\\b', score: 0.9}\n", 1))
    service = ScoringService.load(edited.save(tmp_path / "eigen-patronen"))
    [result] = service.score_messages([Message("p", "ik wil een pannenkoek")])
    assert [(t.tactic, t.start, t.end) for t in result.tactics] == [("secrecy", 11, 21)]


def test_a_model_whose_patterns_could_backtrack_is_refused(loaded, tmp_path):
    """A crafted model directory cannot bring a regex that takes minutes on one message."""
    edited = dataclasses.replace(loaded, patterns_text=loaded.patterns_text.replace(
        "\nsecrecy:\n", "\nsecrecy:\n  - {name: traag, regex: '(?:\\w+\\s?)*!', score: 0.9}\n", 1))
    with pytest.raises(SignalsError, match="traag.*variable repeat inside an unbounded one"):
        ScoringService.load(edited.save(tmp_path / "traag"))


@pytest.mark.parametrize(("library", "refused"), [
    ("spacy-lookups-data", True),    # other lemmas: the answers would change
    ("spacy", True),                 # another major version tokenises differently
    ("numpy", False), ("scikit-learn", False), ("joblib", False),
])
def test_library_mismatch_warns_or_refuses(library, refused):
    installed = installed_versions()
    recorded = {**installed, library: "0.0.1"}
    if refused:
        with pytest.raises(ArtifactIntegrityError, match=rf"trained with {library} 0\.0\.1.*would change"):
            check_libraries(recorded, installed)
    else:
        with pytest.warns(LibraryMismatch, match=rf"trained with {library} 0\.0\.1"):
            check_libraries(recorded, installed)


def test_same_versions_load_silently():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert check_libraries(installed_versions()) == []


def test_a_model_recorded_with_other_lemmas_is_refused_on_load(loaded, tmp_path):
    spec = dataclasses.replace(loaded.spec, libraries={**loaded.spec.libraries, "spacy-lookups-data": "0.0.1"})
    directory = dataclasses.replace(loaded, spec=spec).save(tmp_path / "oude-lemmas")
    with pytest.raises(ArtifactIntegrityError, match="spacy-lookups-data"):
        ScoringService.load(directory)


@pytest.mark.parametrize("change", [
    {"format": 1}, {"categories": []}, {"categories": [{"name": "x", "route": "ergens"}]},
    {"categories": [{"name": "x", "route": "review"}, {"name": "x", "route": "review"}]}, {"features": {"onbekend": 1}},
])
def test_an_unreadable_description_is_refused(loaded, change):
    data = {**loaded.spec.as_json(), **change}
    with pytest.raises(ArtifactIntegrityError, match="model.json"):
        ModelSpec.from_json(data)


def test_a_model_of_the_previous_format_is_refused_with_what_to_do(loaded):
    # format 2 weighed a repeated n-gram by the root of its count: its weights were fitted to other features
    with pytest.raises(ArtifactIntegrityError, match=r"model format 2; this signals reads format 3: train the model again"):
        ModelSpec.from_json({**loaded.spec.as_json(), "format": 2})


def test_weights_of_the_wrong_shape_are_refused(loaded, tmp_path):
    scorer = dataclasses.replace(loaded.scorer, coef=loaded.scorer.coef[:-5])
    directory = dataclasses.replace(loaded, scorer=scorer).save(tmp_path / "kapot")
    with pytest.raises(ArtifactIntegrityError, match="weights of shape"):
        SignalsModel.load(Path(directory))


@pytest.mark.parametrize("targets", [["recruitment", 0.9], {"disclosure": "hoog"}, {"sextortion": 1.5}])
def test_unreadable_precision_targets_are_refused(loaded, tmp_path, targets):
    messages = {**loaded.thresholds["messages"], "precision_targets": targets}
    directory = dataclasses.replace(loaded, thresholds={**loaded.thresholds, "messages": messages}).save(tmp_path / "m")
    with pytest.raises(ArtifactIntegrityError, match="precision"):
        SignalsModel.load(Path(directory))


def test_a_model_from_before_per_category_targets_reads_its_one_target_for_all(loaded, tmp_path):
    messages = {k: v for k, v in loaded.thresholds["messages"].items() if k != "precision_targets"}
    directory = dataclasses.replace(loaded, thresholds={**loaded.thresholds, "messages": messages}).save(tmp_path / "m")
    older = SignalsModel.load(Path(directory))[0]
    assert precision_targets(older.thresholds["messages"]) == {c: messages["precision_target"] for c in older.spec.categories}


def test_serving_a_model_needs_no_scikit_learn(tiny_model_dir):
    """Loading, scoring messages and scoring conversations import numpy and spaCy only: scikit-learn
    (about 130 MiB and a second at start-up) is for training. A helper of the loader once pulled it in."""
    code = ("import sys\n"
            "from signals.service import Conversation, Message, ScoringService, Turn\n"
            f"service = ScoringService.load({str(tiny_model_dir)!r})\n"
            "service.score_messages([Message(id='1', text='stuur je snap, ik ben 24 en jij?')])\n"
            "service.score_conversations([Conversation(id='c', turns=[Turn('a', 'hoe oud ben je'), Turn('b', '14')])])\n"
            "loaded = sorted(m for m in sys.modules if m.split('.')[0] == 'sklearn')\n"
            "assert not loaded, loaded[:5]\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 0, result.stderr[-2000:]


def test_conversation_weights_for_other_features_are_refused(loaded, tmp_path):
    """A model whose conversation model read other features (an older signals) is refused on load,
    not scored with weights that mean something else."""
    conversation = dataclasses.replace(loaded.conversation, coef=loaded.conversation.coef[:-1])
    directory = dataclasses.replace(loaded, conversation=conversation).save(tmp_path / "ouder")
    with pytest.raises(ArtifactIntegrityError, match="conversation weights of shape"):
        SignalsModel.load(Path(directory))


def test_conversation_thresholds_by_length_travel_with_the_model(loaded):
    points = loaded.thresholds["conversations"]["by_length"]
    assert [p["max_turns"] for p in points] == [25, 100, 500, None]
    scorer = loaded.conversation
    for turns, point in zip((25, 100, 500, 10_000), points):
        assert scorer.threshold_for(turns) == point["high_precision"]
        assert point["high_recall"] <= point["high_precision"]
    assert scorer.threshold == max(p["high_precision"] for p in points)


def with_conversation_points(model: SignalsModel, by_length: list[dict] | None) -> SignalsModel:
    conversations = {k: v for k, v in model.thresholds["conversations"].items() if k != "by_length"}
    if by_length is not None:
        conversations["by_length"] = by_length
    return dataclasses.replace(model, thresholds={**model.thresholds, "conversations": conversations})


def test_a_model_from_before_thresholds_by_length_uses_its_one_threshold_at_every_length(loaded, tmp_path):
    directory = with_conversation_points(loaded, None).save(tmp_path / "oud")
    scorer = SignalsModel.load(Path(directory))[0].conversation
    assert scorer.by_length == ()
    assert {scorer.threshold_for(n) for n in (1, 30, 400, 10_000)} == {loaded.conversation.threshold}


@pytest.mark.parametrize(("by_length", "reason"), [
    ([{"max_turns": 25, "high_precision": 0.8, "high_recall": 0.5},
      {"max_turns": None, "high_precision": 0.6, "high_recall": 0.5}], "never fall"),
    ([{"max_turns": 100, "high_precision": 0.5, "high_recall": 0.5},
      {"max_turns": 25, "high_precision": 0.6, "high_recall": 0.5}, {"max_turns": None, "high_precision": 0.7,
                                                                      "high_recall": 0.5}], "never fall"),
    ([{"max_turns": 25, "high_precision": 0.9, "high_recall": 0.5}], "no end"),
    ([{"max_turns": None, "high_precision": float("nan"), "high_recall": 0.5}], r"not in \[0, 1\]"),
    ([{"max_turns": None, "high_precision": 1.5, "high_recall": 0.5}], r"not in \[0, 1\]"),
    ([{"max_turns": None, "high_precision": 0.5, "high_recall": 0.7}], "high_recall above"),
    ([{"max_turns": 25.9, "high_precision": 0.5, "high_recall": 0.5},
      {"max_turns": None, "high_precision": 0.6, "high_recall": 0.5}], "whole number"),
    ([{"max_turns": -3, "high_precision": 0.5, "high_recall": 0.5},
      {"max_turns": None, "high_precision": 0.6, "high_recall": 0.5}], "whole number"),
    ([{"max_turns": 25, "high_precision": 0.5}], "high_recall"),
])
def test_conversation_thresholds_that_could_fall_or_are_not_thresholds_are_refused(loaded, tmp_path, by_length, reason):
    directory = with_conversation_points(loaded, by_length).save(tmp_path / "kapot")
    with pytest.raises(ArtifactIntegrityError, match=reason):
        SignalsModel.load(Path(directory))
