"""Slow request bodies against a real ``signals serve`` on 127.0.0.1: what they cost the server in
memory and how soon they are closed.

    .venv/bin/python -m benchmarks.connections --model models/signals-nl-0.1.0 [--connections 100]

Two scenarios, each with its own server (loopback only, a free port, stopped at the end):

- ``unauthenticated``: API keys are set; every connection declares a body of 2 MB minus one byte,
  sends 64 KB of it without a key and then trickles a byte at a time. The key gate answers 401
  from the headers, so nothing is buffered and the connection is closed at once.
- ``open_api``: no keys; every connection sends about 1 MB of its declared 2 MB and then trickles.
  The body read timeout (``SIGNALS_BODY_TIMEOUT``) answers 408 and closes; the bytes held by all
  requests at once are bounded (``SIGNALS_MAX_BUFFERED_BYTES``, 503 ``busy`` past it).
- ``disconnects``: no keys; every connection declares 100 KB, sends 1,000 bytes and hangs up. The
  server's own ``/metrics`` must count them as 499, never as 500.

For each: the statuses, how many connections the server closed and how long after they opened
(median, max), the statuses the server's ``/metrics`` counted, and the server's RSS before, at the peak (sampled every 0.2 s) and after. It prints
JSON; it is a measurement, not a test (``tests/security/test_connections.py`` asserts structure).
Every loop is bounded by ``--seconds``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from benchmarks.load import HOST, free_port, serve_command, stop, tree_rss_mb, wait_ready

API_KEY = "bench-sleutel-3c9d"
DECLARED = 2_000_000 - 1
SCENARIOS = {
    # name: (server environment, bytes sent before trickling; 0: send 1,000 bytes, then hang up)
    "unauthenticated": ({"SIGNALS_API_KEYS": API_KEY}, 64 * 1024),
    "open_api": ({"SIGNALS_API_KEYS": ""}, 1_000_000),
    "disconnects": ({"SIGNALS_API_KEYS": ""}, 0),
}


async def _slow_body(port: int, first_part: int, seconds: float) -> dict:
    """One connection: headers, ``first_part`` bytes, then a byte every 0.2 s until the server
    answers and closes, or ``seconds`` pass."""
    opened = time.monotonic()
    result: dict[str, object] = {"status": None, "closed": False, "closed_after_s": None}
    try:
        reader, writer = await asyncio.open_connection(HOST, port)
    except OSError as exc:
        result["status"] = f"connect failed: {type(exc).__name__}"
        return result
    declared = DECLARED if first_part else 100_000          # one that hangs up declares a small body
    head = (f"POST /v1/score HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/json\r\n"
            f"Content-Length: {declared}\r\n\r\n").encode()
    data = b""
    if first_part == 0:                      # a client that gives up mid-body
        writer.write(head + b"x" * 1_000)
        await writer.drain()
        await asyncio.sleep(0.2)
        writer.close()
        result["status"] = "hung up"
        return result
    try:
        writer.write(head + b"x" * first_part)
        await writer.drain()
        while time.monotonic() - opened < seconds:
            try:
                chunk = await asyncio.wait_for(reader.read(65536), timeout=0.2)
            except asyncio.TimeoutError:
                writer.write(b"x")
                await writer.drain()
                continue
            if not chunk:
                result["closed"] = True
                break
            data += chunk
    except (ConnectionError, OSError):
        result["closed"] = True          # reset by the server: closed too
        result["status"] = "reset"       # (its answer may be lost in the reset; /metrics has it)
    finally:
        writer.close()
    if result["closed"]:
        result["closed_after_s"] = round(time.monotonic() - opened, 3)
    if data.startswith(b"HTTP/1.1 "):
        result["status"] = int(data.split(b" ", 2)[1])   # the answer, when it was read before any reset
    return result


async def _drive(port: int, pid: int, connections: int, first_part: int, seconds: float) -> tuple[list[dict], float]:
    peak = 0.0

    async def sample() -> None:
        nonlocal peak
        while True:
            peak = max(peak, tree_rss_mb(pid) or 0.0)
            await asyncio.sleep(0.2)

    sampler = asyncio.create_task(sample())
    try:
        results = await asyncio.gather(*(_slow_body(port, first_part, seconds) for _ in range(connections)))
    finally:
        sampler.cancel()
    return list(results), peak


def _metrics_statuses(port: int) -> dict[str, float]:
    """Requests per status on POST /v1/score, from the server's own /metrics."""
    import httpx

    text = httpx.get(f"http://{HOST}:{port}/metrics", trust_env=False, timeout=10).text
    statuses: dict[str, float] = {}
    for line in text.splitlines():
        if line.startswith("signals_http_requests_total{") and 'handler="/v1/score"' in line:
            status = line.split('status="', 1)[1].split('"', 1)[0]
            statuses[status] = statuses.get(status, 0.0) + float(line.rsplit(" ", 1)[1])
    return statuses


