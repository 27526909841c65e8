"""Small requests while a cap-size hostile batch is scored, against a real ``signals serve`` on
127.0.0.1: the one-message latency before and during the batch.

    .venv/bin/python -m benchmarks.fairness --model models/signals-nl-0.2.0

The batch has the most messages a request may hold (``SIGNALS_MAX_BATCH``, 256). ``hostile`` fills
the body limit with text that is slow per byte: ``U+FDFA`` (18 characters after NFKC), emoji the normaliser
spells out as words, and long runs of one symbol, each message just under the text limit when
counted after NFKC; ``plain`` is ordinary Dutch at the text limit. While it is scored, one client sends one-message requests back to back. The
report (JSON) gives p50/p95/p99/max of those requests when the server is idle and while the batch
runs, how many were answered during the batch, the slowest against the batch's own time, and the
batch's status (200, or 503 when it ran over its time budget). It is a measurement, not a test
(``tests/security/test_fairness_server.py`` asserts only that no request waited for the whole batch).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import HOST, free_port, serve_command, stop, wait_ready

BATCH = 256
BODY_BYTES = 2_000_000
# Hostile kinds (text for one message), each under 5,000 characters after NFKC and under an equal
# share of the body limit as UTF-8.
KINDS = {
    "fdfa": "\ufdfa" * 277,                 # 831 bytes, 4,986 characters after NFKC
    "emoji_words": "\U0001f4b3" * 1_900,    # 7,600 bytes; the normaliser spells each one out as a word
    "symbol_run": "\u20ac" * 2_500,         # 7,500 bytes; one token of 2,500 symbols
    "emoji_mixed": "\U0001f4b3\U0001f4b0" * 950,   # 7,600 bytes; two word emoji in turn (no run of one)
    "emoji_letters": "\U0001f4b3a" * 1_500,  # 7,500 bytes; word emoji between letters
}
PLAIN = ("hoe oud ben je eigenlijk? we eten om zes uur, kom je op tijd thuis? " * 80)[:5_000]
SMALL = {"messages": [{"id": "klein", "text": "hoe oud ben je eigenlijk?"}]}


def cap_batch(kind: str) -> dict:
    """256 messages: ``hostile`` cycles through ``KINDS``; ``plain`` is ordinary Dutch at the text limit."""
    texts = list(KINDS.values()) if kind == "hostile" else [PLAIN]
    body = {"messages": [{"id": f"zwaar-{i}", "text": texts[i % len(texts)]} for i in range(BATCH)], "explain": True}
    assert len(json.dumps(body, ensure_ascii=False).encode()) < BODY_BYTES
    return body


def _percentiles(latencies: list[float]) -> dict | None:
    if not latencies:
        return None
    ms = np.array(latencies) * 1000
    return {"count": len(ms), "p50_ms": round(float(np.percentile(ms, 50)), 1),
            "p95_ms": round(float(np.percentile(ms, 95)), 1), "p99_ms": round(float(np.percentile(ms, 99)), 1),
            "max_ms": round(float(ms.max()), 1)}


def drive(base_url: str, kind: str = "hostile", idle_requests: int = 50, timeout: float = 180.0) -> dict:
    """Idle latency, then the cap-size batch in a thread and small requests until it is answered."""
    import httpx

    with httpx.Client(base_url=base_url, trust_env=False, timeout=60.0) as client:
        idle = []
        for _ in range(idle_requests):
            began = time.perf_counter()
            assert client.post("/v1/score", json=SMALL).status_code == 200
            idle.append(time.perf_counter() - began)
        heavy: dict = {}

        def send_batch() -> None:
            with httpx.Client(base_url=base_url, trust_env=False, timeout=timeout) as own:
                began = time.perf_counter()
                response = own.post("/v1/score", json=cap_batch(kind))
                heavy.update(status=response.status_code, seconds=round(time.perf_counter() - began, 2),
                             code=response.json().get("error", {}).get("code") if response.status_code != 200 else None)

        thread = threading.Thread(target=send_batch)
        thread.start()
        time.sleep(0.2)                                  # the batch is in and being scored
        during, statuses = [], []
        deadline = time.monotonic() + timeout
        while thread.is_alive() and time.monotonic() < deadline:
            began = time.perf_counter()
            statuses.append(client.post("/v1/score", json=SMALL).status_code)
            during.append(time.perf_counter() - began)
        thread.join(timeout=max(0.0, deadline - time.monotonic()))
    return {"batch": {"kind": kind, "messages": BATCH, "texts": list(KINDS) if kind == "hostile" else ["plain"],
                      **heavy}, "idle": _percentiles(idle),
            "during_batch": _percentiles(during), "small_statuses": sorted(set(statuses)),
            "slowest_small_vs_batch": round(max(during) / heavy["seconds"], 3) if during and heavy else None}


def run(model_dir: Path, kind: str = "hostile", extra_env: dict[str, str] | None = None) -> dict:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    env.update(extra_env or {}, PYTHONUNBUFFERED="1")
    with tempfile.TemporaryDirectory(prefix="signals-bench-fair-") as tmp, \
            open(Path(tmp) / "serve.log", "w", encoding="utf-8") as log:
        server = subprocess.Popen(serve_command(model_dir, port), cwd=tmp, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(server, f"http://{HOST}:{port}")
            return drive(f"http://{HOST}:{port}", kind)
        finally:
            stop(server)


def loop_batches(model_dir: Path, repeats: int = 5) -> dict:
    """How long the event loop is busy with the biggest micro-batch it scores itself: for each kind
    (the hostile ones, plain Dutch, and 64 one-word messages: documents, not characters), messages
    cut to ``SIGNALS_INLINE_CHARS`` characters and ``SIGNALS_CHUNK_MESSAGES`` documents in all, scored
    in one call; the slowest of ``repeats`` in ms."""
    from signals.service import Message, ScoringService
    from signals.settings import Settings
    from signals.sizes import text_size

    settings = Settings(_env_file=None)
    service = ScoringService.load(model_dir)
    service.score_messages([Message("warm", "hoi")])
    texts = {**KINDS, "plain": PLAIN, "one_word": "hoi"}
    out = {}
    for kind, text in texts.items():
        messages: list[Message] = []
        chars = 0
        while len(messages) < settings.chunk_messages:
            piece = text
            while piece and text_size(piece, settings.max_text_chars) > settings.inline_chars - chars:
                piece = piece[: len(piece) // 2]
            if not piece:
                break
            messages.append(Message(f"{kind}-{len(messages)}", piece))
            chars += text_size(piece, settings.max_text_chars)
        worst = 0.0
        for _ in range(repeats):
            started = time.perf_counter()
            service.score_messages(messages)
            worst = max(worst, time.perf_counter() - started)
        out[kind] = {"messages": len(messages), "characters": chars, "worst_ms": round(worst * 1000, 1)}
    return {"inline_chars": settings.inline_chars, "max_documents": settings.chunk_messages, "kinds": out}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.fairness", description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--batch", choices=["hostile", "plain", "both"], default="both")
    parser.add_argument("--loop-batches", action="store_true",
                        help="instead: how long the loop is busy with the biggest batch it scores itself")
    args = parser.parse_args(argv)
    if args.loop_batches:
        print(json.dumps(loop_batches(args.model), indent=2))
        return 0
    kinds = ["hostile", "plain"] if args.batch == "both" else [args.batch]
    print(json.dumps([run(args.model, kind) for kind in kinds], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
