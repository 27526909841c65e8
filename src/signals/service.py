"""The one scoring service. The CLI, the API and Spark all call it; it calls the model.

Load it once (``ScoringService.load``); it verifies the model directory's sha256 manifest before
unpickling anything, then scores batches of messages (with optional context) and conversations.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from signals.analysis import Analyzer, context_vectors
from signals.detectors import DetectorRegistry
from signals.detectors.pattern import PatternDetector
from signals.detectors.registry import load_patterns
from signals.model.artifact import load_model_dir, model_sha256
from signals.nlp.pipeline import Preprocessor
from signals.results import ConversationResult, MessageResult, ModelRef, TurnResult
from signals.taxonomy import CATEGORIES, ConversationLabel, route_for


@dataclass(frozen=True)
class Turn:
    speaker: str
    text: str


@dataclass(frozen=True)
class Message:
    id: str
    text: str
    context: tuple[Turn, ...] = ()


@dataclass(frozen=True)
class Conversation:
    id: str
    turns: tuple[Turn, ...]


@dataclass
class ModelInfo:
    name: str
    version: str
    sha256: str
    manifest: dict = field(repr=False, default_factory=dict)

    def as_dict(self) -> dict:
        return {"name": self.name, "version": self.version, "sha256": self.sha256}

    @property
    def ref(self) -> ModelRef:
        return ModelRef(name=self.name, version=self.version, sha256=self.sha256)


class ScoringService:
    """Scores messages and conversations with one loaded, verified model."""

    def __init__(self, bundle: dict, manifest: dict, model_dir: Path, batch_size: int = 512) -> None:
        self.model_dir = Path(model_dir)
        self.category_model = bundle["category_model"]
        self.conversation_model = bundle["conversation_model"]
        patterns = load_patterns(self.model_dir / "patterns.yaml")
        registry = DetectorRegistry([PatternDetector(t, patterns[t]) for t in bundle["tactics"] if t in patterns])
        self.analyzer = Analyzer(registry, Preprocessor(batch_size=batch_size))
        self.info = ModelInfo(manifest["name"], manifest["version"], model_sha256(manifest), manifest)
        self.thresholds = dict(self.category_model.thresholds_)

    @classmethod
    def load(cls, model_dir: Path, root: Path | None = None, batch_size: int = 512) -> ScoringService:
        bundle, manifest = load_model_dir(Path(model_dir), root)
        return cls(bundle, manifest, Path(model_dir), batch_size=batch_size)

    # -- messages -----------------------------------------------------------------------------
    def message_results(self, probas: np.ndarray, spans: list, ids: Sequence[str],
                        explain: bool = True) -> list[MessageResult]:
        results = []
        for i, message_id in enumerate(ids):
            scores = {c: float(round(probas[i, j], 6)) for j, c in enumerate(CATEGORIES)}
            labels = [c for c in CATEGORIES if scores[c] >= self.thresholds[c]]
            results.append(MessageResult.model_construct(
                id=message_id, flagged=bool(labels), labels=labels, category_scores=scores, route=route_for(labels),
                tactics=[s.as_tactic() for s in spans[i]] if explain else []))
        return results

    def score_messages(self, messages: Sequence[Message], explain: bool = True) -> list[MessageResult]:
        """One result per message, in order (the ``signals score`` output shape)."""
        if not messages:
            return []
        contexts = [[t.text for t in m.context] for m in messages]
        analysis, frame = self.analyzer.messages_with_context([m.text for m in messages],
                                                              contexts if any(contexts) else None)
        probas = self.category_model.predict_proba(frame)
        return self.message_results(probas, analysis.spans, [m.id for m in messages], explain)

    def score_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated category probabilities only (no context), for evaluation and benchmarks."""
        if not texts:
            return np.zeros((0, len(CATEGORIES)))
        analysis = self.analyzer.analyze(list(texts))
        return self.category_model.predict_proba(self.analyzer.frame(analysis))

    # -- conversations ------------------------------------------------------------------------
    def score_conversations(self, conversations: Sequence[Conversation],
                            per_turn: bool = False) -> list[ConversationResult]:
        """One result per conversation (the ``signals score-conversations`` output shape)."""
        texts = [t.text for conv in conversations for t in conv.turns]
        analysis = self.analyzer.analyze(texts)
        contexts = np.zeros_like(analysis.tactics)
        bounds, cursor = [], 0
        for conv in conversations:
            n = len(conv.turns)
            contexts[cursor:cursor + n] = context_vectors(analysis.tactics[cursor:cursor + n])
            bounds.append((cursor, cursor + n))
            cursor += n
        probas = self.category_model.predict_proba(self.analyzer.frame(analysis, contexts)) if texts else np.zeros((0, 3))
        results = []
        for conv, (lo, hi) in zip(conversations, bounds):
            speakers = [t.speaker for t in conv.turns]
            score = self.conversation_model.score(probas[lo:hi], analysis.tactics[lo:hi], speakers)
            turns = None
            if per_turn:
                turns = [TurnResult.model_construct(
                    index=k, speaker=speakers[k],
                    category_scores={c: float(round(probas[lo + k, j], 6)) for j, c in enumerate(CATEGORIES)},
                    tactics=[s.as_tactic() for s in analysis.spans[lo + k]]) for k in range(hi - lo)]
            results.append(ConversationResult.model_construct(
                id=conv.id,
                label=ConversationLabel.GROOMING.value if score.suspect else ConversationLabel.BENIGN.value,
                risk=round(float(score.risk), 6), suspect=score.suspect, first_alert_turn=score.first_alert_turn,
                speaker_risk={k: round(float(v), 6) for k, v in score.speaker_risk.items()}, turns=turns))
        return results
