"""Typed placeholders: which spans of folded text become which placeholder, and that they stay linear."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from signals.nlp.masks import MASKS, PLACEHOLDERS, mask_edits
from signals.nlp.normalizer import Normalizer

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def normalize() -> Normalizer:
    return Normalizer()


def masked(text: str) -> list[tuple[str, str]]:
    """(placeholder, masked substring) for every edit, in order."""
    return [(placeholder, text[start:end]) for start, end, placeholder in mask_edits(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("volg @lisa_2009", [("xhandlex", "@lisa_2009")]),
    ("volg @lisa.2009", [("xhandlex", "@lisa.2009")]),
    ("mail a.b@test.nl", [("xemailx", "a.b@test.nl")]),
    ("kijk op t.me/xyz", [("xurlx", "t.me/xyz")]),
    ("bel 06 123 456 78", [("xphonex", "06 123 456 78")]),
    ("bel +31612345678", [("xphonex", "+31612345678")]),
    ("€50", [("xmoneyx", "€50")]),
    ("$100", [("xmoneyx", "$100")]),
    ("50eur", [("xmoneyx", "50eur")]),
    ("twee euro", [("xmoneyx", "twee euro")]),
    ("honderd euro", [("xmoneyx", "honderd euro")]),
    ("0,05 bitcoin", [("xmoneyx", "0,05 bitcoin")]),
    ("€2k", [("xmoneyx", "€2k")]),
    ("15 jaar oud", [("xagex", "15 jaar oud")]),
    ("im 15", [("xagex", "15")]),
    ("20h", [("xtimex", "20h")]),
    ("7pm", [("xtimex", "7pm")]),
    ("18.30", [("xtimex", "18.30")]),
    ("3 dagen", [("xdurationx", "3 dagen")]),
    ("24 uur", [("xdurationx", "24 uur")]),
    ("om 9 uur", [("xtimex", "9 uur")]),
])
def test_masks(text, expected):
    assert masked(text) == expected


@pytest.mark.parametrize("text", [
    "ik heb een foto gemaakt",
    "@x",               # one character is not a handle
    "mail@me",          # not an e-mail address
    "sn4p",             # digits inside words are leetspeak, not numbers
    "b1tc01n",
    "groepsapp",
    "de euro is sterk",
])
def test_no_mask(text):
    assert masked(text) == []


def test_placeholders_are_the_mask_names():
    assert PLACEHOLDERS == tuple(name for name, _ in MASKS)
    assert all(p.startswith("x") and p.endswith("x") and p.isalpha() for p in PLACEHOLDERS)


@pytest.mark.parametrize("unit", ["1 ", "06 ", "+31 ", "€1.", "a@", "www.", "1-", "a.", "@", "a", "1"])
def test_masks_stay_fast_on_hostile_input(unit):
    text = unit * (100_000 // len(unit))
    started = time.perf_counter()
    mask_edits(text)
    assert time.perf_counter() - started < 2


def test_money_mask_is_linear_on_separated_digit_runs():
    # Run in a subprocess so the current quadratic behaviour costs the suite the timeout, not 90 s.
    code = "from signals.nlp.masks import mask_edits; mask_edits('1,' * 50_000); mask_edits('123.' * 25_000)"
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
                   timeout=8, check=True)


@pytest.mark.parametrize("text", ["bel 0612345678 nu", "bel +31612345678 nu", "bel +32 470 12 34 56 nu"])
def test_phone_mask_keeps_the_following_space(normalize, text):
    assert normalize(text).text == "bel xphonex nu"


@pytest.mark.parametrize("text", ["bel 0470 12 34 56", "bel 0470123456"])
def test_belgian_national_mobile_numbers_are_masked(normalize, text):
    assert normalize(text).text == "bel xphonex"
