"""``training/config.yaml``, validated: a misspelt key or a value of the wrong kind is an error with
its path, never a silent default (after presidio's validated recognizer YAML)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from signals.errors import ConfigError, one_line
from signals.taxonomy import CATEGORIES


class _Section(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)


class Augment(_Section):
    copies: int = Field(1, ge=0, le=5)
    weight: float = Field(0.5, ge=0)


class Mention(_Section):
    """Mention copies (``training.mention``): harmful messages quoted inside warnings and questions."""

    share: float = Field(0.0, ge=0, le=1, description="share of recruitment and sextortion messages copied")
    weight: float = Field(1.0, ge=0)


class Synth(_Section):
    messages: int = Field(0, ge=0)
    conversations: int = Field(0, ge=0)
    test_fraction: float = Field(0.2, gt=0, lt=1)
    weight: float = Field(1.0, ge=0)


class Corpora(_Section):
    path: str = "../shared/corpora"
    files: list[str] = Field(default_factory=list)
    max_train_per_corpus: int = Field(10_000, ge=0)
    hard_negative_weight: float = Field(3.0, ge=0)
    mining_pool: int = Field(0, ge=0)
    hard_negative_top: int = Field(0, ge=0)


class HubSource(_Section):
    """A dataset read as benign text, like the corpora: a hub id or a local dataset folder."""

    id: str = Field(min_length=1)
    split: str = Field("train", min_length=1)
    text_field: str = Field("text", min_length=1)
    name: str | None = Field(None, min_length=1)


class LongChats(_Section):
    """Long conversations assembled from the training conversations and real dialogue lines."""

    count: int = Field(0, ge=0)
    min_turns: int = Field(30, ge=2)
    max_turns: int = Field(400, ge=2, le=10_000)   # a thread of 10^9 turns was sampled, and memory ran out
    filler_corpora: list[str] = Field(default_factory=lambda: ["subtitles_nl", "tatoeba_nl"])
    spike_rate: float = Field(0.0, ge=0, le=0.5, description=(
        "per small-talk line, the chance that a single hand-written hard negative follows it (a look-alike line "
        "on its own, as real long chats have)"))

    @model_validator(mode="after")
    def _ordered(self) -> LongChats:
        if self.min_turns > self.max_turns:
            raise ValueError(f"min_turns ({self.min_turns}) is above max_turns ({self.max_turns})")
        return self


class Data(_Section):
    handwritten_dir: str
    conversation_files: list[str] = Field(default_factory=list, description="conversation files under handwritten_dir")
    augment: Augment = Field(default_factory=Augment)
    mention: Mention = Field(default_factory=Mention)
    hard_negative_kind_weight: float = Field(2.0, ge=0)
    dev_dir: str
    synth: Synth = Field(default_factory=Synth)
    corpora: Corpora = Field(default_factory=Corpora)
    hub: list[HubSource] = Field(default_factory=list)
    long_chats: LongChats = Field(default_factory=LongChats)
    conversation_turn_weight: float = Field(1.0, ge=0, description=(
        "weight of conversation turns as message rows (they teach the context features)"))
    feedback: list[str] = Field(default_factory=list, description="reviewer decisions exported by `signals feedback export`")

    @field_validator("feedback")
    @classmethod
    def _named_files(cls, value: list[str]) -> list[str]:
        if any(not path.strip() for path in value):
            raise ValueError("an empty file name")
        return value

    @model_validator(mode="after")
    def _hub_names_unique(self) -> Data:
        """A hub dataset's name (its ``name``, else its ``id``) keys its row counts and its long-chat
        filler, as a corpus's file name does: two of one name would overwrite each other."""
        names = [source.name or source.id for source in self.hub]
        taken = set(self.corpora.files)
        for i, name in enumerate(names):
            if name in taken:
                raise ValueError(f"hub.{i}: the name {name!r} is already a corpus or an earlier hub dataset "
                                 "(give it its own `name`)")
            taken.add(name)
        return self

    @model_validator(mode="after")
    def _filler_is_configured(self) -> Data:
        """A long chat's filler lines come from a configured corpus or hub dataset: a misspelt name
        built the threads without any real small talk, silently."""
        known = set(self.corpora.files) | {source.name or source.id for source in self.hub}
        unknown = [name for name in self.long_chats.filler_corpora if name not in known]
        if self.long_chats.count and unknown:
            raise ValueError(f"long_chats.filler_corpora: {unknown} are not among corpora.files or hub "
                             f"(configured: {sorted(known)})")
        return self


