"""Tests for the seeded synthetic data generator (training/synth).

Run: cd /work/main && PYTHONPATH=.:src .venv/bin/python -m pytest tests/training -q
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from functools import cache
from pathlib import Path

import pytest
from training.synth import generate_conversations, generate_messages
from training.synth import templates as T
from training.synth.guard import is_clean  # the generator's content-rule blocklist, after undoing leet and separators
from training.synth.messages import hard_negative_groups

from signals.taxonomy import CATEGORIES, REGISTERS, TACTICS

ROOT = Path(__file__).resolve().parents[2]
N = 5000
SEED = 13

# hard-negative types named in TAXONOMY.md -> generator group
REQUIRED_HARD_NEGATIVES = [
    "snap_swap",         # friends swapping snapchat names
    "gaming_age",        # classmates: age / alone at home, for gaming
    "parent_home",       # parents asking when a child is home
    "coach_lift",        # a coach arranging a lift
    "payment_deadline",  # seller / landlord / friend asking for payment with a deadline
    "adult_flirt",       # adults flirting with adults
    "friend_joke",       # jokes among friends
    "news",              # news and awareness texts about loverboys and sextortion
    "prevention",        # prevention advice
    "helpline_parent",   # a parent asking a helpline for advice
]

@cache
def messages(seed: int = SEED, n: int = N) -> tuple[dict, ...]:
    return tuple(generate_messages(n, seed))


@cache
def conversations(seed: int = SEED, n: int = 400) -> tuple[dict, ...]:
    return tuple(generate_conversations(n, seed))


# ---------------------------------------------------------------------------- reproducibility

@pytest.mark.parametrize("generate, n", [(generate_messages, 600), (generate_conversations, 60)])
def test_same_seed_same_output(generate, n):
    assert generate(n, 7) == generate(n, 7)


@pytest.mark.parametrize("generate, n", [(generate_messages, 600), (generate_conversations, 60)])
def test_different_seed_different_output(generate, n):
    a, b = generate(n, 7), generate(n, 8)
    key = "text" if generate is generate_messages else "turns"
    assert [x[key] for x in a] != [x[key] for x in b]


def test_generator_does_not_touch_global_random():
    import random
    random.seed(123)
    before = random.random()
    random.seed(123)
    generate_messages(50, 1)
    generate_conversations(5, 1)
    assert random.random() == before


@pytest.mark.parametrize("n", [0, 1, 7])
def test_exact_count(n):
    assert len(generate_messages(n, 3)) == n
    assert len(generate_conversations(n, 3)) == n


# ---------------------------------------------------------------------------- coverage

@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_appears(category):
    assert any(category in m["labels"] for m in messages())


@pytest.mark.parametrize("tactic", TACTICS)
def test_every_tactic_appears_in_positives(tactic):
    assert any(tactic in m["tactics"] for m in messages() if m["kind"] == "positive")


@pytest.mark.parametrize("group", REQUIRED_HARD_NEGATIVES)
def test_every_hard_negative_type_appears(group):
    assert group in hard_negative_groups()
    fams = {f.id for f in T.families(kind="hard_negative", group=group)}
    assert any(m["family"] in fams and m["kind"] == "hard_negative" for m in messages())


@pytest.mark.parametrize("register", REGISTERS)
@pytest.mark.parametrize("kind", ["positive", "hard_negative", "benign"])
def test_every_register_and_kind(register, kind):
    assert any(m["register"] == register and m["kind"] == kind for m in messages())


@pytest.mark.parametrize("share, lo, hi", [
    ("recruitment", 0.19, 0.25), ("sextortion", 0.19, 0.25), ("disclosure", 0.13, 0.19),
    ("hard_negative", 0.22, 0.28), ("benign", 0.12, 0.18)])
def test_balance(share, lo, hi):
    msgs = messages()
    if share in CATEGORIES:
        count = sum(1 for m in msgs if m["labels"] and m["labels"][0] == share)
    else:
        count = sum(1 for m in msgs if m["kind"] == share)
    assert lo <= count / len(msgs) <= hi


@pytest.mark.parametrize("register, lo, hi", [
    ("standard", 0.30, 0.40), ("flemish", 0.17, 0.27), ("straattaal", 0.17, 0.27), ("codemix", 0.16, 0.26)])
def test_register_balance(register, lo, hi):
    msgs = messages()
    assert lo <= sum(m["register"] == register for m in msgs) / len(msgs) <= hi


def test_template_inventory():
    tpls = T.message_templates()
    assert len(tpls) >= 400
    assert len({t.id for t in tpls}) == len(tpls)
    for t in tpls:
        assert re.fullmatch(r"[a-z]+\.[a-z_]+\.\d{2,3}", t.id), t.id
        assert t.id.startswith(t.family + ".")


def test_many_templates_used_and_no_dominant_frame():
    msgs = messages()
    used = {m["template"] for m in msgs}
    assert len(used) >= 350
    top = max(sum(1 for m in msgs if m["template"] == t) for t in used)
    assert top / len(msgs) < 0.01


def test_evasive_spellings_present():
    pat = re.compile(r"\w[ ._\-]\w[ ._\-]\w[ ._\-]\w|[a-z][0-9][a-z]|[a-z]\*[a-z]")
    for kind in ("positive", "hard_negative"):
        sel = [m for m in messages() if m["kind"] == kind]
        share = sum(bool(pat.search(m["text"].lower())) for m in sel) / len(sel)
        assert 0.04 <= share <= 0.25, (kind, share)


# ---------------------------------------------------------------------------- schema

def test_message_schema_and_labels_valid():
    allowed_keys = {"id", "text", "labels", "tactics", "register", "kind", "source", "template", "family"}
    ids = set()
    for m in messages():
        assert set(m) == allowed_keys
        assert m["id"] not in ids
        ids.add(m["id"])
        assert isinstance(m["text"], str) and m["text"].strip()
        assert all(c in CATEGORIES for c in m["labels"])
        assert len(set(m["labels"])) == len(m["labels"])
        assert all(t in TACTICS for t in m["tactics"])
        assert m["tactics"] == [t for t in TACTICS if t in m["tactics"]]
        assert m["register"] in REGISTERS
        assert m["source"] == "synth"
        assert m["kind"] == ("positive" if m["labels"] else m["kind"])
        assert m["kind"] in ("positive", "hard_negative", "benign")
        assert m["template"].startswith(m["family"] + ".")


def test_positive_messages_carry_tactics():
    pos = [m for m in messages() if m["labels"] and m["labels"] != ["disclosure"]]
    assert all(m["tactics"] for m in pos)


def test_no_duplicate_texts():
    texts = [m["text"].casefold() for m in messages()]
    assert len(texts) == len(set(texts))


def test_conversations_schema():
    convs = conversations()
    assert len({c["id"] for c in convs}) == len(convs)
    labels = [c["label"] for c in convs]
    assert 0.4 <= labels.count("grooming") / len(labels) <= 0.6
    seen = set()
    for c in convs:
        assert 4 <= len(c["turns"]) <= 14, c["id"]
        speakers = list(dict.fromkeys(t["speaker"] for t in c["turns"]))
        assert len(speakers) == 2
        assert all(t["text"].strip() for t in c["turns"])
        assert c["register"] in REGISTERS and c["source"] == "synth" and c["template"]
        key = tuple(t["text"] for t in c["turns"])
        assert key not in seen
        seen.add(key)
        if c["label"] == "grooming":
            assert c["suspect"] in speakers
            k = c["first_grooming_turn"]
            assert isinstance(k, int) and 0 < k < len(c["turns"])
            assert c["turns"][k]["speaker"] == c["suspect"]
        else:
            assert c["label"] == "benign"
            assert c["suspect"] is None and c["first_grooming_turn"] is None


def test_grooming_conversations_start_with_small_talk():
    assert all(c["first_grooming_turn"] >= 1 for c in conversations() if c["label"] == "grooming")


def test_suspect_is_not_always_first_speaker():
    groom = [c for c in conversations() if c["label"] == "grooming"]
    first = sum(c["turns"][0]["speaker"] == c["suspect"] for c in groom) / len(groom)
    assert 0.2 < first < 0.95


# ---------------------------------------------------------------------------- content rules

@pytest.mark.parametrize("text, hit", [("stuur seks", True), ("s 3 x", True), ("d0ekoe", False),
                                       ("naaktfoto's", False), ("sextortion", False), ("p.o.r.n", True)])
def test_blocklist_normaliser(text, hit):
    assert is_clean(text) is not hit


def test_templates_never_contain_blocked_words():
    for t in T.all_templates():
        assert is_clean(t.text), t.id


@pytest.mark.parametrize("seed", [SEED, 99])
def test_outputs_never_contain_blocked_words(seed):
    for m in messages(seed):
        assert is_clean(m["text"]), m["text"]
    for c in conversations(seed):
        for turn in c["turns"]:
            assert is_clean(turn["text"]), turn["text"]


# ---------------------------------------------------------------------------- CLI

def _cli(*args, cwd=ROOT):
    env = {"PYTHONPATH": f"{ROOT}:{ROOT / 'src'}", "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "training.synth.cli", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)


def test_cli_writes_files(tmp_path):
    out = tmp_path / "synth"
    r = _cli("--messages", "120", "--conversations", "10", "--seed", "5", "--out", str(out))
    assert r.returncode == 0, r.stderr
    assert "messages: 120" in r.stdout
    msgs = [json.loads(line) for line in (out / "messages.jsonl").read_text(encoding="utf-8").splitlines()]
    convs = [json.loads(line) for line in (out / "conversations.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(msgs) == 120 and len(convs) == 10
    assert msgs == generate_messages(120, 5)
    assert not [p for p in out.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("args", [
    ["--messages", "-3", "--conversations", "1", "--seed", "1"],
    ["--messages", "x", "--conversations", "1", "--seed", "1"],
    ["--messages", "3", "--conversations", "1"],
    ["--messages", "3", "--conversations", "1", "--seed", "one"],
])
def test_cli_bad_arguments_exit_2(args, tmp_path):
    r = _cli(*args, "--out", str(tmp_path / "o"))
    assert r.returncode == 2
    assert r.stderr.strip()


def test_cli_out_is_a_file(tmp_path):
    f = tmp_path / "file"
    f.write_text("x")
    r = _cli("--messages", "1", "--conversations", "1", "--seed", "1", "--out", str(f))
    assert r.returncode == 2 and "not a directory" in r.stderr
