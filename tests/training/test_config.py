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
    # a file listed twice: a corpus was read twice (twice its rows); a conversation file is a slip for another
    (lambda raw: raw["data"]["corpora"].update(files=["tatoeba_nl", "subtitles_nl", "tatoeba_nl"]),
     r"data\.corpora\.files: .*item 2 \('tatoeba_nl'\) is item 0 \('tatoeba_nl'\) again: list each file once"),
    (lambda raw: raw["data"].update(conversation_files=["conversations.jsonl", "conversations.jsonl"]),
     r"data\.conversation_files: .*item 1 \('conversations\.jsonl'\) is item 0 \('conversations\.jsonl'\) again"),
    # a folder in the name was never read; a name without "conversations" was read as messages
    (lambda raw: raw["data"].update(conversation_files=["sub/conversations.jsonl"]),
     r"data\.conversation_files: .*'sub/conversations\.jsonl' is not a conversation file name"),
    (lambda raw: raw["data"].update(conversation_files=["chats.jsonl"]), r"'chats\.jsonl' is not a conversation file name"),
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


QUOTES = r" \(write numbers and true or false without quotes\)"


# lax types turned each of these into a value, silently: "5" into 5, "yes" into true, 13.0 into 13
@pytest.mark.parametrize(("edit", "message"), [
    (lambda raw: raw["model"].update(folds="5"), r"model\.folds: Input should be a valid integer, got the text '5'" + QUOTES),
    (lambda raw: raw["model"].update(C="4"), r"model\.C: Input should be a valid number, got the text '4'" + QUOTES),
    (lambda raw: raw["model"].update(C=True), r"model\.C: Input should be a valid number, got true$"),
    (lambda raw: raw["model"].update(precision_targets={"disclosure": "0.9"}),
     r"model\.precision_targets\.disclosure: .*number, got the text '0\.9'" + QUOTES),
    (lambda raw: raw["features"].update(word_bigrams="yes"),
     r"features\.word_bigrams: Input should be a valid boolean, got the text 'yes'" + QUOTES),
    (lambda raw: raw["features"].update(word_bigrams=1), r"features\.word_bigrams: .*boolean, got 1$"),
    (lambda raw: raw["features"].update(char_ngrams=["2", 5]), r"features\.char_ngrams\.0: .*integer, got the text '2'"),
    (lambda raw: raw["features"].update(char_ngrams=[2.0, 5]), r"features\.char_ngrams\.0: .*integer, got 2\.0$"),
    (lambda raw: raw.update(seed=13.0), r"seed: Input should be a valid integer, got 13\.0$"),
    (lambda raw: raw["data"]["augment"].update(copies=1.0), r"data\.augment\.copies: .*integer, got 1\.0$"),
    (lambda raw: raw["data"]["corpora"].update(files="tatoeba_nl"),
     r"data\.corpora\.files: Input should be a valid list, got the text 'tatoeba_nl'$"),
    (lambda raw: raw.update(version=1.0), r"version: Input should be a valid string, got 1\.0$"),
])
def test_a_value_of_the_wrong_kind_is_named_with_its_file(tmp_path, edit, message):
    path = write_raw(tmp_path, edit)
    with pytest.raises(ConfigError, match=message) as caught:
        load_config(path)
    assert caught.value.message.startswith(f"{path}: ")


def write_literal(tmp_path: Path, section: str | None, key: str, literal: str) -> Path:
    """The tiny config with one value written as YAML text, exactly as a person would type it."""
    raw = yaml.safe_load((ROOT / "training" / "config.tiny.yaml").read_text(encoding="utf-8"))
    (raw[section] if section else raw)[key] = "@placeholder@"
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(raw).replace("'@placeholder@'", literal), encoding="utf-8")
    return path


# YAML's own numbers and booleans, as written by hand, still load under the strict types
@pytest.mark.parametrize(("section", "key", "literal", "value"), [
    ("model", "tol", "3.0e-3", 0.003),
    ("model", "tol", "1e-3", 0.001),           # YAML 1.2: PyYAML alone read it as the text "1e-3"
    ("model", "tol", "5E-4", 0.0005),
    ("model", "C", "4", 4.0),                  # a whole number is a number
    ("model", "C", "4.0", 4.0),
    ("model", "folds", "5", 5),
    ("features", "word_bigrams", "false", False),
    ("features", "word_bigrams", "no", False),  # YAML 1.1's own boolean (unquoted)
    ("features", "char_ngrams", "[3, 4]", (3, 4)),
    (None, "seed", "0", 0),
])
def test_yaml_native_values_load(tmp_path, section, key, literal, value):
    config = load_config(write_literal(tmp_path, section, key, literal))
    loaded = getattr(getattr(config, section) if section else config, key)
    assert loaded == value and type(loaded) is type(value)


# the name and version make the folder <output_root>/<name>-<version>, the model card and the API's model field
@pytest.mark.parametrize("name", ["../evil", "a/b", "..", "a..b", ".hidden", "signals-", "my model", "", "a\\b"])
def test_a_name_that_is_no_folder_name_is_refused(tmp_path, name):
    with pytest.raises(ConfigError, match=r"config\.yaml: name: .* is not a model name: letters and digits"):
        load_config(write_raw(tmp_path, lambda raw: raw.update(name=name)))


@pytest.mark.parametrize("version", ["latest", "", "1.0", "v1.0.0", "0.2.0 beta", "1.0.0/..", "1.0.0-", "1.0.0-rc..1"])
def test_a_version_that_is_no_version_is_refused(tmp_path, version):
    with pytest.raises(ConfigError, match=r"config\.yaml: version: .* is not a version: MAJOR\.MINOR\.PATCH"):
        load_config(write_raw(tmp_path, lambda raw: raw.update(version=version)))


@pytest.mark.parametrize(("name", "version"), [
    ("signals-nl", "0.2.0"), ("Signals_NL.v2", "1.0.0-rc.1"), ("signals", "10.20.30+tiny"),
])
def test_a_plain_name_and_version_load(tmp_path, name, version):
    config = load_config(write_raw(tmp_path, lambda raw: raw.update(name=name, version=version)))
    assert (config.name, config.version) == (name, version)


def test_a_config_error_stops_training_before_any_work_with_exit_2(tmp_path, capsys):
    from training.train import main

    path = write_raw(tmp_path, lambda raw: raw.update(name="../evil", seed=13.0))
    assert main(["--config", str(path), "--out", str(tmp_path / "m")]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {path}: name: ") and "seed: Input should be a valid integer, got 13.0" in err
    assert err.count("\n") == 1 and not (tmp_path / "m").exists()
