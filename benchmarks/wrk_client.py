"""One load level driven by ``wrk`` (a C load generator) instead of the Python client.

A Python client spends more CPU per request than the server it measures (on 2 cores the httpx client
tops out near 600 req/s against a no-op app that answers 4,600 req/s to wrk), so its ratios say more
about the client than the server. ``wrk`` is used when it is on PATH (``make bench`` installs Debian's
``wrk`` when missing); otherwise ``benchmarks.load`` falls back to httpx and says so in the report.

The request bodies are written one per line to a temporary file; a small Lua script reads them and
posts them in turn, and prints one JSON line with the counts and latency percentiles when the level
ends. wrk counts a non-2xx answer as a ``status`` error; connection, read, write and timeout errors are
counted too. Only the loopback URL given by the caller is used.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import tempfile
from pathlib import Path

SCRIPT = r"""
local bodies = {}
for line in io.lines(os.getenv("SIGNALS_WRK_BODIES")) do bodies[#bodies + 1] = line end
local headers = {["Content-Type"] = "application/json"}
local counter = 0

function setup(thread)
  thread:set("offset", math.random(1, #bodies))
end

function request()
  counter = counter + 1
  local k = ((offset or 1) + counter) % #bodies + 1
  return wrk.format("POST", "/v1/score", headers, bodies[k])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write("SIGNALS_WRK ", string.format(
    '{"requests": %d, "duration_us": %d, "connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, '
    .. '"p50_us": %d, "p95_us": %d, "p99_us": %d}\n',
    summary.requests, summary.duration, e.connect, e.read, e.write, e.status, e.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def available() -> bool:
    return shutil.which("wrk") is not None


def run_level(base_url: str, bodies: list[dict], concurrency: int, seconds: float) -> dict:
    """The same fields as ``benchmarks.load.run_level``; raises RuntimeError when wrk fails."""
    import os

    with tempfile.TemporaryDirectory(prefix="signals-wrk-") as tmp:
        body_file, script = Path(tmp) / "bodies.jsonl", Path(tmp) / "post.lua"
        body_file.write_text("".join(json.dumps(b, ensure_ascii=False) + "\n" for b in bodies), encoding="utf-8")
        script.write_text(SCRIPT, encoding="utf-8")
        threads = max(1, min(2, concurrency))
        command = ["wrk", f"-t{threads}", f"-c{concurrency}", f"-d{max(1, round(seconds))}s", "--timeout", "30s",
                   "-s", str(script), base_url]
        done = subprocess.run(command, check=False, capture_output=True, text=True, timeout=seconds + 60,
                              env=dict(os.environ, SIGNALS_WRK_BODIES=str(body_file)))
    line = next((ln for ln in done.stdout.splitlines() if ln.startswith("SIGNALS_WRK ")), None)
    if done.returncode != 0 or line is None:
        raise RuntimeError(f"wrk failed (exit {done.returncode}): {(done.stderr or done.stdout)[-300:]}")
    stats = json.loads(line.split(" ", 1)[1])
    errors = {kind: stats[kind] for kind in ("connect", "read", "write", "status", "timeout") if stats[kind]}
    ok = stats["requests"] - stats["status"]
    elapsed = stats["duration_us"] / 1e6
    size = len(bodies[0]["messages"])
    return {
        "concurrency": concurrency, "batch": size, "seconds": round(elapsed, 2), "requests": ok,
        "requests_per_s": round(ok / elapsed, 1), "messages_per_s": round(size * ok / elapsed, 1),
        "p50_ms": round(stats["p50_us"] / 1000, 1), "p95_ms": round(stats["p95_us"] / 1000, 1),
        "p99_ms": round(stats["p99_us"] / 1000, 1), "errors": sum(errors.values()), "error_kinds": errors,
    }
