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
