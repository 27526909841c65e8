"""The one scoring service. The CLI, the API and Spark all call it; it calls the model.

Load it once (``ScoringService.load``): the model directory is read once, verified against its
sha256 manifest (and a pinned hash, if given) and parsed from those same bytes (``SignalsModel``).
Then it scores batches of messages (with optional context) and conversations. It holds no lock:
several threads may score at once (each gets its own spaCy pipeline).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from signals.analysis import Analysis
from signals.model.artifact import ModelFiles
from signals.model.bundle import SignalsModel
from signals.model.conversation import ConversationScore, TurnEvidence
from signals.results import (
    SCORE_DIGITS,
    ConversationResult,
    MessageResult,
    ModelRef,
    TurnResult,
    rounded_score,
    rounded_scores,
)
from signals.taxonomy import ConversationLabel, Route, route_for

PROBA_SLICE = 512


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

    def __init__(self, model: SignalsModel, files: ModelFiles, batch_size: int = 512) -> None:
        self.model = model
        self.model_dir = Path(files.path)
        self.analyzer = model.analyzer(batch_size)
        self.info = ModelInfo(model.spec.name, model.spec.version, files.sha256, files.manifest)
        self.categories: tuple[str, ...] = model.spec.categories
        self.routes = dict(model.spec.routes)
        self.thresholds = model.message_thresholds
        self._review = [i for i, c in enumerate(self.categories) if self.routes[c] == Route.REVIEW.value]
        self._support = [i for i, c in enumerate(self.categories) if self.routes[c] == Route.SUPPORT.value]

    @classmethod
    def load(cls, model_dir: Path, root: Path | None = None, batch_size: int = 512,
             expected_sha256: str | None = None) -> ScoringService:
        model, files = SignalsModel.load(Path(model_dir), root, expected_sha256)
        return cls(model, files, batch_size=batch_size)

    # -- messages -----------------------------------------------------------------------------
    def probabilities(self, analysis: Analysis, context: np.ndarray | None = None) -> np.ndarray:
        """Calibrated probability per category, shape (n, categories); in slices of a few hundred rows,
        so the n-gram arrays of a slice stay in the processor's cache."""
        if not len(analysis):
            return np.zeros((0, len(self.categories)))
        features, scorer = self.model.features, self.model.scorer
        parts = []
        for start in range(0, len(analysis), PROBA_SLICE):
            part = analysis.rows(slice(start, start + PROBA_SLICE))
            ctx = None if context is None else context[start:start + PROBA_SLICE]
            parts.append(scorer.proba(features.occurrences(part), features.dense(part, ctx)))
        return parts[0] if len(parts) == 1 else np.vstack(parts)

    def _scores(self, row: np.ndarray) -> dict[str, float]:
        return dict(zip(self.categories, np.round(row, SCORE_DIGITS).tolist()))

    def message_results(self, probas: np.ndarray, analysis: Analysis, ids: Sequence[str],
                        explain: bool = True) -> list[MessageResult]:
        categories, routes = self.categories, self.routes
        flagged = probas >= np.array([self.thresholds[c] for c in categories])
        rounded = np.round(probas, SCORE_DIGITS).tolist()
        results = []
        for i, message_id in enumerate(ids):
            labels = [c for c, hit in zip(categories, flagged[i].tolist()) if hit]
            results.append(MessageResult.model_construct(
                id=message_id, flagged=bool(labels), labels=labels, category_scores=dict(zip(categories, rounded[i])),
                route=route_for(labels, routes) if labels else "none",
                tactics=[s.as_tactic() for s in analysis.spans[i]] if explain else []))
        return results

    def message_probabilities(self, messages: Sequence[Message]) -> tuple[Analysis, np.ndarray]:
        """The messages' analysis and calibrated probabilities, each read with its context turns."""
        contexts = [[t.text for t in m.context] for m in messages]
        analysis, context = self.analyzer.messages_with_context([m.text for m in messages], contexts)
        return analysis, self.probabilities(analysis, context)

    def score_messages(self, messages: Sequence[Message], explain: bool = True) -> list[MessageResult]:
        """One result per message, in order (the ``signals score`` output shape)."""
        if not messages:
            return []
        analysis, probas = self.message_probabilities(messages)
        return self.message_results(probas, analysis, [m.id for m in messages], explain)

    def score_texts(self, texts: Sequence[str]) -> np.ndarray:
        """Calibrated category probabilities only (no context), for evaluation and benchmarks."""
        return self.probabilities(self.analyzer.analyze(list(texts)))

    # -- conversations ------------------------------------------------------------------------
    def turn_probabilities(self, conversations: Sequence[Conversation]) -> tuple[Analysis, np.ndarray, list[tuple[int, int]]]:
        """Every turn of every conversation scored on its own: the conversation model reads the turns
        around each one itself (windows per speaker), so the message model's context features, which
        pile up every tactic of the last ten turns whoever wrote them, are left out here."""
        texts = [t.text for conv in conversations for t in conv.turns]
        analysis = self.analyzer.analyze(texts)
        bounds, cursor = [], 0
        for conv in conversations:
            bounds.append((cursor, cursor + len(conv.turns)))
            cursor += len(conv.turns)
        return analysis, self.probabilities(analysis), bounds

    def evidence(self, conversation: Conversation, analysis: Analysis, probas: np.ndarray) -> TurnEvidence:
        review = probas[:, self._review].max(axis=1) if self._review else np.zeros(len(probas))
        support = probas[:, self._support].max(axis=1) if self._support else np.zeros(len(probas))
        return TurnEvidence(review, support, analysis.tactics, [t.speaker for t in conversation.turns],
                            [t.text for t in conversation.turns])

    def conversation_score(self, evidence: TurnEvidence) -> ConversationScore:
        if self.model.conversation is None:
            raise RuntimeError("this model has no conversation model")
        return self.model.conversation.score(evidence)

    def score_conversations(self, conversations: Sequence[Conversation],
                            per_turn: bool = False) -> list[ConversationResult]:
        """One result per conversation (the ``signals score-conversations`` output shape)."""
        analysis, probas, bounds = self.turn_probabilities(conversations)
        results = []
        for conv, (lo, hi) in zip(conversations, bounds):
            turns_analysis = analysis.rows(slice(lo, hi))
            score = self.conversation_score(self.evidence(conv, turns_analysis, probas[lo:hi]))
            turns = None
            if per_turn:
                turns = [TurnResult.model_construct(index=k, speaker=conv.turns[k].speaker,
                                                    category_scores=self._scores(probas[lo + k]),
                                                    tactics=[s.as_tactic() for s in turns_analysis.spans[k]])
                         for k in range(hi - lo)]
            results.append(ConversationResult.model_construct(
                id=conv.id,
                label=ConversationLabel.GROOMING.value if score.suspect is not None else ConversationLabel.BENIGN.value,
                risk=rounded_score(score.risk), suspect=score.suspect, first_alert_turn=score.first_alert_turn,
                speaker_risk=rounded_scores(score.speaker_risk), turns=turns))
        return results
