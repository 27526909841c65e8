"""The evaluation sets every benchmark runs on, loaded once from the model's own ``config.yaml``.

- ``synth_test``: the generator's template-disjoint test split, regenerated with the seed and
  counts the model was trained with (its train split is kept for the TF-IDF baseline);
- ``dev``: the independent hand-written dev set (``data.dev_dir``), skipped with a note if absent;
- real corpora, ``split == "test"`` only: flag rates per corpus;
- ``--extra`` JSONL files in the CLI input format, labelled (``"labels"``) or not.

Relative data paths in the config are read from the project root, as ``make train`` does.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field
from pathlib import Path

from training.corpora import CorpusRows
from training.data_sources import MessageSet, read_conversations, read_messages, synthetic
from training.train import load_config

from training import corpora as corpora_mod

ROOT = Path(__file__).resolve().parents[1]

# --quick: smaller slices, so a smoke run takes a minute or two
QUICK_SYNTH_MESSAGES = 3000
QUICK_SYNTH_CONVERSATIONS = 80
QUICK_CORPUS_ROWS = 1500


@dataclass
class EvalSets:
    config: dict
    manifest: dict
    messages: dict[str, MessageSet] = field(default_factory=dict)        # labelled message sets
    unlabelled: dict[str, MessageSet] = field(default_factory=dict)      # --extra without labels
    conversations: dict[str, list[dict]] = field(default_factory=dict)
    corpora: list[CorpusRows] = field(default_factory=list)
    synth_train: MessageSet | None = None
    notes: list[str] = field(default_factory=list)

    def positives(self, name: str) -> MessageSet:
        ms = self.messages[name]
        return MessageSet(f"{name}_positives", [r for r in ms.records if r.get("labels")])


def project_path(path: str | Path) -> Path:
    path = Path(path)
    return path if path.is_absolute() else ROOT / path


def resolved_config(config: dict) -> dict:
    """The config with its data paths made absolute against the project root."""
    config = copy.deepcopy(config)
    data = config["data"]
    for key in ("handwritten_dir", "dev_dir"):
        data[key] = str(project_path(data[key]))
    data["corpora"]["path"] = str(project_path(data["corpora"]["path"]))
    return config


def is_labelled(ms: MessageSet) -> bool:
    return any("labels" in r for r in ms.records)


def load_eval_sets(model_dir: Path, extra: list[Path], quick: bool, log=print) -> EvalSets:
    import json

    config = resolved_config(load_config(Path(model_dir) / "config.yaml"))
    manifest = json.loads((Path(model_dir) / "manifest.json").read_text(encoding="utf-8"))
    sets = EvalSets(config, manifest)
    data, seed = config["data"], int(config["seed"])

    synth_cfg = data["synth"]
    n_msg, n_conv = int(synth_cfg["messages"]), int(synth_cfg["conversations"])
    if n_msg <= 0 and n_conv <= 0:
        sets.notes.append("synth: the model was trained without generator data (data.synth counts are 0): "
                          "no template-disjoint synth test set")
    else:
        if quick:
            # held-out templates are chosen by hash, so a smaller draw is still template-disjoint
            n_msg, n_conv = min(n_msg, QUICK_SYNTH_MESSAGES), min(n_conv, QUICK_SYNTH_CONVERSATIONS)
        try:
            train, test, _, conv_test = synthetic(n_msg, n_conv, seed, float(synth_cfg["test_fraction"]))
        except ImportError as exc:
            sets.notes.append(f"synth: the generator (training.synth) cannot be imported ({exc}): no synth test set")
        else:
            sets.synth_train = train
            if len(test):
                sets.messages["synth_test"] = test
            if conv_test:
                sets.conversations["synth_test_conversations"] = conv_test
            if quick:
                sets.notes.append(f"synth: --quick draws {n_msg} messages / {n_conv} conversations "
                                  f"(the model's config: {synth_cfg['messages']} / {synth_cfg['conversations']})")
            log(f"synth: train {len(train)}, test {len(test)} messages, {len(conv_test)} test conversations")

    dev_dir = Path(data["dev_dir"])
    if (dev_dir / "messages.jsonl").is_file():
        sets.messages["dev"] = read_messages(dev_dir / "messages.jsonl", "dev")
    else:
        sets.notes.append(f"dev: {dev_dir / 'messages.jsonl'} not found: no dev message metrics")
    if (dev_dir / "conversations.jsonl").is_file():
        sets.conversations["dev_conversations"] = read_conversations(dev_dir / "conversations.jsonl")
    else:
        sets.notes.append(f"dev: {dev_dir / 'conversations.jsonl'} not found: no dev conversation metrics")

    corpora = corpora_mod.load_corpora(data["corpora"], "test")
    if not corpora:
        sets.notes.append(f"corpora: none found under {corpora_mod.corpora_dir(data['corpora']['path'])}")
    if quick:
        corpora = [CorpusRows(c.name, c.ids[:QUICK_CORPUS_ROWS], c.texts[:QUICK_CORPUS_ROWS]) for c in corpora]
        sets.notes.append(f"corpora: --quick uses the first {QUICK_CORPUS_ROWS} test rows per corpus")
    sets.corpora = corpora

    for path in extra:
        name = f"extra:{Path(path).stem}"
        ms = read_messages(Path(path), name)
        (sets.messages if is_labelled(ms) else sets.unlabelled)[name] = ms
    return sets


def handwritten_fallback(sets: EvalSets) -> MessageSet:
    """Hand-written training positives: only used when neither dev nor synth test exists."""
    from training.data_sources import handwritten

    messages, _ = handwritten(Path(sets.config["data"]["handwritten_dir"]))
    return MessageSet("handwritten_train", [r for r in messages.records if r.get("labels")])
