"""``training/config.yaml``, validated: a misspelt key or a value of the wrong kind is an error with
its path, never a silent default (after presidio's validated recognizer YAML)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator
from pydantic_core import ErrorDetails

from signals.errors import ConfigError, one_line
from signals.taxonomy import CATEGORIES


class _Section(BaseModel):
    """Strict types: a config is written by hand, and a quoted number, "yes" for a boolean or 13.0 for a
    count is a slip to name, not a value to convert (a whole number is still a number)."""

    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, strict=True)


# A model's name and version name its folder (``<output_root>/<name>-<version>``), its model card and
# the API's model field: no path separators, no "..", no spaces.
MODEL_NAME = re.compile(r"[A-Za-z0-9]+(?:[._-][A-Za-z0-9]+)*")
# Semantic versioning: 1.2.3, 1.2.3-rc.1, 1.2.3+tiny.
VERSION = re.compile(r"\d+\.\d+\.\d+(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?")
SPELLING = {"name": (MODEL_NAME, "a model name: letters and digits, with single '.', '_' or '-' between them"),
            "version": (VERSION, "a version: MAJOR.MINOR.PATCH, e.g. 0.2.0, 1.0.0-rc.1 or 1.0.0+tiny")}


def _first_repeat(keys: list[object]) -> tuple[int, int] | None:
    """The positions of the first key an earlier entry already has: (earlier, later)."""
    seen: dict[object, int] = {}
    for i, key in enumerate(keys):
        if key in seen:
            return seen[key], i
        seen[key] = i
    return None


def _listed_once(entries: list[str], keys: list[object]) -> list[str]:
    """``entries`` unchanged; a ``ValueError`` names an entry whose key an earlier entry has (a file
    listed twice was read twice)."""
    repeat = _first_repeat(keys)
    if repeat:
        earlier, later = repeat
        raise ValueError(f"item {later} ({entries[later]!r}) is item {earlier} ({entries[earlier]!r}) again: "
                         "list each file once")
    return entries


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

    @field_validator("files")
    @classmethod
    def _each_once(cls, value: list[str]) -> list[str]:
        return _listed_once(value, value)


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

    @field_validator("conversation_files")
    @classmethod
    def _conversations_once(cls, value: list[str]) -> list[str]:
        return _listed_once(value, value)

    @field_validator("conversation_files")
    @classmethod
    def _conversation_file_names(cls, value: list[str]) -> list[str]:
        """File names in ``handwritten_dir`` that read as conversations: "sub/conversations.jsonl" was
        never read, and "chats.jsonl" was read as messages, both without a word."""
        for name in value:
            if Path(name).name != name or not name.startswith("conversations") or not name.endswith(".jsonl"):
                raise ValueError(f"{name!r} is not a conversation file name: a file directly in handwritten_dir "
                                 "whose name starts with 'conversations' and ends with '.jsonl'")
        return value

    @field_validator("feedback")
    @classmethod
    def _named_files(cls, value: list[str]) -> list[str]:
        if any(not path.strip() for path in value):
            raise ValueError("an empty file name")
        return value

    @field_validator("feedback")
    @classmethod
    def _feedback_once(cls, value: list[str]) -> list[str]:
        """One file under two spellings (``var/x.jsonl``, ``./var/x.jsonl``) is one file: it would be read twice."""
        return _listed_once(value, [Path(path).resolve() for path in value])

    @field_validator("feedback")
    @classmethod
    def _feedback_groups_distinct(cls, value: list[str]) -> list[str]:
        """A feedback file's rows are one fold group named by its file name (``feedback:<stem>``): two
        files of one name in different folders (two teams' exports) would be one writer to the folds."""
        stems = [Path(path).stem for path in value]
        repeat = _first_repeat(stems)
        if repeat:
            earlier, later = repeat
            raise ValueError(f"items {earlier} and {later} ({value[earlier]!r}, {value[later]!r}) are both named "
                             f"{stems[later]!r}: a file's name is its fold group (feedback:{stems[later]}), so their "
                             "reviews would count as one writer's (rename one)")
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
    # a YAML list is a pair here (strict would ask for a Python tuple); its two numbers stay strict
    char_ngrams: Annotated[tuple[int, int], Field(strict=False)] = (2, 5)
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
    workers: int = Field(2, ge=1, description="threads fitting fold models at once, and processes preprocessing the training texts")

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

    @field_validator("name", "version")
    @classmethod
    def _names_a_folder(cls, value: str, info: ValidationInfo) -> str:
        pattern, what = SPELLING[info.field_name]
        if not pattern.fullmatch(value):
            raise ValueError(f"{value!r} is not {what} (it names the model's folder, its model card and the API's "
                             "model field)")
        return value

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


# YAML 1.2 numbers such as 1e-3 and 3e3: PyYAML (YAML 1.1) wants a dot and a signed exponent, and read
# them as text, which the strict types would then refuse as a quoted number.
_UniqueKeyLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^[-+]?[0-9][0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+$"), list("-+0123456789"))

# pydantic's errors for a value of the wrong kind, and those of them a quoted value (text) causes
WRONG_KIND = ("int_type", "float_type", "bool_type", "string_type", "list_type", "dict_type", "model_type")
NOT_TEXT = ("int_type", "float_type", "bool_type")


def _problem(error: ErrorDetails) -> str:
    """One validation problem: its key path, what was expected and, for a value of the wrong kind, what was given."""
    where = ".".join(map(str, error["loc"])) or "the config"
    return f"{where}: {error['msg']}{_given(error)}"


def _given(error: ErrorDetails) -> str:
    """The value of a wrong kind as the YAML file gave it (a scalar), with the fix when quotes made it text."""
    value = error["input"]
    if error["type"] not in WRONG_KIND or isinstance(value, (dict, list)):
        return ""
    if isinstance(value, str):
        fix = " (write numbers and true or false without quotes)" if error["type"] in NOT_TEXT else ""
        return f", got the text {value!r}{fix}"
    spelt = yaml.safe_dump(value).removesuffix("...\n").strip()   # 13.0, true, null, as YAML spells them
    return f", got {spelt}"


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
        problems = "; ".join(_problem(error) for error in exc.errors())
        raise ConfigError(f"{path}: {problems}") from exc
