"""The training config: the shipped files load, and a wrong key or value is named, never defaulted."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from training.config import load_config

from signals.errors import ConfigError

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize("name", ["config.yaml", "config.tiny.yaml"])
def test_the_shipped_configs_load(name):
    config = load_config(ROOT / "training" / name)
    assert set(config.model.precision_targets) <= {"recruitment", "sextortion", "disclosure"}


def write(tmp_path: Path, model: dict) -> Path:
    raw = yaml.safe_load((ROOT / "training" / "config.tiny.yaml").read_text(encoding="utf-8"))
    raw["model"].update(model)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


def test_a_category_takes_its_own_precision_target(tmp_path):
    config = load_config(write(tmp_path, {"precision_target": 0.85, "precision_targets": {"sextortion": 0.9}}))
    assert config.model.precision_target == 0.85 and config.model.precision_targets == {"sextortion": 0.9}


@pytest.mark.parametrize(("model", "message"), [
    ({"precision_targets": {"grooming": 0.9}}, r"model\.precision_targets.*unknown categories \['grooming'\]"),
    ({"precision_targets": {"disclosure": 1.5}}, r"model\.precision_targets.*between 0 and 1"),
    ({"precision_target": 0.0}, r"model\.precision_target"),
    ({"precison_target": 0.9}, r"model\.precison_target"),   # a misspelt key is an error, not a silent default
])
def test_a_wrong_model_setting_is_named(tmp_path, model, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write(tmp_path, model))


def write_raw(tmp_path: Path, edit) -> Path:
    raw = yaml.safe_load((ROOT / "training" / "config.tiny.yaml").read_text(encoding="utf-8"))
    edit(raw)
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize(("edit", "message"), [
    (lambda raw: raw["model"].update(class_weight="balancd"), r"model\.class_weight"),
    (lambda raw: raw["model"].update(C=float("inf")), r"model\.C: .*finite"),
    (lambda raw: raw["conversation"].update(benign_flag_target=float("nan")), r"conversation\.benign_flag_target"),
    (lambda raw: raw.update(seed=-1), r"seed: .*greater than or equal to 0"),
    (lambda raw: raw.update(thresholds={"sources": ["writr"]}), r"thresholds\.sources\.0"),
    (lambda raw: raw.update(thresholds={"sources": []}), r"thresholds\.sources"),
    (lambda raw: raw["data"].update(long_chats={"min_turns": 400, "max_turns": 30}),
     r"data\.long_chats.*min_turns \(400\) is above max_turns \(30\)"),
    # the data behind a threshold source: without it every threshold was 0.5, silently
    (lambda raw: raw.update(thresholds={"sources": ["feedback"]}), r"thresholds\.sources: \['feedback'\].*data\.feedback"),
    (lambda raw: raw.update(thresholds={"sources": ["writer", "hub"]}), r"thresholds\.sources: \['hub'\].*data\.hub"),
    (lambda raw: raw.update(thresholds={"sources": ["synth"]}), r"thresholds\.sources: \['synth'\].*data\.synth"),
    (lambda raw: raw["data"].update(hub=[{"id": ""}]), r"data\.hub\.0\.id"),           # was "unavailable: skipped"
    (lambda raw: raw["data"].update(hub=["org/chat-nl"]), r"data\.hub\.0: .*dictionary"),
    (lambda raw: raw["data"].update(hub=[{"id": "org/chat-nl", "text_feild": "msg"}]), r"data\.hub\.0\.text_feild"),
    # one name keys a dataset's row counts and long-chat filler: a second of that name overwrote the first
    (lambda raw: raw["data"].update(hub=[{"id": "org/chat", "split": "train"}, {"id": "org/chat", "split": "test"}]),
     r"data: .*hub\.1: the name 'org/chat' is already"),
    (lambda raw: raw["data"].update(hub=[{"id": "org/x", "name": "tatoeba_nl"}]), r"hub\.0: the name 'tatoeba_nl'"),
    (lambda raw: raw["data"].update(feedback="var/feedback.jsonl"), r"data\.feedback: .*list"),
    (lambda raw: raw["data"].update(feedback=[""]), r"data\.feedback: .*empty file name"),  # was "not found: ."
    (lambda raw: raw["data"].update(feedbak=["var/feedback.jsonl"]), r"data\.feedbak"),
    # a thread length no machine holds; a filler name no corpus has (the threads had no real small talk)
    (lambda raw: raw["data"]["long_chats"].update(max_turns=10**9), r"data\.long_chats\.max_turns"),
    (lambda raw: raw["data"]["long_chats"].update(filler_corpora=["subtitels_nl"]),
     r"long_chats\.filler_corpora: \['subtitels_nl'\] are not among"),
])
def test_a_value_training_would_fail_on_or_silently_misuse_is_named(tmp_path, edit, message):
    with pytest.raises(ConfigError, match=message):
        load_config(write_raw(tmp_path, edit))


@pytest.mark.parametrize(("content", "message"), [
    (b"model:\n  C: 1\nmodel:\n  C: 2\n", r"duplicate key 'model'"),    # YAML would keep the second silently
    (b"\xff\xfe not utf-8", r"cannot read config .*utf-8"),
    (b"model: [unclosed\n", r"cannot read config"),
    (b"", r"config\.yaml: the config: .*dictionary"),                  # was "config.yaml: : Input should be"
    (b"- name\n- version\n", r"config\.yaml: the config: .*dictionary"),
])
def test_an_unreadable_config_is_one_clear_error(tmp_path, content, message):
    path = tmp_path / "config.yaml"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert "\n" not in caught.value.message
