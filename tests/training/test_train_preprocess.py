"""make train preprocesses in forked processes: the same analysis, in the same order, as one process."""

from __future__ import annotations

import numpy as np
import pytest

from signals.analysis import Analyzer
from signals.detectors.registry import CUES_FILE, PATTERNS_FILE, DetectorRegistry, packaged_text
from signals.nlp.pipeline import Preprocessor
from signals.nlp.resources import LanguageResources
from signals.taxonomy import TACTICS
from training import train

TEXTS = [
    "hey schoonheid, jij bent anders dan de rest", "hoe oud ben je eigenlijk? zit je nog op school?",
    "vertel het aan niemand, kom op snap", "betaalt ge ni, dan gaan die fotos naar uw ouders",
    "wollah ik stuur je doekoe morgen", "send me die playlist", "hij dreigt mijn pics te lekken help",
    "morgen training om 7", "zijde alleen thuis vanavond?", "ik zet je f0t0s online als je niet betaalt",
    "", "   ", "😂😂😂", "pas op voor gasten die je cadeaus geven en dan iets terug willen",
] * 3


@pytest.fixture(scope="module")
def analyzer() -> Analyzer:
    registry = DetectorRegistry.from_texts(packaged_text(PATTERNS_FILE), packaged_text(CUES_FILE), TACTICS)
    return Analyzer(registry, Preprocessor(512, LanguageResources.default()))


@pytest.mark.parametrize(("workers", "chunk"), [(2, 5), (3, 7), (2, 4096), (1, 5)])
def test_forked_preprocessing_gives_the_analysis_of_one_process(analyzer, monkeypatch, workers, chunk):
    monkeypatch.setattr(train, "ANALYSIS_CHUNK", chunk)
    alone = analyzer.analyze(TEXTS)
    forked = train.analyze_in_processes(analyzer, TEXTS, workers)
    assert forked.texts == alone.texts
    assert all(np.array_equal(a, b) for a, b in zip(forked.lemmas, alone.lemmas, strict=True))
    assert forked.spans == alone.spans
    assert np.array_equal(forked.tactics, alone.tactics) and np.array_equal(forked.cues, alone.cues)
    assert forked.tactics.any()  # the table holds tactics to compare, not only empty rows


def test_a_worker_that_fails_stops_training_with_its_error(analyzer, monkeypatch):
    monkeypatch.setattr(train, "ANALYSIS_CHUNK", 5)

    def broken(texts):
        raise ValueError("a worker failed")

    monkeypatch.setattr(analyzer, "analyze", broken)  # what the forked workers inherit
    with pytest.raises(ValueError, match="a worker failed"):
        train.analyze_in_processes(analyzer, TEXTS, 2)
