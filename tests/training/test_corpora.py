"""Real corpora through `datasets`: train/test splits, hub-style loading on local files, absence."""

from __future__ import annotations

import json

import pytest
from training.corpora import load_corpora, load_hub_corpus, load_local_corpus

from signals.errors import ConfigError, CorpusError

ROWS = [
    {"id": "t-1", "text": "Ik ga morgen naar de markt.", "split": "train"},
    {"id": "t-2", "text": "Heb je zin om te komen eten?", "split": "train"},
    {"id": "t-3", "text": "De trein is weer te laat.", "split": "test"},
]


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")


@pytest.mark.parametrize(("split", "ids"), [("train", ["t-1", "t-2"]), ("test", ["t-3"])])
def test_local_corpus_keeps_only_the_asked_split(tmp_path, split, ids):
    write_jsonl(tmp_path / "mini_nl.jsonl", ROWS)
    corpus = load_local_corpus(tmp_path, "mini_nl", split)
    assert corpus.ids == ids
    assert corpus.texts == [r["text"] for r in ROWS if r["id"] in ids]


def test_a_null_or_blank_corpus_text_is_no_row(tmp_path):
    """str(None) was trained as the text "None"."""
    write_jsonl(tmp_path / "mini_nl.jsonl", [*ROWS, {"id": "t-4", "text": None, "split": "train"},
                                             {"id": "t-5", "text": "  ", "split": "train"}])
    corpus = load_local_corpus(tmp_path, "mini_nl", "train")
    assert corpus.ids == ["t-1", "t-2"] and "None" not in corpus.texts


def test_missing_corpus_file_is_reported_not_fatal(tmp_path, capsys):
    assert load_local_corpus(tmp_path, "absent_nl", "train") is None
    assert "absent_nl" in capsys.readouterr().err


def test_missing_corpora_folder_gives_no_rows_and_a_clear_message(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("SIGNALS_CORPORA_DIR", raising=False)
    assert load_corpora({"path": str(tmp_path / "nowhere"), "files": ["tatoeba_nl"]}, "train") == []
    assert "does not exist" in capsys.readouterr().err


def test_corpora_folder_can_be_set_by_environment(tmp_path, monkeypatch):
    write_jsonl(tmp_path / "mini_nl.jsonl", ROWS)
    monkeypatch.setenv("SIGNALS_CORPORA_DIR", str(tmp_path))
    [corpus] = load_corpora({"path": "/configured/elsewhere", "files": ["mini_nl"]}, "test")
    assert corpus.ids == ["t-3"]


def test_corpus_without_split_field_is_refused(tmp_path):
    write_jsonl(tmp_path / "bad_nl.jsonl", [{"id": "x", "text": "hallo"}])
    with pytest.raises(CorpusError, match="split"):
        load_local_corpus(tmp_path, "bad_nl", "train")


def test_hub_loader_reads_a_local_dataset_folder(tmp_path):
    """The same code path as a hub id (`datasets.load_dataset(id)`), on a local dataset folder."""
    folder = tmp_path / "my-org" / "chat-nl"
    folder.mkdir(parents=True)
    write_jsonl(folder / "train.jsonl", [{"message": "tot straks!"}, {"message": "wie neemt de chips mee?"}])
    corpus = load_hub_corpus({"id": str(folder), "split": "train", "text_field": "message", "name": "chat-nl"})
    assert corpus.name == "chat-nl"
    assert corpus.texts == ["tot straks!", "wie neemt de chips mee?"]


# a mistake in a local dataset entry was a traceback (text_field) or "unavailable: skipped" (split,
# folder), and training went on without those rows
HUB_MISTAKES = [
    ({"text_field": "text"}, r"data\.hub\.0\.text_field: .* has no column 'text' \(it has \['message'\]\)"),
    ({"split": "validation"}, r"data\.hub\.0\.split: .*Unknown split \"validation\""),
    ({"id": "{folder}-typo"}, r"data\.hub\.0\.id: .*chat-nl-typo is not there"),
    ({"id": "{folder}/train.jsonl"}, r"data\.hub\.0\.id: .*train\.jsonl is a file, not a dataset folder"),
]


@pytest.mark.parametrize(("change", "message"), HUB_MISTAKES)
def test_a_mistake_in_a_local_hub_entry_names_its_key(tmp_path, change, message):
    folder = tmp_path / "chat-nl"
    folder.mkdir()
    write_jsonl(folder / "train.jsonl", [{"message": "tot straks!"}])
    spec = {"id": str(folder), "split": "train", "text_field": "message"}
    spec.update({k: v.format(folder=folder) for k, v in change.items()})
    with pytest.raises(ConfigError, match=message) as raised:
        load_hub_corpus(spec, "data.hub.0")
    assert "\n" not in raised.value.message


def test_a_split_a_hub_dataset_lacks_is_an_error_not_an_outage(monkeypatch):
    import datasets

    def reached(*args, **kwargs):
        raise ValueError('Unknown split "validation". Should be one of [\'train\'].')

    monkeypatch.setattr(datasets, "load_dataset", reached)  # no network from tests
    with pytest.raises(ConfigError, match=r"data\.hub\.1\.split: my-org/chat-nl: Unknown split"):
        load_hub_corpus({"id": "my-org/chat-nl", "split": "validation"}, "data.hub.1")


def test_hub_rows_without_text_are_left_out(tmp_path, capsys):
    """None was trained on as the text "None"."""
    folder = tmp_path / "chat-nl"
    folder.mkdir()
    write_jsonl(folder / "train.jsonl", [{"message": "tot straks!"}, {"message": None}, {"message": " "}])
    corpus = load_hub_corpus({"id": str(folder), "text_field": "message"})
    assert corpus.texts == ["tot straks!"]
    assert "2 rows without text" in capsys.readouterr().err


def test_unreachable_hub_dataset_is_skipped_with_a_message(capsys, monkeypatch):
    import datasets

    def offline(*args, **kwargs):
        raise ConnectionError("no route to the hub")

    monkeypatch.setattr(datasets, "load_dataset", offline)  # no network from tests
    assert load_hub_corpus({"id": "no-such-org/no-such-dataset-signals"}) is None
    assert "unavailable" in capsys.readouterr().err