class Features(_Section):
    char_ngrams: tuple[int, int] = (2, 5)
    char_min_df: int = Field(3, ge=1)
    char_max_features: int = Field(150_000, ge=1)
    word_bigrams: bool = True
    word_min_df: int = Field(2, ge=1)
    word_max_features: int = Field(80_000, ge=1)
    cue_tactic_interactions: bool = True

    @field_validator("char_ngrams")
    @classmethod
    def _ordered(cls, value: tuple[int, int]) -> tuple[int, int]:
        if not 1 <= value[0] <= value[1] <= 8:
            raise ValueError("char_ngrams is [low, high] with 1 <= low <= high <= 8")
        return value


class Model(_Section):
    C: float = Field(4.0, gt=0)
    class_weight: Literal["balanced"] | None = "balanced"
    folds: int = Field(5, ge=2)
    precision_target: float = Field(0.87, gt=0, lt=1)
    precision_targets: dict[str, float] = Field(
        default_factory=dict, description="a category's own precision target, where it differs from precision_target")
    recall_target: float = Field(0.9, gt=0, lt=1)
    tol: float = Field(1e-3, gt=0, lt=1, description="stopping tolerance of the fold models' solver")
    workers: int = Field(2, ge=1, description="threads fitting fold models at once")

    @field_validator("precision_targets")
    @classmethod
    def _known_categories(cls, value: dict[str, float]) -> dict[str, float]:
        unknown = sorted(set(value) - set(CATEGORIES))
        if unknown:
            raise ValueError(f"precision_targets: unknown categories {unknown} (known: {list(CATEGORIES)})")
        if not all(0 < v < 1 for v in value.values()):
            raise ValueError("precision_targets: every target lies between 0 and 1")
        return value


class ConversationSettings(_Section):
    C: float = Field(1.0, gt=0)
    folds: int = Field(5, ge=2)
    benign_flag_target: float = Field(0.02, gt=0, lt=1, description=(
        "default operating point: at most this share of harmless held-out conversations flagged, in every length bucket"))
    recall_target: float = Field(0.95, gt=0, lt=1)


class Thresholds(_Section):
    sources: list[Literal["writer", "synth", "corpus", "hub", "feedback"]] = Field(
        default_factory=lambda: ["writer", "corpus"], min_length=1,
        description="which rows' out-of-fold scores choose the thresholds (where they come from)")


class TrainingConfig(_Section):
    name: str
    version: str
    seed: int = Field(ge=0)
    output_root: str = "models"
    data: Data
    features: Features = Field(default_factory=Features)
    model: Model = Field(default_factory=Model)
    conversation: ConversationSettings = Field(default_factory=ConversationSettings)
    thresholds: Thresholds = Field(default_factory=Thresholds)

    @model_validator(mode="after")
    def _sources_have_data(self) -> TrainingConfig:
        """A threshold source the data section gives no rows: the thresholds would silently be chosen
        on the other sources, or on nothing (0.5 for every category)."""
        given = {"feedback": bool(self.data.feedback), "hub": bool(self.data.hub), "synth": self.data.synth.messages > 0}
        missing = [source for source in self.thresholds.sources if given.get(source, True) is False]
        if missing:
            keys = {"feedback": "data.feedback", "hub": "data.hub", "synth": "data.synth.messages"}
            raise ValueError(f"thresholds.sources: {missing} would choose the thresholds on no rows "
                             f"({', '.join(keys[m] for m in missing)}: none configured)")
        return self


class _UniqueKeyLoader(yaml.SafeLoader):
    """A safe loader that refuses a key given twice in one mapping (YAML would keep the last, silently
    dropping a whole section)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def load_config(path: Path | str) -> TrainingConfig:
    """The validated config; ``ConfigError`` names every problem with its key path."""
    path = Path(path)
    try:
        raw = yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # a SafeLoader
    except (OSError, UnicodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"cannot read config {path}: {one_line(exc)}") from exc
    try:
        return TrainingConfig.model_validate(raw)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc'])) or 'the config'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{path}: {problems}") from exc
