"""``SignalsModel``: one object that owns everything a trained model answers with.

Like a spaCy pipeline's ``config.cfg`` and ``meta.json``, a model directory describes itself:

    model.json            name, version, categories (with routes), tactics, cues, feature settings,
                          the library versions it was trained with, training data, headline metrics
    thresholds.json       operating points for messages and conversations
    weights.joblib        vocabularies and weights: arrays and plain data only
    patterns.yaml         the tactic detectors it was trained with
    cues.yaml             the mention cues it was trained with
    lexicon/*             its language resources (chat, Flemish, straattaal, English, emoji, words)
    tokenizer_warmup.txt  frequent chunks of normalised text for spaCy's tokenizer cache
    manifest.json         sha256 of every file

All of it is under the manifest, and all of it is read from the directory: the packaged lexicons,
patterns and taxonomy are only the defaults for training a new model, so editing them never changes
what an existing model answers, and a model trained with other categories answers with its own.
"""

from __future__ import annotations

import json
import warnings
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

import numpy as np

from signals.analysis import Analyzer
from signals.detectors.registry import CUES_FILE, PATTERNS_FILE, DetectorRegistry
from signals.errors import ArtifactIntegrityError
from signals.model.artifact import WEIGHTS, ModelFiles, dump_weights, load_weights, read_model_files, write_model_dir
from signals.model.conversation import FEATURES as CONVERSATION_FEATURES
from signals.model.conversation import ConversationScorer, length_points_from_json
from signals.model.features import FeatureParams, FeatureSpace
from signals.model.linear import LinearScorer
from signals.model.targets import precision_targets
from signals.nlp.pipeline import Preprocessor
from signals.nlp.resources import RESOURCE_FILES, LanguageResources
from signals.taxonomy import Route

# 3: n-gram values are sublinear tf × idf with each row at unit length (format 2 weighed a repeated
# n-gram √count, so its models were trained on other features: retrain them)
FORMAT = 3
SPEC_FILE = "model.json"
THRESHOLDS_FILE = "thresholds.json"
WARMUP_FILE = "tokenizer_warmup.txt"
LEXICON_DIR = "lexicon"
# Libraries whose version changes what a model answers: a different spaCy major version tokenises
# differently, a different spacy-lookups-data has other lemmas. Others only warn.
RESULT_CHANGING = {"spacy": 1, "spacy-lookups-data": 3}
RECORDED = ("spacy", "spacy-lookups-data", "numpy", "scikit-learn", "joblib")


class LibraryMismatch(UserWarning):
    """The model was trained with other library versions than the ones installed."""


def installed_versions() -> dict[str, str]:
    out = {}
    for name in RECORDED:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "absent"
    return out


def check_libraries(recorded: dict[str, str], installed: dict[str, str] | None = None) -> list[str]:
    """Warn about every version difference; refuse where results would change (see RESULT_CHANGING)."""
    installed = installed or installed_versions()
    notes = []
    for name, trained in sorted(recorded.items()):
        if name not in RECORDED or installed.get(name) == trained:
            continue
        now = installed.get(name, "absent")
        parts = RESULT_CHANGING.get(name)
        if parts and trained.split(".")[:parts] != now.split(".")[:parts]:
            raise ArtifactIntegrityError(
                f"the model was trained with {name} {trained}, but {name} {now} is installed; its answers "
                f"would change. Install {name}=={trained} or retrain the model")
        notes.append(f"the model was trained with {name} {trained}; {name} {now} is installed")
    for note in notes:
        warnings.warn(note, LibraryMismatch, stacklevel=3)
    return notes


@dataclass(frozen=True)
class ModelSpec:
    """What a model is: its name, its categories and their routes, its tactics and cues."""

    name: str
    version: str
    categories: tuple[str, ...]
    routes: dict[str, str]
    tactics: tuple[str, ...]
    cues: tuple[str, ...]
    features: FeatureParams
    libraries: dict[str, str] = field(default_factory=dict)
    info: dict = field(default_factory=dict)  # created, signals version, training data, headline metrics

    def as_json(self) -> dict:
        return {"format": FORMAT, "name": self.name, "version": self.version,
                "categories": [{"name": c, "route": self.routes[c]} for c in self.categories],
                "tactics": list(self.tactics), "cues": list(self.cues),
                "features": {**self.features.__dict__, "char_ngrams": list(self.features.char_ngrams)},
                "libraries": self.libraries, **self.info}

    @classmethod
    def from_json(cls, data: dict) -> ModelSpec:
        try:
            if data.get("format") != FORMAT:
                raise ValueError(f"model format {data.get('format')!r}; this signals reads format {FORMAT}: "
                                 "train the model again with it (make train)")
            categories = tuple(c["name"] for c in data["categories"])
            routes = {c["name"]: c["route"] for c in data["categories"]}
            bad = [r for r in routes.values() if r not in {route.value for route in Route}]
            if bad or not categories or len(set(categories)) != len(categories):
                raise ValueError(f"categories must be unique with routes in {[r.value for r in Route]}")
            features = dict(data["features"])
            features["char_ngrams"] = tuple(features["char_ngrams"])
            known = ("format", "name", "version", "categories", "tactics", "cues", "features", "libraries")
            return cls(str(data["name"]), str(data["version"]), categories, routes, tuple(data["tactics"]),
                       tuple(data.get("cues", ())), FeatureParams(**features), dict(data.get("libraries", {})),
                       {k: v for k, v in data.items() if k not in known})
        except (KeyError, TypeError, ValueError) as exc:
            raise ArtifactIntegrityError(f"{SPEC_FILE}: not a model description this signals can read ({exc})") from exc


