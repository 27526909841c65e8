"""Soak test: ``signals serve`` under steady mixed traffic for a bounded time, watching for errors,
latency drift and memory growth.

    .venv/bin/python -m benchmarks.soak                                  # default model, 300 s, c = 1, 8, 32
    .venv/bin/python -m benchmarks.soak --model DIR --seconds 20 --concurrency 1,8 --out soak.json

The server runs in its own process on 127.0.0.1 (a free port; never another address), started with
``SIGNALS_MODEL_DIR`` pointing at ``--model`` and without API or admin keys. The time budget is split
evenly over the concurrency levels; in each level that many asyncio workers (one httpx client) send
requests back to back: mostly single messages (some with context turns), some batches of 8-32 and
some conversations, with and without ``explain``. An error is any exception, any non-200 status, or a
200 whose results do not match the request. The server's RSS (with its children, psutil) is sampled
all along; start, middle and end are reported. Every loop is bounded by the deadline, every request
by a timeout, and the server is stopped at the end whatever happens.

The report is JSON on stdout (and in ``--out``); progress goes to stderr. Exit code 0 when every
request succeeded, 1 otherwise (or when the server could not start). It is a script, not a test.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `python benchmarks/soak.py` as well as `python -m benchmarks.soak`
    sys.path.insert(0, str(ROOT))

from benchmarks.load import HOST, free_port, serve_command, stop, tree_rss_mb, wait_ready
from signals.errors import ModelNotFoundError
from signals.settings import load_settings

DEFAULT_SECONDS = 300.0
DEFAULT_CONCURRENCY = (1, 8, 32)
REQUEST_TIMEOUT = 60.0
RSS_INTERVAL = 2.0
SEED = 20_241

# Everyday chat and prevention-leaflet-level signals (no explicit content), so every route is hit.
TEXTS = [
    "hoe laat ben je thuis? we eten om zes uur",
    "heb je het huiswerk van wiskunde al af?",
    "morgen training om 7 uur, neem je bidon mee",
    "haha die video was echt te grappig 😂",
    "wat is je snap? dan stuur ik de foto's van het schoolreisje",
    "hoe oud ben je geworden? gefeliciteerd!",
    "zullen we zaterdag naar de film gaan met z'n allen?",
    "jij bent echt anders dan de rest, alleen ik snap jou",
    "vertel het aan niemand he, kom op snap",
    "ik regel wel een nieuwe telefoon voor je",
    "makkelijk geld verdienen, alleen een beetje gezellig doen",
    "stuur die foto's of ik zet ze online, je hebt een uur",
    "iemand dreigt mijn foto's door te sturen als ik niet betaal, wat moet ik doen?",
    "mijn vriendin wordt onder druk gezet door een oudere jongen, hoe kan ik haar helpen?",
    "Weet jij hoe je een loverboy herkent? Er was een voorlichting op school.",
    "kun je me om 5 uur ophalen bij het station? mama",
    "zijn je ouders thuis? ik kom even langs",
    "ff w8 ik ben zo terug",
    "wie heeft de oplader van mijn laptop gezien?",
    "see you tomorrow at practice, bring your ball",
]
SPEAKERS = ["u-1", "u-2", "u-3"]


def parse_concurrency(value: str) -> tuple[int, ...]:
    levels = tuple(int(part) for part in value.split(",") if part.strip())
    if not levels or any(level < 1 or level > 512 for level in levels):
        raise argparse.ArgumentTypeError("a comma-separated list of levels between 1 and 512, e.g. 1,8,32")
    return levels


def make_request(rng: random.Random, k: int) -> tuple[str, dict, int]:
    """(path, body, number of results expected) for one request of the mix."""
    roll = rng.random()
    if roll < 0.10:
        turns = [{"speaker": rng.choice(SPEAKERS), "text": rng.choice(TEXTS)} for _ in range(rng.randint(4, 12))]
        return "/v1/conversations/score", {"id": f"c-{k}", "turns": turns}, len(turns)
    size = rng.randint(8, 32) if roll < 0.30 else 1
    messages = []
    for i in range(size):
        message: dict[str, object] = {"id": f"m-{k}-{i}", "text": rng.choice(TEXTS)}
        if rng.random() < 0.3:
            message["context"] = [{"speaker": rng.choice(SPEAKERS), "text": rng.choice(TEXTS)}
                                  for _ in range(rng.randint(1, 5))]
        messages.append(message)
    return "/v1/score", {"messages": messages, "explain": rng.random() < 0.5}, size


def answer_ok(path: str, body: dict, expected: int) -> bool:
    if path == "/v1/conversations/score":
        return len(body.get("turns", [])) == expected and "label" in body
    return len(body.get("results", [])) == expected


def percentile(values: list[float], q: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * q / 100
    low, high = int(rank), min(int(rank) + 1, len(ordered) - 1)
    return round((ordered[low] + (ordered[high] - ordered[low]) * (rank - low)) * 1000, 1)


async def run_level(base_url: str, concurrency: int, seconds: float, seed: int) -> dict:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    messages = 0
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def worker(index: int) -> None:
            nonlocal messages
            rng = random.Random(f"{seed}:{concurrency}:{index}")
            k = 0
            while time.perf_counter() < deadline:
                path, body, expected = make_request(rng, k)
                k += 1
                sent = time.perf_counter()
                try:
                    response = await client.post(path, json=body)
                    if response.status_code != 200:
                        reason = f"status {response.status_code}"
                    else:
                        reason = "ok" if answer_ok(path, response.json(), expected) else "shape"
                except (httpx.HTTPError, ValueError) as exc:
                    reason = type(exc).__name__
                if reason == "ok":
                    latencies.append(time.perf_counter() - sent)
                    messages += expected
                else:
                    errors[reason] = errors.get(reason, 0) + 1

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - start
    return {
        "concurrency": concurrency, "seconds": round(elapsed, 1), "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1), "messages_per_s": round(messages / elapsed, 1),
        "p50_ms": percentile(latencies, 50), "p95_ms": percentile(latencies, 95), "p99_ms": percentile(latencies, 99),
        "errors": sum(errors.values()), "error_kinds": errors,
    }


async def sample_rss(pid: int, started: float, samples: list[tuple[float, float | None]], stop_event: asyncio.Event,
                     interval: float) -> None:
    while not stop_event.is_set():
        samples.append((round(time.perf_counter() - started, 1), tree_rss_mb(pid)))
        try:
            await asyncio.wait_for(stop_event.wait(), timeout=interval)
        except asyncio.TimeoutError:
            pass


async def soak(base_url: str, pid: int, seconds: float, levels: tuple[int, ...], log) -> dict:
    samples: list[tuple[float, float | None]] = []
    stop_event = asyncio.Event()
    started = time.perf_counter()
    sampler = asyncio.create_task(sample_rss(pid, started, samples, stop_event, min(RSS_INTERVAL, seconds / 10)))
    results = []
    try:
        for level in levels:
            result = await run_level(base_url, level, seconds / len(levels), SEED)
            results.append(result)
            log(f"soak: c={level:<3d} {result['requests']:7d} requests {result['requests_per_s']:7.1f}/s  "
                f"p50 {result['p50_ms']} ms  p95 {result['p95_ms']} ms  p99 {result['p99_ms']} ms  "
                f"errors {result['errors']}  rss {tree_rss_mb(pid)} MB")
    finally:
        stop_event.set()
        await sampler
    samples.append((round(time.perf_counter() - started, 1), tree_rss_mb(pid)))
    middle = min(samples, key=lambda sample: abs(sample[0] - samples[-1][0] / 2))
    known = [mb for _, mb in samples if mb is not None]
    rss = {"start": samples[0][1], "middle": middle[1], "end": samples[-1][1],
           "max": max(known) if known else None,
           "growth": round(samples[-1][1] - samples[0][1], 1) if samples[0][1] and samples[-1][1] else None,
           "samples": [list(sample) for sample in samples]}
    return {"levels": results, "server_rss_mb": rss}


def run_soak(model_dir: Path, seconds: float, levels: tuple[int, ...], log=print) -> dict:
    import httpx

    port = free_port()
    base_url = f"http://{HOST}:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    env.update(SIGNALS_MODEL_DIR=str(Path(model_dir).resolve()), PYTHONUNBUFFERED="1")
    command = serve_command(model_dir, port)
    report: dict = {"host": HOST, "model": str(model_dir), "seconds": seconds, "concurrency": list(levels),
                    "mix": "70% one message (30% of messages with 1-5 context turns), 20% batches of 8-32, "
                           "10% conversations of 4-12 turns; explain on half of the /v1/score requests"}
    with tempfile.TemporaryDirectory(prefix="signals-soak-") as tmp:
        server_log = Path(tmp) / "serve.log"
        with open(server_log, "w", encoding="utf-8") as log_file:  # a file: an unread pipe would stall the server
            log(f"soak: starting {' '.join(command[-7:])} on {base_url}")
            server = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT)
            try:
                report["ready_seconds"] = round(wait_ready(server, base_url), 2)
                report.update(asyncio.run(soak(base_url, server.pid, seconds, levels, log)))
                report["server_alive"] = server.poll() is None
            except (RuntimeError, OSError, httpx.HTTPError) as exc:
                report["error"] = f"{type(exc).__name__}: {exc}"
            finally:
                stop(server)
                report["server_exit_code"] = server.returncode
        lines = server_log.read_text(encoding="utf-8", errors="replace").splitlines()
        events = [json.loads(line) for line in lines if line.startswith("{")]
        report["server_error_lines"] = sum(1 for event in events if event.get("level") in ("error", "critical"))
        if "error" in report or report["server_error_lines"]:
            report["server_log_tail"] = [line for line in lines if "/readyz" not in line][-10:]
    levels_run = report.get("levels", [])
    report["requests_total"] = sum(level["requests"] for level in levels_run)
    report["errors_total"] = sum(level["errors"] for level in levels_run)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.soak", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None,
                        help="trained model directory (default: $SIGNALS_MODEL, else the default model in ./models)")
    parser.add_argument("--seconds", type=float, default=DEFAULT_SECONDS,
                        help=f"total time under load, split over the levels (default {DEFAULT_SECONDS:.0f})")
    parser.add_argument("--concurrency", type=parse_concurrency, default=DEFAULT_CONCURRENCY,
                        help="comma-separated concurrency levels, run one after the other (default 1,8,32)")
    parser.add_argument("--out", type=Path, default=None, help="also write the JSON report here")
    args = parser.parse_args(argv)
    if not 1 <= args.seconds <= 24 * 3600:
        parser.error("--seconds must be between 1 and 86400")
    if args.model is None:
        try:
            args.model = load_settings().require_model_dir()
        except ModelNotFoundError as exc:
            parser.error(exc.message)
    if not (args.model / "manifest.json").is_file():
        parser.error(f"no trained model at {args.model} (missing manifest.json)")

    report = run_soak(args.model, args.seconds, args.concurrency, log=lambda line: print(line, file=sys.stderr))
    text = json.dumps(report, indent=2, ensure_ascii=False)
    print(text)
    if args.out is not None:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")
    failed = "error" in report or report["errors_total"] or not report.get("server_alive", False)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