def run_scenario(model_dir: Path, name: str, connections: int = 100, seconds: float = 30.0,
                 body_timeout: float = 3.0, max_buffered: int = 32_000_000) -> dict:
    """One scenario against a fresh server; the figures as a dict."""
    environment, first_part = SCENARIOS[name]
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    env.update(environment, SIGNALS_BODY_TIMEOUT=str(body_timeout), SIGNALS_MAX_BUFFERED_BYTES=str(max_buffered),
               PYTHONUNBUFFERED="1")
    report: dict = {"scenario": name, "connections": connections, "declared_body_bytes": DECLARED,
                    "sent_before_trickling": first_part, "body_timeout_s": body_timeout,
                    "max_buffered_bytes": max_buffered}
    with tempfile.TemporaryDirectory(prefix="signals-bench-conn-") as tmp, \
            open(Path(tmp) / "serve.log", "w", encoding="utf-8") as log:
        server = subprocess.Popen(serve_command(model_dir, port), cwd=tmp, env=env, stdout=log,
                                  stderr=subprocess.STDOUT)
        try:
            wait_ready(server, f"http://{HOST}:{port}")
            report["rss_before_mb"] = tree_rss_mb(server.pid)
            results, peak = asyncio.run(_drive(port, server.pid, connections, first_part, seconds))
            time.sleep(0.5)
            report["rss_peak_mb"] = peak
            report["rss_after_mb"] = tree_rss_mb(server.pid)
            report["server_alive"] = server.poll() is None
            report["metrics_statuses"] = _metrics_statuses(port)
        finally:
            stop(server)
    statuses: dict[str, int] = {}
    for result in results:
        statuses[str(result["status"])] = statuses.get(str(result["status"]), 0) + 1
    closed = [r["closed_after_s"] for r in results if r["closed"]]
    report.update(statuses=statuses, closed=len(closed),
                  closed_after_s={"median": statistics.median(closed), "max": max(closed)} if closed else None,
                  rss_growth_mb=round(report["rss_peak_mb"] - (report["rss_before_mb"] or 0.0), 1))
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.connections", description=__doc__.split("\n")[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--connections", type=int, default=100, choices=range(1, 501), metavar="N")
    parser.add_argument("--seconds", type=float, default=30.0, help="longest a connection is kept (default 30)")
    parser.add_argument("--body-timeout", type=float, default=3.0)
    args = parser.parse_args(argv)
    reports = [run_scenario(args.model, name, args.connections, args.seconds, args.body_timeout) for name in SCENARIOS]
    print(json.dumps(reports, indent=2))
    closed = all(r["closed"] == r["connections"] for r in reports if r["scenario"] != "disconnects")
    return 0 if closed and not any("500" in r["metrics_statuses"] for r in reports) else 1


if __name__ == "__main__":
    sys.exit(main())
