"""Conversation-level scoring: who drives the grooming, how sure, and from which turn on.

Per speaker, the turn scores of the message model (which already sees the context before each
turn) are summarised into a few features; a logistic regression turns them into the probability
that this speaker is grooming the other. The conversation's risk is its riskiest speaker's; the
first alert is the first turn at which the risk of the conversation so far crosses the threshold.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import BaseEstimator
from sklearn.linear_model import LogisticRegression
from sklearn.metrics import precision_recall_curve

from signals.taxonomy import CATEGORIES, Category

_REVIEW = [CATEGORIES.index(Category.RECRUITMENT.value), CATEGORIES.index(Category.SEXTORTION.value)]
_DISCLOSURE = CATEGORIES.index(Category.DISCLOSURE.value)


@dataclass(frozen=True)
class ConversationScore:
    risk: float
    suspect: str | None
    first_alert_turn: int | None
    speaker_risk: dict[str, float]


def speaker_features(probas: np.ndarray, tactics: np.ndarray, speakers: list[str], speaker: str) -> np.ndarray:
    """Summary of one speaker's turns (and the other side's distress) for the conversation model."""
    mine = np.array([s == speaker for s in speakers])
    review = probas[:, _REVIEW].max(axis=1)
    own = np.sort(review[mine])[::-1]
    others_disclosure = probas[~mine, _DISCLOSURE].max() if (~mine).any() else 0.0
    own_tactics = (tactics[mine] > 0).any(axis=0).sum() / tactics.shape[1] if mine.any() else 0.0
    return np.array([
        own[0] if len(own) else 0.0,
        own[:3].mean() if len(own) else 0.0,
        (own >= 0.5).mean() if len(own) else 0.0,
        own.sum() / 5.0,
        own_tactics,
        others_disclosure,
        np.log1p(mine.sum()),
    ], dtype=float)


class ConversationModel(BaseEstimator):
    """Logistic regression over speaker summaries, with a threshold chosen for F1 on training data."""

    def __init__(self, C: float = 1.0) -> None:
        self.C = C

    def fit(self, conversations: list[tuple[np.ndarray, np.ndarray, list[str], str | None]]) -> ConversationModel:
        """Each item: turn probabilities, turn tactic vectors, speakers, and the suspect (or None)."""
        rows, labels = [], []
        for probas, tactics, speakers, suspect in conversations:
            for speaker in dict.fromkeys(speakers):
                rows.append(speaker_features(probas, tactics, speakers, speaker))
                labels.append(int(speaker == suspect))
        self.classifier_ = LogisticRegression(C=self.C, max_iter=1000).fit(np.array(rows), np.array(labels))
        risks = np.array([max(self._speaker_risk(*item[:3]).values()) for item in conversations])
        truth = np.array([item[3] is not None for item in conversations], dtype=int)
        precision, recall, thresholds = precision_recall_curve(truth, risks)
        f1 = 2 * precision * recall / np.maximum(precision + recall, 1e-9)
        self.threshold_ = float(thresholds[int(np.argmax(f1[:-1]))]) if len(thresholds) else 0.5
        return self

    def _speaker_risk(self, probas, tactics, speakers) -> dict[str, float]:
        names = list(dict.fromkeys(speakers))
        rows = np.array([speaker_features(probas, tactics, speakers, s) for s in names])
        return dict(zip(names, self.classifier_.predict_proba(rows)[:, 1].tolist(), strict=True))

    def score(self, probas: np.ndarray, tactics: np.ndarray, speakers: list[str]) -> ConversationScore:
        if len(speakers) == 0:
            return ConversationScore(0.0, None, None, {})
        speaker_risk = self._speaker_risk(probas, tactics, speakers)
        suspect, risk = max(speaker_risk.items(), key=lambda kv: kv[1])
        first_alert = None
        if risk >= self.threshold_:
            # every prefix's speakers in one predict_proba call instead of one call per turn
            rows, turn_of_row = [], []
            for t in range(len(speakers)):
                for name in dict.fromkeys(speakers[: t + 1]):
                    rows.append(speaker_features(probas[: t + 1], tactics[: t + 1], speakers[: t + 1], name))
                    turn_of_row.append(t)
            alerts = np.flatnonzero(self.classifier_.predict_proba(np.array(rows))[:, 1] >= self.threshold_)
            first_alert = turn_of_row[alerts[0]] if len(alerts) else None
        return ConversationScore(risk, suspect if risk >= self.threshold_ else None, first_alert, speaker_risk)
