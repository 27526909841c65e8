"""The development sets every benchmark runs on, loaded once from the model's own ``config.yaml``.

- ``dev``: the hand-written development set (``data.dev_dir``): messages, short conversations,
  long conversations (``conversations_long.jsonl``) and long threads stitched from them with
  ``test``-split dialogue lines (``training.report.dev_long_threads``, the same threads ``make train``
  measured), who-is-who conversations (``conversations_roles.jsonl``: the same words between
  peers, adult couples, relatives and coaches as between an adult and a minor), long group and
  family chats (``conversations_groups.jsonl``: 83-298 turns, grooming deep inside six of them) and
  chat-room and random-chat logs written as if translated from English (``conversations_chatrooms.jsonl``:
  30-200 turns, peers swapping ages, adults flirting with adults, adults grooming minors) and short
  chats of money, photos and threats and of first contact in games (``conversations_money_games.jsonl``:
  4-17 turns, sextortion and joke threats among friends, adults befriending children in games and
  teammates of one age);
- real corpora, ``split == "test"`` only: flag rates per corpus (every flag is a false positive),
  and ``corpus_dialogue``: harmless conversations of 20 to 300 consecutive subtitle lines, two
  speakers taking turns (real dialogue no one here wrote: every conversation flagged is a false
  positive);
- ``--extra`` JSONL files in the CLI input format (``context`` turns read as ``signals score`` reads
  them), labelled on every line (``"labels"``) or on none; ``"fragment": true`` lines are left out,
  as training leaves them out.

The sealed test set is not loaded here: ``benchmarks.sealed`` reads it, once per model.
Relative data paths in the config are read from the project root, as ``make train`` does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from training.config import TrainingConfig, load_config
from training.corpora import CorpusRows
from training.data_sources import MessageSet, read_conversations, read_messages

from signals.errors import InputError
from signals.jsonl import parse_context
from signals.service import Message
from training import corpora as corpora_mod

ROOT = Path(__file__).resolve().parents[1]

# --quick: smaller slices, so a smoke run takes a minute or two
QUICK_CORPUS_ROWS = 1500
QUICK_LONG_THREADS = 40

DIALOGUE_CORPUS = "subtitles_nl"                  # consecutive lines are a film's dialogue
DIALOGUE_LENGTHS = (20, 40, 80, 150, 300)         # turns: every length bucket up to 500
DIALOGUES_PER_LENGTH = 12


@dataclass
class EvalSets:
    config: TrainingConfig
    categories: tuple[str, ...]
    messages: dict[str, MessageSet] = field(default_factory=dict)        # labelled message sets
    unlabelled: dict[str, MessageSet] = field(default_factory=dict)      # --extra without labels
    conversations: dict[str, list[dict]] = field(default_factory=dict)
    corpora: list[CorpusRows] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def labels(self, ms: MessageSet) -> np.ndarray:
        return label_matrix(ms.records, self.categories)

    def positives(self, name: str) -> MessageSet:
        ms = self.messages[name]
        return MessageSet(f"{name}_positives", [r for r in ms.records if r.get("labels")])


def label_matrix(records: list[dict], categories: tuple[str, ...]) -> np.ndarray:
    """(n, categories) 0/1 labels in the model's own category order."""
    return np.array([[int(c in r.get("labels", [])) for c in categories] for r in records],
                    dtype=int).reshape(-1, len(categories))


def project_path(path: str | Path) -> Path:
    path = Path(path)
    return path if path.is_absolute() else ROOT / path


def resolved_config(model_dir: Path) -> TrainingConfig:
    """The model's training config with its data paths made absolute against the project root."""
    config = load_config(Path(model_dir) / "config.yaml").model_copy(deep=True)
    config.data.handwritten_dir = str(project_path(config.data.handwritten_dir))
    config.data.dev_dir = str(project_path(config.data.dev_dir))
    config.data.corpora.path = str(project_path(config.data.corpora.path))
    return config


def is_labelled(ms: MessageSet, path: Path | str | None = None) -> bool:
    """Whether the set is labelled: every line has ``labels`` or none has (a line without them would
    otherwise count as harmless)."""
    labelled = sum("labels" in r for r in ms.records)
    if 0 < labelled < len(ms.records):
        raise InputError(f"{path or ms.name}: {labelled} of {len(ms.records)} lines have 'labels': "
                         "label every line (an empty list for harmless) or none")
    return labelled > 0


