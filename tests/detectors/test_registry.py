"""The registry: the only list of detectors; configuration says which tactics are on."""

from __future__ import annotations

from pathlib import Path

import pytest

from signals.detectors import Detector
from signals.detectors.pattern import PatternDetector
from signals.detectors.registry import DetectorRegistry, load_patterns
from signals.errors import ConfigError
from signals.nlp.pipeline import Preprocessor
from signals.taxonomy import TACTICS


def test_every_taxonomy_tactic_has_a_detector():
    registry = DetectorRegistry.from_config()
    assert registry.tactics == list(TACTICS)
    assert all(isinstance(d, Detector) for d in registry.detectors)
    assert {d.name for d in registry.detectors} == {f"pattern:{t}" for t in TACTICS}


def test_packaged_patterns_cover_exactly_the_taxonomy():
    patterns = load_patterns()
    assert set(patterns) == set(TACTICS)
    for tactic, rows in patterns.items():
        assert rows, tactic
        names = [p.name for p in rows]
        assert len(names) == len(set(names)), f"duplicate pattern names in {tactic}"
        assert all(0 < p.score <= 1 for p in rows), tactic


@pytest.mark.parametrize("enabled", [["nope"], ["secrecy", "grooming"], ["Secrecy"], ["recruitment"]])
def test_unknown_tactic_enabled_is_a_config_error(enabled):
    with pytest.raises(ConfigError, match="unknown tactics"):
        DetectorRegistry.from_config(enabled=enabled)


def test_unknown_tactic_in_a_patterns_file_is_a_config_error(tmp_path: Path):
    path = tmp_path / "patterns.yaml"
    path.write_text("secrecy:\n  - {name: a, regex: 'geheim', score: 0.5}\n"
                    "love_bombing:\n  - {name: b, regex: 'schat', score: 0.5}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="love_bombing"):
        load_patterns(path)
    with pytest.raises(ConfigError):
        DetectorRegistry.from_config(patterns_path=path)


@pytest.mark.parametrize("enabled", [[], ["secrecy"], ["deadline", "secrecy"]])
def test_only_enabled_tactics_run(enabled):
    registry = DetectorRegistry.from_config(enabled=enabled)
    assert registry.tactics == enabled


def test_a_team_patterns_file(tmp_path: Path):
    path = tmp_path / "patterns.yaml"
    path.write_text("secrecy:\n  - {name: our_word, regex: '\\bgeheimpje\\b', score: 0.9}\n", encoding="utf-8")
    registry = DetectorRegistry.from_config(patterns_path=path)
    assert registry.tactics == ["secrecy"]        # tactics without patterns get no detector
    (doc,) = Preprocessor().pipe(["ons GEHEIMPJE"])
    (span,) = registry.detect(doc)
    assert (span.label, span.start, span.end, span.score) == ("secrecy", 4, 13, 0.9)


def test_empty_patterns_file_gives_an_empty_registry(tmp_path: Path):
    path = tmp_path / "patterns.yaml"
    path.write_text("# nothing yet\n", encoding="utf-8")
    assert load_patterns(path) == {}
    assert DetectorRegistry.from_config(patterns_path=path).detectors == []


def test_spans_are_sorted_by_start_then_strongest_first():
    registry = DetectorRegistry.from_config()
    (doc,) = Preprocessor().pipe(["stuur 200 euro of ik stuur je naaktfoto's naar al je volgers, je hebt 1 uur"])
    spans = registry.detect(doc)
    assert [s.label for s in spans] == ["payment_demand", "threat_exposure", "image_request", "deadline"]
    keys = [(s.start, -s.score) for s in spans]
    assert keys == sorted(keys)


def test_detect_batch_keeps_order():
    registry = DetectorRegistry([PatternDetector(t, rows) for t, rows in load_patterns().items()])
    docs = Preprocessor().pipe(["hoe oud ben je", "hallo", "verwijder deze chat"])
    assert [[s.label for s in spans] for spans in registry.detect_batch(docs)] == [["age_probe"], [], ["secrecy"]]


def test_a_row_that_could_backtrack_is_refused(tmp_path: Path):
    """A patterns file (a team's, or one inside a model directory) cannot bring a slow regex."""
    path = tmp_path / "patterns.yaml"
    path.write_text("secrecy:\n  - {name: traag, regex: '(?:geheim\\s*)+(?:\\w+\\s?)*!', score: 0.5}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="traag.*variable repeat inside an unbounded one"):
        load_patterns(path)