@dataclass
class SignalsModel:
    spec: ModelSpec
    resources: LanguageResources
    patterns_text: str
    cues_text: str
    features: FeatureSpace
    scorer: LinearScorer
    thresholds: dict
    conversation: ConversationScorer | None
    warmup: list[str] = field(default_factory=list)
    extra_files: dict[str, bytes] = field(default_factory=dict)  # metrics, model card, training config

    @property
    def message_thresholds(self) -> dict[str, float]:
        return dict(self.thresholds["messages"]["high_precision"])

    def analyzer(self, batch_size: int = 512) -> Analyzer:
        registry = DetectorRegistry.from_texts(self.patterns_text, self.cues_text, self.spec.tactics)
        if tuple(registry.tactics) != self.spec.tactics or tuple(registry.cue_names) != self.spec.cues:
            raise ArtifactIntegrityError("patterns.yaml and cues.yaml do not define the model's tactics and cues")
        return Analyzer(registry, Preprocessor(batch_size, self.resources, self.warmup))

    # -- files ---------------------------------------------------------------------------------
    def files(self) -> dict[str, bytes]:
        weights: dict[str, dict] = {"features": self.features.to_arrays(),
                   "category": {"coef": self.scorer.coef, "intercept": self.scorer.intercept,
                                "calibration": self.scorer.calibration}}
        if self.conversation is not None:
            c = self.conversation
            weights["conversation"] = {"coef": c.coef, "intercept": float(c.intercept), "calibration": c.calibration}
        files = {SPEC_FILE: _json(self.spec.as_json()), THRESHOLDS_FILE: _json(self.thresholds),
                 WEIGHTS: dump_weights(weights), PATTERNS_FILE: self.patterns_text.encode("utf-8"),
                 CUES_FILE: self.cues_text.encode("utf-8"), WARMUP_FILE: "\n".join(self.warmup).encode("utf-8")}
        files.update({f"{LEXICON_DIR}/{name}": text.encode("utf-8") for name, text in self.resources.files.items()})
        files.update(self.extra_files)
        return files

    def save(self, target: Path) -> Path:
        return write_model_dir(target, self.files(), {"name": self.spec.name, "version": self.spec.version})

    @classmethod
    def from_files(cls, verified: ModelFiles) -> SignalsModel:
        try:
            spec = ModelSpec.from_json(verified.json(SPEC_FILE))
            check_libraries(spec.libraries)
            resources = LanguageResources.from_files({name: verified.text(f"{LEXICON_DIR}/{name}") for name in RESOURCE_FILES})
            weights = load_weights(verified.files[WEIGHTS])
            features = FeatureSpace.from_arrays(weights["features"], spec.features, len(spec.tactics), len(spec.cues))
            category = weights["category"]
            scorer = LinearScorer(np.asarray(category["coef"], np.float32), np.asarray(category["intercept"], np.float32),
                                  np.asarray(category["calibration"], np.float64), features.n_sparse)
            if scorer.coef.shape != (features.n_features, len(spec.categories)):
                raise ValueError(f"weights of shape {scorer.coef.shape} for {features.n_features} features "
                                 f"and {len(spec.categories)} categories")
            thresholds = verified.json(THRESHOLDS_FILE)
            check_message_thresholds(thresholds["messages"], spec.categories)
            precision_targets(thresholds["messages"])  # readable, for every category, before anything serves them
            conversation = None
            if "conversation" in weights and "conversations" in thresholds:
                c, points = weights["conversation"], thresholds["conversations"]
                conversation = ConversationScorer(np.asarray(c["coef"], np.float64), float(c["intercept"]),
                                                  np.asarray(c["calibration"], np.float64), float(points["high_precision"]),
                                                  float(points["high_recall"]), spec.tactics,
                                                  length_points_from_json(points.get("by_length", [])))
                if conversation.coef.shape != (len(CONVERSATION_FEATURES),):
                    raise ValueError(f"conversation weights of shape {conversation.coef.shape} for "
                                     f"{len(CONVERSATION_FEATURES)} conversation features")
            known = {SPEC_FILE, THRESHOLDS_FILE, WEIGHTS, PATTERNS_FILE, CUES_FILE, WARMUP_FILE}
            extra = {k: v for k, v in verified.files.items() if k not in known and not k.startswith(f"{LEXICON_DIR}/")}
            return cls(spec, resources, verified.text(PATTERNS_FILE), verified.text(CUES_FILE), features, scorer,
                       thresholds, conversation, verified.text(WARMUP_FILE).split("\n") if verified.files[WARMUP_FILE] else [],
                       extra)
        except ArtifactIntegrityError:
            raise
        except (KeyError, TypeError, ValueError, AttributeError, UnicodeDecodeError) as exc:
            raise ArtifactIntegrityError(f"{verified.path}: not a model this signals can read ({type(exc).__name__}: {exc})") from exc

    @classmethod
    def load(cls, model_dir: Path, root: Path | None = None, expected_sha256: str | None = None) -> tuple[SignalsModel, ModelFiles]:
        verified = read_model_files(model_dir, root, expected_sha256)
        return cls.from_files(verified), verified


def check_message_thresholds(points: dict, categories: tuple[str, ...]) -> None:
    """Both operating points hold a number from 0 to 1 for every category: a missing one failed only
    when the first message was scored, and a NaN switched its category off without a word."""
    for point in ("high_precision", "high_recall"):
        given = points[point]
        missing = [c for c in categories if c not in given]
        if missing:
            raise ValueError(f"thresholds.json: {point} has no threshold for {missing}")
        for category in categories:
            value = given[category]
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0.0 <= value <= 1.0:
                raise ValueError(f"thresholds.json: {point}.{category} is {value!r}, not a number from 0 to 1")


def _json(data: dict) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False) + "\n").encode("utf-8")
