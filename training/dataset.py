"""Everything ``make train`` learns from, as rows: texts, labels, weights, fold groups, provenance.

Message rows: hand-written messages (grouped by writer) and their noisy copies (same writer, lower
weight), optional generator output (grouped by template), the real corpora's ``train`` split
(benign, grouped in chunks), hub datasets (benign, like the corpora, under their own origin) and
reviewer decisions (each file its own group; an id once, and no text that is in the dev set or held
out). Conversation rows: every turn of the training conversations, labelled from the conversation
(see ``conversation_labels``) and grouped by the conversation's writer.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from training import corpora as corpora_mod
from training.config import TrainingConfig
from training.data_sources import MessageSet, handwritten, read_conversations, synthetic


def log(message: str) -> None:
    print(f"[data] {message}", file=sys.stderr, flush=True)


@dataclass
class Rows:
    """Message rows, in the order the model sees them."""

    texts: list[str] = field(default_factory=list)
    labels: list[np.ndarray] = field(default_factory=list)
    weights: list[float] = field(default_factory=list)
    groups: list[str] = field(default_factory=list)
    origin: list[str] = field(default_factory=list)      # writer, synth, corpus, hub, feedback
    augmented: list[bool] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)    # metadata (kind, register, source, negative_type)

    def add(self, text: str, label: np.ndarray, weight: float, group: str, origin: str, record: dict,
            augmented: bool = False) -> None:
        self.texts.append(text)
        self.labels.append(label)
        self.weights.append(weight)
        self.groups.append(group)
        self.origin.append(origin)
        self.augmented.append(augmented)
        self.records.append(record)

    def __len__(self) -> int:
        return len(self.texts)


@dataclass
class TrainingData:
    messages: Rows
    conversations: list[dict]            # training conversations (hand-written)
    corpus_pool: list[str]               # unused corpus train rows, for hard-negative mining
    filler: dict[str, list[int]]         # corpus name → message row indices usable as long-chat filler
    synth_test: MessageSet
    synth_conversation_test: list[dict]
    summary: dict


def writer_of_record(record: dict) -> str:
    """A hand-written message's writer, its fold group: its ``source``, and ``handwritten`` for the rows
    without one (one group, as training/data/README.md says; the summary and the model card named
    them "")."""
    return str(record.get("source") or "handwritten")


def _label_vector(labels: list[str], categories: tuple[str, ...]) -> np.ndarray:
    return np.array([int(c in labels) for c in categories], dtype=int)


def load_training_data(config: TrainingConfig, categories: tuple[str, ...]) -> TrainingData:
    data = config.data
    rows = Rows()
    hand, conversations = handwritten(Path(data.handwritten_dir), data.conversation_files or None)
    kind_weight = {"hard_negative": data.hard_negative_kind_weight}
    fragments = [r for r in hand.records if r.get("fragment")]
    hand = MessageSet(hand.name, [r for r in hand.records if not r.get("fragment")])
    if fragments:
        log(f"left out {len(fragments)} fragments (positives that only mean something inside a conversation)")
    for record in hand.records:
        weight = kind_weight.get(record.get("kind", ""), 1.0)
        rows.add(record["text"], _label_vector(record.get("labels", []), categories), weight,
                 f"writer:{writer_of_record(record)}", "writer", record)
    originals = len(rows)
    if data.augment.copies:
        from training.augment import augment

        for record in augment(hand.records, config.seed, data.augment.copies):
            weight = kind_weight.get(record.get("kind", ""), 1.0) * data.augment.weight
            rows.add(record["text"], _label_vector(record.get("labels", []), categories), weight,
                     f"writer:{writer_of_record(record)}", "writer", record, augmented=True)
    if data.mention.share:
        from training.mention import mention_copies

        copies = mention_copies(hand.records, config.seed, data.mention.share)
        for record in copies:
            rows.add(record["text"], _label_vector([], categories), data.mention.weight * kind_weight["hard_negative"],
                     f"writer:{writer_of_record(record)}", "writer", record, augmented=True)
        log(f"mention copies: {len(copies)} harmful messages quoted in warnings and questions, labelled harmless")
    log(f"hand-written: {originals} messages by {len({writer_of_record(r) for r in hand.records})} writers, "
        f"{len(rows) - originals} noisy copies, {len(conversations)} conversations")

    synth_train, synth_test, synth_conv_train, synth_conv_test = synthetic(
        data.synth.messages, data.synth.conversations, config.seed, data.synth.test_fraction)
    for record in synth_train.records:
        rows.add(record["text"], _label_vector(record.get("labels", []), categories),
                 data.synth.weight * kind_weight.get(record.get("kind", ""), 1.0), f"synth:{record['template']}",
                 "synth", record)
    conversations += synth_conv_train

    rng = np.random.default_rng(config.seed)
    corpus_pool: list[str] = []
    filler: dict[str, list[int]] = {}
    corpus_counts = {}
    loaded = [("corpus", c) for c in corpora_mod.load_corpora(data.corpora.model_dump(), "train")]
    hub = (corpora_mod.load_hub_corpus(s.model_dump(), f"data.hub.{i}") for i, s in enumerate(data.hub))
    loaded += [("hub", c) for c in hub if c]  # their own origin: `thresholds.sources: [hub]` picks them
    for origin, corpus in loaded:
        order = rng.permutation(len(corpus.texts))
        kept = order[: data.corpora.max_train_per_corpus]
        filler[corpus.name] = list(range(len(rows), len(rows) + len(kept)))
        for k, i in enumerate(kept.tolist()):
            rows.add(corpus.texts[i], np.zeros(len(categories), int), 1.0, f"{origin}:{corpus.name}:{k % 60}", origin,
                     {"kind": "corpus", "source": corpus.name})
        corpus_counts[corpus.name] = len(kept)
        corpus_pool += [corpus.texts[i] for i in order[len(kept): len(kept) + data.corpora.mining_pool].tolist()]

    feedback_rows, feedback_left_out = 0, {}
    if data.feedback:
        from training.feedback import training_feedback

        dev = dev_sets(config, conversations=False)[0]
        feedback = training_feedback(data.feedback, dev.texts if dev is not None else ())
        for path, record in feedback.records:
            rows.add(record["text"], _label_vector(record.get("labels", []), categories),
                     float(record.get("weight", 1.0)), f"feedback:{path.stem}", "feedback", record)
        feedback_rows, feedback_left_out = len(feedback.records), feedback.left_out()
        log(f"reviewer feedback: {feedback_rows} decisions from {len(data.feedback)} file(s); left out: "
            f"{feedback.held_out} held out (split test), {feedback.duplicates} repeated ids (the latest decision "
            f"kept), {feedback.leaked} whose text is in the dev set or held out")
    summary = {
        "handwritten_messages": originals, "fragments_left_out": len(fragments), "noisy_copies": len([a for a in rows.augmented if a]),
        "writers": sorted({writer_of_record(r) for r in hand.records}), "handwritten_conversations": len(conversations) - len(synth_conv_train),
        "synth_train_messages": len(synth_train), "synth_train_conversations": len(synth_conv_train),
        "corpus_rows": corpus_counts, "feedback_rows": feedback_rows,
    }
    if feedback_left_out:
        summary["feedback_left_out"] = feedback_left_out
    return TrainingData(rows, conversations, corpus_pool, filler, synth_test, synth_conv_test, summary)


def conversation_labels(conversation: dict, tactics: np.ndarray, categories: tuple[str, ...],
                        sextortion_tactic: int | None) -> tuple[np.ndarray, np.ndarray]:
    """Per turn: labels and weights for the message model.

    In a grooming conversation the suspect's turns from the first grooming turn on are positive for
    the conversation's category (sextortion when the suspect threatens exposure, else recruitment)
    when they use a tactic; the suspect's small talk in between is unknown (weight 0), not positive
    (long chats are mostly small talk). The other category is unknown for those turns. Other
    speakers' turns are negative for the review categories and unknown for disclosure. Benign
    conversations are negative throughout."""
    n = len(conversation["turns"])
    Y = np.zeros((n, len(categories)), int)
    W = np.ones((n, len(categories)))
    if conversation.get("label") != "grooming":
        return Y, W
    index = {c: i for i, c in enumerate(categories)}
    suspect = conversation["suspect"]
    mine = np.array([t["speaker"] == suspect for t in conversation["turns"]])
    is_sext = sextortion_tactic is not None and bool((tactics[mine][:, sextortion_tactic] > 0).any())
    positive, unknown = ("sextortion", "recruitment") if is_sext else ("recruitment", "sextortion")
    first = int(conversation.get("first_grooming_turn") or 0)
    for k in range(n):
        if mine[k]:
            if k >= first:
                if tactics[k].any():
                    Y[k, index[positive]] = 1
                else:
                    W[k, index[positive]] = 0.0
                W[k, index[unknown]] = 0.0
        elif "disclosure" in index:
            W[k, index["disclosure"]] = 0.0
    return Y, W


def dev_sets(config: TrainingConfig, conversations: bool = True) -> tuple[MessageSet | None, list[dict], list[dict]]:
    """The development set: messages, short conversations, long conversations (``conversations=False``:
    the messages only)."""
    dev_dir = Path(config.data.dev_dir)
    messages = None
    if (dev_dir / "messages.jsonl").is_file():
        from training.data_sources import read_messages

        messages = read_messages(dev_dir / "messages.jsonl", "dev")
    if not conversations:
        return messages, [], []
    short = read_conversations(dev_dir / "conversations.jsonl") if (dev_dir / "conversations.jsonl").is_file() else []
    long = read_conversations(dev_dir / "conversations_long.jsonl") if (dev_dir / "conversations_long.jsonl").is_file() else []
    return messages, short, long