def messages_of(ms: MessageSet) -> list[Message]:
    """The set's messages, each with its ``context`` turns when it has them."""
    return [Message(str(r.get("id", i)), r["text"], parse_context(r.get("context"), f"{ms.name}:{i + 1}"))
            for i, r in enumerate(ms.records)]


def load_eval_sets(model_dir: Path, categories: tuple[str, ...], extra: list[Path], quick: bool,
                   log=print) -> EvalSets:
    from training.report import dev_long_threads

    config = resolved_config(model_dir)
    sets = EvalSets(config, tuple(categories))
    dev_dir = Path(config.data.dev_dir)
    if (dev_dir / "messages.jsonl").is_file():
        sets.messages["dev"] = read_messages(dev_dir / "messages.jsonl", "dev")
    else:
        sets.notes.append(f"dev: {dev_dir / 'messages.jsonl'} not found: no dev message metrics")
    for name, file in (("dev_conversations", "conversations.jsonl"), ("dev_long_conversations", "conversations_long.jsonl"),
                       ("dev_roles_conversations", "conversations_roles.jsonl"),
                       ("dev_group_conversations", "conversations_groups.jsonl"),
                       ("dev_chatroom_conversations", "conversations_chatrooms.jsonl"),
                       ("dev_money_game_conversations", "conversations_money_games.jsonl")):
        if (dev_dir / file).is_file():
            sets.conversations[name] = read_conversations(dev_dir / file)
        else:
            sets.notes.append(f"dev: {dev_dir / file} not found")
    short, long = sets.conversations.get("dev_conversations", []), sets.conversations.get("dev_long_conversations", [])
    threads = dev_long_threads(short, long, config, config.seed)
    if threads:
        if quick:
            # threads are drawn one after another from one seeded rng: the first ones are the same as in a full run
            threads = threads[:QUICK_LONG_THREADS]
            sets.notes.append(f"dev_long_threads: --quick uses the first {QUICK_LONG_THREADS} of the threads")
        sets.conversations["dev_long_threads"] = threads
    log(f"dev: {len(sets.messages.get('dev', []))} messages, "
        + ", ".join(f"{len(v)} {k}" for k, v in sets.conversations.items()))

    corpora = corpora_mod.load_corpora(config.data.corpora.model_dump(), "test")
    if not corpora:
        sets.notes.append(f"corpora: none found under {corpora_mod.corpora_dir(config.data.corpora.path)}")
    if quick:
        corpora = [CorpusRows(c.name, c.ids[:QUICK_CORPUS_ROWS], c.texts[:QUICK_CORPUS_ROWS]) for c in corpora]
        sets.notes.append(f"corpora: --quick uses the first {QUICK_CORPUS_ROWS} test rows per corpus")
    sets.corpora = corpora
    dialogue = next((c for c in corpora if c.name == DIALOGUE_CORPUS), None)
    if dialogue is not None:
        sets.conversations["corpus_dialogue"] = corpus_dialogues(dialogue.texts, config.seed,
                                                                 per_length=4 if quick else DIALOGUES_PER_LENGTH)

    for path in extra:
        name = f"extra:{Path(path).stem}"
        ms = read_messages(Path(path), name)
        fragments = sum(1 for r in ms.records if r.get("fragment") is True)
        if fragments:
            ms = MessageSet(name, [r for r in ms.records if r.get("fragment") is not True])
            sets.notes.append(f"{name}: {fragments} fragment line(s) left out")
        (sets.messages if is_labelled(ms, path) else sets.unlabelled)[name] = ms
    return sets


def corpus_dialogues(lines: list[str], seed: int, per_length: int = DIALOGUES_PER_LENGTH) -> list[dict]:
    """Harmless conversations of consecutive corpus lines, two speakers taking turns: ``per_length``
    of each of ``DIALOGUE_LENGTHS`` turns (shorter when the corpus is), from seeded start lines."""
    rng = np.random.default_rng(seed)
    out = []
    for length in DIALOGUE_LENGTHS:
        n = min(length, len(lines))
        if n < 2:
            continue
        for k, start in enumerate(rng.integers(0, len(lines) - n + 1, per_length).tolist()):
            turns = [{"speaker": "ab"[i % 2], "text": text} for i, text in enumerate(lines[start:start + n])]
            out.append({"id": f"dialogue-{length}-{k}", "label": "benign", "suspect": None,
                        "first_grooming_turn": None, "turns": turns, "source": DIALOGUE_CORPUS})
    return out
