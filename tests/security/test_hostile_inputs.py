"""Hostile and malformed requests, one table: each gets a clear 4xx with the error envelope, or a
valid 200 score, within a bounded time, and none of them takes the worker down.

The second table sends, for every regex in ``detectors/patterns.yaml`` and ``nlp/masks.py``, an
adversarial message of the longest allowed length built from that regex's own vocabulary (a match
start followed by runs that its bounded gaps chew on without ever completing it), plus the classic
runs ("je ", "a ", "foto ", "0", "@a", ". ").
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest

from signals.detectors.registry import CUES_FILE, load_patterns, packaged_text, parse_patterns
from signals.nlp.masks import MASKS

from .conftest import API_DEFAULTS

MAX_TEXT = API_DEFAULTS["max_text_chars"]
MAX_BODY = API_DEFAULTS["max_body_bytes"]
SECONDS = 5.0  # the safety bound for every request in this file
OK = {200: None}


def js(value: object) -> bytes:
    """JSON as ASCII (non-ASCII, lone surrogates included, as \\u escapes)."""
    return json.dumps(value).encode("ascii")


def raw_utf8(value: object) -> bytes:
    return json.dumps(value, ensure_ascii=False).encode("utf-8")


def one(text: str, **message) -> dict:
    return {"messages": [{"id": "h-1", "text": text, **message}], "explain": True}


def conversation(*texts: str, speaker: object = "a") -> dict:
    return {"id": "c-1", "turns": [{"speaker": speaker, "text": t} for t in texts]}


def chunked(total: int, chunk: bytes = b"x" * 65_536) -> Callable[[], Iterator[bytes]]:
    def stream() -> Iterator[bytes]:
        sent = 0
        while sent < total:
            yield chunk
            sent += len(chunk)
    return stream


def chunked_json(value: object, size: int = 65_536) -> Callable[[], Iterator[bytes]]:
    data = js(value)
    return lambda: (data[i:i + size] for i in range(0, len(data), size))


def nested(depth: int, open_: bytes = b"[", close: bytes = b"]", inner: bytes = b"") -> bytes:
    return open_ * depth + inner + close * depth


@dataclass(frozen=True)
class Hostile:
    body: bytes | Callable[[], Iterator[bytes]] | None
    expect: dict[int, str | None]          # allowed status → error code (None: a scored 200)
    path: str = "/v1/score"
    content_type: str | None = "application/json"
    headers: dict[str, str] = field(default_factory=dict)
    method: str = "POST"


EMOJI = "😀"
MILLION_EMOJI = EMOJI * 1_000_000
BATCH_OVER = {"messages": [{"id": i, "text": "hoi"} for i in range(API_DEFAULTS["max_batch"] + 1)]}
TINY_MESSAGES = {"messages": [{"id": 1, "text": "a"}] * 120_000}  # about 2.4 MB of tiny messages
CONTEXT_OVER = one("kom op snap", context=[{"speaker": "a", "text": "hoi"}] * (API_DEFAULTS["max_context_turns"] + 1))
CONTROLS = "".join(chr(c) for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)])

HOSTILE = {
    # -- size ------------------------------------------------------------------------------------
    "body-over-limit-content-length": Hostile(b"x" * (MAX_BODY + 1), {413: "body_too_large"}),
    "json-over-limit-content-length": Hostile(js(one("a" * (MAX_BODY + 10))), {413: "body_too_large"}),
    "body-over-limit-chunked": Hostile(chunked(MAX_BODY + 65_536), {413: "body_too_large"}),
    "json-over-limit-chunked": Hostile(chunked_json(one("a" * (MAX_BODY + 10))), {413: "body_too_large"}),
    "million-emoji-utf8": Hostile(raw_utf8(one(MILLION_EMOJI)), {413: "body_too_large", 422: "limit_exceeded"}),
    "million-emoji-escaped-chunked": Hostile(chunked_json(one(MILLION_EMOJI)),
                                             {413: "body_too_large", 422: "limit_exceeded"}),
    "100k-char-text": Hostile(js(one("a" * 100_000)), {422: "limit_exceeded"}),
    "100k-emoji-text": Hostile(raw_utf8(one(EMOJI * 100_000)), {422: "limit_exceeded"}),
    "text-one-over-the-limit": Hostile(js(one("a" * (MAX_TEXT + 1))), {422: "limit_exceeded"}),
    "text-exactly-at-the-limit": Hostile(js(one("je " * (MAX_TEXT // 3) + "a" * (MAX_TEXT % 3))), OK),
    "100k-char-context-turn": Hostile(js(one("hoi", context=[{"speaker": "a", "text": "b" * 100_000}])),
                                      {422: "limit_exceeded"}),
    "100k-char-id": Hostile(js({"messages": [{"id": "i" * 100_000, "text": "hoi"}]}), {200: None, 422: None}),
    "100k-char-speaker": Hostile(js(conversation("hoi", speaker="s" * 100_000)), {200: None, 422: None},
                                 "/v1/conversations/score"),
    "batch-over-the-limit": Hostile(js(BATCH_OVER), {422: "limit_exceeded"}),
    "120k-tiny-messages": Hostile(js(TINY_MESSAGES), {413: "body_too_large", 422: "limit_exceeded"}),
    "context-over-the-limit": Hostile(js(CONTEXT_OVER), {422: "limit_exceeded"}),
    "conversation-over-the-limit": Hostile(js(conversation(*["hoi"] * (API_DEFAULTS["max_turns"] + 1))),
                                           {422: "limit_exceeded"}, "/v1/conversations/score"),
    # -- JSON syntax and encoding -----------------------------------------------------------------
    "nested-arrays-10k": Hostile(nested(10_000), {400: "bad_request"}),
    "nested-objects-10k": Hostile(nested(10_000, b'{"a":', b"}", b"1"), {400: "bad_request"}),
    "nested-inside-messages-10k": Hostile(b'{"messages":' + nested(10_000) + b"}", {400: "bad_request"}),
    "invalid-utf8": Hostile(b'{"messages": [{"id": "1", "text": "\xff\xfe\xfd"}]}', {400: "bad_request"}),
    "overlong-utf8-slash": Hostile(b'{"messages": [{"id": "1", "text": "\xc0\xaf"}]}', {400: "bad_request"}),
    # json.loads decodes bytes with "surrogatepass": a UTF-8-encoded surrogate is read as a lone surrogate
    "utf8-encoded-surrogate": Hostile(b'{"messages": [{"id": "1", "text": "\xed\xa0\x80"}]}', {200: None, 400: None, 422: "validation_error"}),
    "utf16-body": Hostile('{"messages": [{"id": "1", "text": "hoi"}]}'.encode("utf-16"), {200: None, 400: None}),
    "utf8-bom": Hostile(b"\xef\xbb\xbf" + js(one("hoi")), {200: None, 400: None}),
    "truncated-json": Hostile(js(one("hoi"))[:-3], {400: "invalid_json"}),
    "trailing-garbage": Hostile(js(one("hoi")) + b" en nog wat", {400: "invalid_json"}),
    "nan-literal": Hostile(b'{"messages": [{"id": "1", "text": "hoi"}], "explain": NaN}', {422: "validation_error"}),
    "infinity-id": Hostile(b'{"messages": [{"id": Infinity, "text": "hoi"}]}', {422: "validation_error"}),
    "5000-digit-integer-id": Hostile(b'{"messages": [{"id": ' + b"9" * 5000 + b', "text": "hoi"}]}',
                                     {400: "bad_request"}),
    "4000-digit-integer-id": Hostile(b'{"messages": [{"id": ' + b"9" * 4000 + b', "text": "hoi"}]}', {422: "validation_error"}),  # ids are at most 256 characters
    "duplicate-keys": Hostile(b'{"messages": [{"id": "1", "text": ""}], "messages": [{"id": "2", "text": "hoi"}]}',
                              {200: None, 422: None}),
    # -- strange text -----------------------------------------------------------------------------
    "lone-high-surrogate-text": Hostile(js(one("\ud800 kom op snap")), OK),
    "lone-low-surrogate-text": Hostile(js(one("hoi \udfff")), OK),
    "reversed-surrogate-pair": Hostile(js(one("\udc00\ud800 stuur je foto")), OK),
    "lone-surrogate-id": Hostile(js({"messages": [{"id": "\ud800", "text": "hoi"}]}), {200: None, 422: None}),
    "lone-surrogate-speaker": Hostile(js(conversation("hoe oud ben je", speaker="\udfff")), {200: None, 422: None},
                                      "/v1/conversations/score"),
    "control-characters": Hostile(js(one(CONTROLS + " hoe oud ben je " + CONTROLS)), OK),
    "nul-bytes-in-text-and-id": Hostile(js({"messages": [{"id": "a\x00b", "text": "st\x00uur je f\x00oto"}]}), OK),
    "only-control-characters": Hostile(js(one(CONTROLS.replace("\t", "").replace("\n", "") + "\x00")),
                                       {200: None, 422: "empty_text"}),
    "only-zero-width": Hostile(js(one("\u200b\u2060\ufeff" * 100)), {200: None, 422: "empty_text"}),
    "only-unicode-spaces": Hostile(js(one("\u3000\u00a0\u2003\n\t ")), {422: "empty_text"}),
    "bidi-overrides": Hostile(js(one("\u202ekom op snap\u202c \u2066vertel het aan niemand\u2069")), OK),
    "combining-marks-pileup": Hostile(js(one("a" + "\u0301" * 4000)), OK),
    "emoji-at-the-limit": Hostile(raw_utf8(one("👨‍👩‍👧‍👦" * (MAX_TEXT // 7))), OK),
    # -- content types ----------------------------------------------------------------------------
    "text-plain": Hostile(js(one("hoi")), {415: "unsupported_media_type"}, content_type="text/plain"),
    "form-urlencoded": Hostile(b"messages=hoi", {415: "unsupported_media_type"},
                               content_type="application/x-www-form-urlencoded"),
    "multipart": Hostile(b"--b\r\n\r\nhoi\r\n--b--\r\n", {415: "unsupported_media_type"},
                         content_type="multipart/form-data; boundary=b"),
    "no-content-type": Hostile(js(one("hoi")), {415: "unsupported_media_type"}, content_type=None),
    "json-latin1-charset": Hostile('{"messages": [{"id": "1", "text": "één"}]}'.encode("latin-1"),
                                   {400: "bad_request"}, content_type="application/json; charset=latin-1"),
    "content-type-with-junk": Hostile(js(one("hoi")), {415: "unsupported_media_type"},
                                      content_type="application/jsonp"),
    # -- shape and types --------------------------------------------------------------------------
    "empty-body": Hostile(b"", {422: "validation_error"}),
    "whitespace-body": Hostile(b" \n\t ", {400: "invalid_json", 422: "validation_error"}),
    "null-body": Hostile(b"null", {422: "validation_error"}),
    "array-instead-of-object": Hostile(js([one("hoi")]), {422: "validation_error"}),
    "string-body": Hostile(js("hoe oud ben je"), {422: "validation_error"}),
    "messages-missing": Hostile(js({"explain": True}), {422: "validation_error"}),
    "messages-empty": Hostile(js({"messages": []}), {422: "validation_error"}),
    "messages-an-object": Hostile(js({"messages": {"id": "1", "text": "hoi"}}), {422: "validation_error"}),
    "message-a-string": Hostile(js({"messages": ["hoe oud ben je"]}), {422: "validation_error"}),
    "text-missing": Hostile(js({"messages": [{"id": "1"}]}), {422: "validation_error"}),
    "text-null": Hostile(js({"messages": [{"id": "1", "text": None}]}), {422: "validation_error"}),
    "text-a-number": Hostile(js({"messages": [{"id": "1", "text": 42}]}), {422: "validation_error"}),
    "text-an-array": Hostile(js({"messages": [{"id": "1", "text": ["hoi"]}]}), {422: "validation_error"}),
    "id-a-float": Hostile(js({"messages": [{"id": 1.5, "text": "hoi"}]}), {422: "validation_error"}),
    "id-a-bool": Hostile(js({"messages": [{"id": True, "text": "hoi"}]}), {422: "validation_error"}),
    "id-null": Hostile(js({"messages": [{"id": None, "text": "hoi"}]}), {422: "validation_error"}),
    "speaker-an-object": Hostile(js(one("hoi", context=[{"speaker": {"a": 1}, "text": "x"}])), {422: "validation_error"}),
    "explain-a-string": Hostile(js({**one("hoi"), "explain": "true"}), {422: "validation_error"}),
    "extra-top-level-field": Hostile(js({**one("hoi"), "contxt": []}), {422: "validation_error"}),
    "extra-message-field": Hostile(js(one("hoi", score=1.0)), {422: "validation_error"}),
    "proto-pollution-keys": Hostile(js({**one("hoi"), "__proto__": {"admin": True}, "constructor": {}}),
                                    {422: "validation_error"}),
    "turns-empty": Hostile(js({"id": "c", "turns": []}), {422: "validation_error"}, "/v1/conversations/score"),
    "conversation-id-an-object": Hostile(js({"id": {"x": 1}, "turns": [{"speaker": "a", "text": "hoi"}]}),
                                         {422: "validation_error"}, "/v1/conversations/score"),
    # -- headers and methods ----------------------------------------------------------------------
    "hostile-request-id": Hostile(js(one("hoi")), OK, headers={"X-Request-ID": "x" * 10_000 + "\t<script>"}),
    "content-length-not-a-number": Hostile(js(one("hoi")), {400: "bad_request"}, headers={"Content-Length": "12abc"}),
    "put-instead-of-post": Hostile(js(one("hoi")), {405: "method_not_allowed"}, method="PUT"),
}


def send(client, case: Hostile, path: str | None = None):
    headers = dict(case.headers)
    if case.content_type is not None:
        headers["Content-Type"] = case.content_type
    body = case.body() if callable(case.body) else case.body
    started = time.perf_counter()
    response = client.request(case.method, path or case.path, content=body, headers=headers)
    return response, time.perf_counter() - started


def check_answer(response, expect: dict[int, str | None], sent: bytes | None) -> None:
    assert response.status_code in expect, (response.status_code, response.text[:300])
    assert response.headers.get("X-Request-ID")
    body = response.json()
    if response.status_code != 200:
        assert set(body) == {"error"} and set(body["error"]) == {"code", "message", "field"}, body
        code = expect[response.status_code]
        assert code is None or body["error"]["code"] == code, body
        assert 0 < len(body["error"]["message"]) < 500, "a clear message that does not echo the request"
        return
    request = json.loads(sent) if isinstance(sent, bytes) else None
    if isinstance(request, dict) and "messages" in request:
        assert len(body["results"]) == len(request["messages"])
        for message, result in zip(request["messages"], body["results"]):
            for span in result["tactics"]:
                assert 0 <= span["start"] < span["end"] <= len(message["text"])
            assert all(0.0 <= v <= 1.0 for v in result["category_scores"].values())
    else:
        assert "model" in body


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_request(client, name):
    case = HOSTILE[name]
    response, seconds = send(client, case)
    assert seconds < SECONDS, f"{name} took {seconds:.1f}s"
    check_answer(response, case.expect, case.body if isinstance(case.body, bytes) else None)


def test_a_lone_surrogate_id_comes_back_as_it_was_sent(client):
    response = client.post("/v1/score", content=js({"messages": [{"id": "a\ud800b", "text": "hoi"}]}),
                           headers={"Content-Type": "application/json"})
    assert response.status_code in (200, 422), response.text
    if response.status_code == 200:
        assert b'"id":"a\\ud800b"' in response.content
        assert json.loads(response.content)["results"][0]["id"] == "a\ud800b"


# -- ReDoS: an adversarial message at the text limit for every regex --------------------------------

def _vocabulary(regex: str) -> list[str]:
    """The literal words of a regex (escapes, character classes and lookarounds removed)."""
    plain = re.sub(r"\(\?<?[=!][^)]*\)", " ", regex)
    plain = re.sub(r"\[[^\]]*\]", " ", re.sub(r"\\.", " ", plain))
    return re.findall(r"[a-zë]{2,}", plain)


def fill(runs: list[str], limit: int) -> str:
    """Each run repeated over an equal share of ``limit`` characters, exactly ``limit`` in all."""
    shares = [limit // len(runs) + (k < limit % len(runs)) for k in range(len(runs))]
    return "".join((run * (share // len(run) + 1))[:share] for run, share in zip(runs, shares))


def adversarial(regex: str, limit: int = MAX_TEXT) -> str:
    """Three runs, a third of the limit each: the regex's first word followed by many short words
    (what ``(?:\\w+ ){0,n}`` gaps backtrack over), all of its words in a row (many partial matches,
    none complete), and its first word over and over."""
    words = _vocabulary(regex) or ["a"]
    return fill([f"{words[0]} " + "je " * 6, " ".join(words) + " ", f"{words[0]} "], limit)


MASK_RUNS = {  # what each mask's regex could stumble over
    "xurlx": ["www.", "a.com/", "https://a", "a-"],
    "xemailx": ["a.", "a@a.", "a@", "%+-"],
    "xhandlex": ["@a", "@a.", "@@", "a@a"],
    "xphonex": ["06 ", "+31 ", "0031-(0)", "1 ", "0"],
    "xmoneyx": ["€1.", "1,1", "1.111 ", "$ ", "tien "],
    "xtimex": ["12:", "1h ", "om 1 ", "23.5"],
    "xdurationx": ["12 ", "1 min", "999 "],
    "xagex": ["ik ben 1", "14 jaar ", "ben je 1", "im ", "kben 1", "zijde 1", "are you 1", "ik ben 15 k"],
    "xnumx": ["0", "1a", "12 "],
}




GENERIC_RUNS = ["je ", "a ", "foto ", "0", "@a", ". ", "a", "ik ", "jij bent ", "stuur je ", "xmoneyx ", "1.", "! "]

CUES = parse_patterns(packaged_text(CUES_FILE), None, "cues")

REDOS = (
    [pytest.param(adversarial(p.regex), id=f"{tactic}:{p.name}") for tactic, rows in load_patterns().items()
     for p in rows]
    + [pytest.param(adversarial(p.regex), id=f"cue:{group}:{p.name}") for group, rows in CUES.items() for p in rows]
    + [pytest.param(fill(MASK_RUNS[name], MAX_TEXT), id=f"mask:{name}") for name, _ in MASKS]
    + [pytest.param(fill([run], MAX_TEXT), id=f"run:{run!r}") for run in GENERIC_RUNS]
)


def test_every_regex_has_an_adversarial_message():
    assert len(REDOS) == (sum(len(rows) for rows in load_patterns().values())
                          + sum(len(rows) for rows in CUES.values()) + len(MASKS) + len(GENERIC_RUNS))
    assert set(MASK_RUNS) == {name for name, _ in MASKS}


@pytest.mark.parametrize("text", REDOS)
def test_adversarial_message_at_the_text_limit(client, text):
    assert len(text) == MAX_TEXT
    body = js({"messages": [{"id": "r", "text": text, "context": [{"speaker": "a", "text": text}]}], "explain": True})
    started = time.perf_counter()
    response = client.post("/v1/score", content=body, headers={"Content-Type": "application/json"})
    seconds = time.perf_counter() - started
    assert seconds < SECONDS, f"{seconds:.1f}s"
    check_answer(response, OK, body)


def test_a_long_run_of_symbols_is_scored_as_fast_as_a_long_word(client):
    timings = {}
    for name, text in (("word", "a" * 3000), ("symbols", "€" * 3000)):
        started = time.perf_counter()
        assert client.post("/v1/score", json=one(text)).status_code == 200
        timings[name] = time.perf_counter() - started
    assert timings["symbols"] < max(0.25, 5 * timings["word"]), timings


# -- after all of it --------------------------------------------------------------------------------

def test_the_worker_survived_the_tables(client):
    """Runs last in this module (same client): still alive, still scoring, and not one 5xx."""
    assert client.get("/healthz").status_code == 200
    assert client.get("/readyz").status_code == 200
    response = client.post("/v1/score", json={"messages": [{"id": "n", "text": "hoe laat ben je thuis?"}]})
    assert response.status_code == 200 and response.json()["results"][0]["id"] == "n"
    metrics = client.get("/metrics").text
    assert not re.search(r'signals_http_requests_total\{[^}]*status="5\d\d"', metrics), "no request got a 5xx"
    assert re.search(r'signals_http_requests_total\{[^}]*status="413"', metrics)
