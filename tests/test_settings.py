"""Settings: only explicit settings choose a model. A ``.env`` in the working directory is never read
unless asked for (``--env-file`` or ``SIGNALS_ENV_FILE``); ``SIGNALS_MODEL`` (or the older
``SIGNALS_MODEL_DIR``) or ``--model`` name the model, and the CLI says on stderr which one it loaded."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from signals.cli import main
from signals.errors import ConfigError, ModelNotFoundError
from signals.settings import Settings, load_settings

pytestmark = pytest.mark.usefixtures("clean_cli_environment")


def _input(tmp_path: Path) -> Path:
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps({"id": "a", "text": "hoe oud ben je"}) + "\n", encoding="utf-8")
    return source


def test_a_dotenv_in_the_working_directory_is_ignored(tiny_model_dir, tmp_path, capsys, monkeypatch):
    monkeypatch.setattr("signals.settings.default_model_dirs", lambda: [tmp_path / "models" / "none"])
    (tmp_path / ".env").write_text(f"SIGNALS_MODEL={tiny_model_dir}\nSIGNALS_MAX_BATCH=1\n", encoding="utf-8")
    assert load_settings().model_dir is None and load_settings().max_batch == 256
    assert main(["score", str(_input(tmp_path))]) == 2
    captured = capsys.readouterr()
    assert captured.err.startswith("error: E200: no model given and none in ")
    assert "--model DIR or SIGNALS_MODEL=DIR" in captured.err and str(tiny_model_dir) not in captured.err
    assert captured.out == ""


@pytest.mark.parametrize("how", ["option", "variable"])
def test_an_env_file_is_read_when_asked_for(loaded, tmp_path, monkeypatch, capsys, how):
    env_file = tmp_path / "signals.env"
    env_file.write_text(f"SIGNALS_MODEL={loaded}\n", encoding="utf-8")
    argv = ["score", str(_input(tmp_path))]
    if how == "option":
        argv += ["--env-file", str(env_file)]
    else:
        monkeypatch.setenv("SIGNALS_ENV_FILE", str(env_file))
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert captured.err.startswith(f"model: signals-nl 0.2.0 from {loaded.resolve()} (sha256 ")
    assert json.loads(captured.out)["id"] == "a"


def test_a_missing_env_file_is_an_error(tmp_path, capsys):
    assert main(["score", str(_input(tmp_path)), "--env-file", str(tmp_path / "nergens.env")]) == 2
    assert f"error: E300: env file not found: {tmp_path / 'nergens.env'}" in capsys.readouterr().err


# (the env file, the ConfigError after "<file>:"): a key of signals that no setting reads would be ignored
UNKNOWN_KEYS = [
    ("SIGNALS_MAX_TEXT_CHAR=100\n", "1: unknown setting SIGNALS_MAX_TEXT_CHAR; did you mean SIGNALS_MAX_TEXT_CHARS?"),
    ("# het model\nSIGNAL_MODEL=/m\n", "2: unknown setting SIGNAL_MODEL; did you mean SIGNALS_MODEL?"),
    ("signals_max_text_char=100\n", "1: unknown setting signals_max_text_char; did you mean SIGNALS_MAX_TEXT_CHARS?"),
    ("SIGNALS_MAX_TEXT_CHARS=100\nSIGNALS_MAX_CHARS=100\n",
     "2: unknown setting SIGNALS_MAX_CHARS; did you mean SIGNALS_MAX_TEXT_CHARS?"),
    ("export SIGNALS_REVIEW_DB_URL=sqlite://\n", "1: unknown setting SIGNALS_REVIEW_DB_URL; did you mean SIGNALS_REVIEW_DB?"),
    ("SIGNALS_ENV_FILE=ander.env\n", "1: unknown setting SIGNALS_ENV_FILE"),        # no setting: an env file names no other
    ("SIGNALS_CORPORA_DIR=/c\n", "1: unknown setting SIGNALS_CORPORA_DIR"),        # training's, from the environment only
]


@pytest.mark.parametrize(("content", "message"), UNKNOWN_KEYS,
                         ids=[message.split()[3].rstrip(";") for _, message in UNKNOWN_KEYS])
def test_an_env_file_key_that_is_no_setting_is_refused(tmp_path, content, message):
    env_file = tmp_path / "signals.env"
    env_file.write_text(content, encoding="utf-8")
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file)
    assert caught.value.message == f"{env_file}:{message}"


@pytest.mark.parametrize(("content", "max_text_chars"), [
    ("SIGNALS_MAX_TEXT_CHARS=100\n", 100),
    ("signals_max_text_chars=100\n", 100),                   # read whatever its case, so checked so too
    ("export SIGNALS_MAX_TEXT_CHARS=100\nSIGNALS_MODEL_DIR=/m\n", 100),   # the model's older name is a setting
    ("MAX_TEXT_CHARS=100\nMODEL=/m\nAPI_KEYS=k\nDATABASE_URL=postgresql://db\n", 5_000),  # other programs' keys
])
def test_an_env_file_may_hold_settings_and_other_programs_keys(tmp_path, content, max_text_chars):
    env_file = tmp_path / "signals.env"
    env_file.write_text(content, encoding="utf-8")
    assert load_settings(env_file).max_text_chars == max_text_chars


@pytest.mark.parametrize("how", ["option", "variable"])
def test_score_refuses_a_misspelt_setting_before_the_model_loads(tmp_path, monkeypatch, capsys, how):
    env_file = tmp_path / "signals.env"
    env_file.write_text("SIGNALS_MAX_TEXT_CHAR=100\n", encoding="utf-8")
    argv = ["score", str(_input(tmp_path)), "--model", str(tmp_path / "nergens")]
    if how == "option":
        argv += ["--env-file", str(env_file)]
    else:
        monkeypatch.setenv("SIGNALS_ENV_FILE", str(env_file))
    assert main(argv) == 2
    captured = capsys.readouterr()
    assert captured.err == (f"error: E300: {env_file}:1: unknown setting SIGNALS_MAX_TEXT_CHAR; "
                            "did you mean SIGNALS_MAX_TEXT_CHARS?\n")
    assert captured.out == ""


def test_the_process_environment_is_not_checked_for_unknown_names(monkeypatch):
    monkeypatch.setenv("SIGNALS_MAX_TEXT_CHAR", "100")
    monkeypatch.setenv("SIGNAL_MODEL", "/m")
    settings = load_settings()
    assert (settings.max_text_chars, settings.model_dir) == (5_000, None)


def test_the_environment_wins_over_the_env_file(tmp_path, monkeypatch):
    env_file = tmp_path / "signals.env"
    env_file.write_text("SIGNALS_MAX_BATCH=7\nSIGNALS_MAX_TURNS=9\n", encoding="utf-8")
    monkeypatch.setenv("SIGNALS_MAX_BATCH", "3")
    settings = load_settings(env_file)
    assert (settings.max_batch, settings.max_turns) == (3, 9)


def test_load_settings_refuses_a_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="env file not found"):
        load_settings(tmp_path / "nergens.env")


@pytest.mark.parametrize(("variables", "expected"), [
    ({"SIGNALS_MODEL": "/m/nieuw"}, "/m/nieuw"),
    ({"SIGNALS_MODEL_DIR": "/m/oud"}, "/m/oud"),
    ({"SIGNALS_MODEL": "/m/nieuw", "SIGNALS_MODEL_DIR": "/m/oud"}, "/m/nieuw"),
    ({"MODEL_DIR": "/m/zonder-prefix"}, None),
    ({}, None),
])
def test_the_model_setting_and_its_alias(monkeypatch, variables, expected):
    for name, value in variables.items():
        monkeypatch.setenv(name, value)
    model_dir = load_settings().model_dir
    assert (str(model_dir) if model_dir else None) == expected


@pytest.mark.parametrize(("variable", "value"), [("SIGNALS_MODEL", ""), ("SIGNALS_MODEL", "  "), ("SIGNALS_MODEL_ROOT", "")])
def test_an_empty_model_setting_is_an_error_not_the_current_folder(monkeypatch, variable, value):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError, match=rf"invalid setting: {variable}: Value error, is empty"):
        load_settings()


def test_require_model_dir_names_both_ways():
    with pytest.raises(ModelNotFoundError, match=r"--model DIR or SIGNALS_MODEL=DIR"):
        Settings(_env_file=None).require_model_dir()
    assert Settings(_env_file=None, model_dir="x").require_model_dir() == Path("x")


def test_serve_without_a_model_fails_at_once(capsys):
    assert main(["serve", "--port", "1"]) == 2
    assert "--model DIR or SIGNALS_MODEL=DIR" in capsys.readouterr().err
