"""HTTP load (issue 11): ``signals serve`` in its own process on 127.0.0.1, next to a no-op FastAPI
app (``benchmarks.noop_app``) served the same way in a second process, both driven in the same run
by the same client: ``wrk`` when it is installed (``benchmarks.wrk_client``), else one asyncio httpx
client (which spends more CPU per request than the servers it measures: the report names the client).
On a machine with more than one core, ``signals serve --processes <cores>`` is measured as a third
server (levels ``score_procs``), to show how the API scales with processes; the targets are checked
on the one-process server against the one-process no-op app.

Levels (``LEVELS``): one message per request at concurrency 1, 4 and 16 on the no-op app, then on
``signals serve``: a first, "cold" level at concurrency 16 reported on its own (the server sat idle
meanwhile), one message at concurrency 16, batches of 32 at concurrency 16, one message at 4 and 1.
req/s(score) / req/s(no-op) compares numbers taken in the same run on the same machine. In each
level, workers post ``POST /v1/score`` back to back until the level's time budget is spent; every
loop is bounded by that deadline and a request cap, and both servers are stopped at the end
whatever happens. An error is any exception, any non-200 status or a 200 whose ``results`` do not
match the request. Only the loopback address is ever used.
"""

from __future__ import annotations

import asyncio
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

from benchmarks import wrk_client

HOST = "127.0.0.1"  # loopback only, never configurable
BATCH_SIZES = {"single": 1, "batch32": 32}
SECONDS_PER_LEVEL = 10.0
QUICK_SECONDS_PER_LEVEL = 2.5
MAX_REQUESTS_PER_LEVEL = 200_000
READY_TIMEOUT = 120.0
REQUEST_TIMEOUT = 30.0
ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def serve_command(model_dir: Path, port: int, processes: int = 1) -> list[str]:
    script = Path(sys.executable).with_name("signals")
    base = [str(script)] if script.is_file() else [sys.executable, "-m", "signals.cli"]
    return base + ["serve", "--host", HOST, "--port", str(port), "--model", str(Path(model_dir).resolve())] + (
        ["--processes", str(processes)] if processes > 1 else [])


def tree_rss_mb(pid: int) -> float | None:
    import psutil

    try:
        parent = psutil.Process(pid)
        return round(sum(p.memory_info().rss for p in [parent] + parent.children(recursive=True)) / 2**20, 1)
    except psutil.Error:
        return None


def wait_ready(server: subprocess.Popen, base_url: str, timeout: float = READY_TIMEOUT) -> float:
    import httpx

    start = time.perf_counter()
    with httpx.Client(base_url=base_url, trust_env=False, timeout=2.0) as client:
        while time.perf_counter() - start < timeout:
            if server.poll() is not None:
                raise RuntimeError(f"signals serve exited with {server.returncode} before it was ready")
            try:
                response = client.get("/readyz")
            except httpx.TransportError:
                response = None
            if response is not None and response.status_code == 200:
                return time.perf_counter() - start
            if response is not None and "failed" in response.text:  # start-up failed for good: no point waiting
                raise RuntimeError(f"signals serve is up but not ready: {response.text[:300]}")
            time.sleep(0.2)
    raise RuntimeError(f"signals serve was not ready within {timeout:.0f}s")


def payloads(texts: list[str], size: int, count: int = 64, seed: int = 11) -> list[dict]:
    rng = random.Random(f"{seed}:{size}")
    return [{"messages": [{"id": f"m{k}-{i}", "text": rng.choice(texts)} for i in range(size)]} for k in range(count)]


async def run_level(base_url: str, bodies: list[dict], concurrency: int, seconds: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors: dict[str, int] = {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(base_url=base_url, trust_env=False, timeout=REQUEST_TIMEOUT, limits=limits) as client:
        start = time.perf_counter()
        deadline = start + seconds

        async def worker(offset: int) -> None:
            k = offset
            while time.perf_counter() < deadline and len(latencies) + sum(errors.values()) < MAX_REQUESTS_PER_LEVEL:
                body = bodies[k % len(bodies)]
                k += concurrency
                sent = time.perf_counter()
                try:
                    response = await client.post("/v1/score", json=body)
                    ok = response.status_code == 200 and len(response.json().get("results", [])) == len(body["messages"])
                    reason = "ok" if ok else f"status {response.status_code}" if response.status_code != 200 else "shape"
                except (httpx.HTTPError, ValueError) as exc:
                    reason = exc.__class__.__name__
                if reason == "ok":
                    latencies.append(time.perf_counter() - sent)
                else:
                    errors[reason] = errors.get(reason, 0) + 1

        await asyncio.gather(*(worker(i) for i in range(concurrency)))
        elapsed = time.perf_counter() - start
    ms = np.array(latencies) * 1000
    size = len(bodies[0]["messages"])
    return {
        "concurrency": concurrency, "batch": size, "seconds": round(elapsed, 2), "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1), "messages_per_s": round(size * len(latencies) / elapsed, 1),
        "p50_ms": round(float(np.percentile(ms, 50)), 1) if len(ms) else None,
        "p95_ms": round(float(np.percentile(ms, 95)), 1) if len(ms) else None,
        "p99_ms": round(float(np.percentile(ms, 99)), 1) if len(ms) else None,
        "errors": sum(errors.values()), "error_kinds": errors,
    }


# (server, shape, concurrency, counted) in the order they run. The first score level comes after the
# score server sat idle through the no-op levels: it is reported as the cold start (first requests after
# a lull: caches and the allocator warm up again; the scoring threads and their pipelines were built when
# the model was served), not counted in the ratios. The concurrency-16 levels come right after it.
LEVELS = (("noop", "single", 1, True), ("noop", "single", 4, True), ("noop", "single", 16, True),
          ("score", "single", 16, False), ("score", "single", 16, True), ("score", "batch32", 16, True),
          ("score", "single", 4, True), ("score", "single", 1, True),
          ("score_procs", "single", 16, False), ("score_procs", "single", 16, True), ("score_procs", "batch32", 16, True))
# issue 11's "done when" for the API
TARGETS = {"ratio_to_noop_c16": 0.3, "p99_ms_c16": 25.0, "errors": 0, "batch32_messages_per_s": 5000.0}


def drive(servers: dict[str, tuple[subprocess.Popen, str]], texts: list[str], seconds: float, report: dict,
          log=print) -> None:
    for name, (server, url) in servers.items():
        report["ready_seconds"][name] = round(wait_ready(server, url), 2)
    score_server = servers["score"][0]
    report["server_rss_mb"] = {"ready": tree_rss_mb(score_server.pid)}
    report["server_threads"] = {"ready": threads(score_server.pid)}
    for name, (_, url) in servers.items():  # warm-up, not counted
        for size in BATCH_SIZES.values():
            asyncio.run(run_level(url, payloads(texts, size, 2), 1, 0.5))
    report["server_rss_mb"]["start"] = tree_rss_mb(score_server.pid)
    level_runner = wrk_client.run_level if report["client"] == "wrk" else lambda *a: asyncio.run(run_level(*a))
    for name, shape, concurrency, counted in LEVELS:
        if name not in servers:
            continue
        level = level_runner(servers[name][1], payloads(texts, BATCH_SIZES[shape]), concurrency, seconds)
        level.update(server=name, shape=shape, cold=not counted)
        report["levels"].append(level)
        log(f"load: {name:11s} {shape:8s} c={concurrency:<3d}{' (cold)' if not counted else ''} {level['requests_per_s']:8.1f} req/s  "
            f"p50 {level['p50_ms']} ms  p95 {level['p95_ms']} ms  p99 {level['p99_ms']} ms  errors {level['errors']}")
    report["server_rss_mb"]["end"] = tree_rss_mb(score_server.pid)
    report["server_threads"]["end"] = threads(score_server.pid)
    start, end = report["server_rss_mb"]["start"], report["server_rss_mb"]["end"]
    report["server_rss_mb"]["growth"] = round(end - start, 1) if start is not None and end is not None else None
    report["errors_total"] = sum(level["errors"] for level in report["levels"] if level["server"] == "score")
    summarise(report)


def threads(pid: int) -> int | None:
    import psutil

    try:
        return psutil.Process(pid).num_threads()
    except psutil.Error:
        return None


def summarise(report: dict) -> None:
    """Ratios score/no-op per concurrency, and issue 11's targets."""
    by = {(lv["server"], lv["shape"], lv["concurrency"]): lv for lv in report["levels"] if not lv.get("cold")}
    report["ratio_to_noop"] = {}
    for (server, shape, concurrency), level in by.items():
        noop = by.get(("noop", shape, concurrency))
        if server == "score" and noop and noop["requests_per_s"]:
            report["ratio_to_noop"][f"c{concurrency}"] = round(level["requests_per_s"] / noop["requests_per_s"], 3)
        if server == "score_procs" and shape == "single" and noop and noop["requests_per_s"]:
            report["ratio_to_noop"][f"processes_c{concurrency}"] = round(level["requests_per_s"] / noop["requests_per_s"], 3)
    c16, batch = by.get(("score", "single", 16)), by.get(("score", "batch32", 16))
    ratio = report["ratio_to_noop"].get("c16")
    report["meets"] = {
        "ratio_to_noop_c16": None if ratio is None else ratio >= TARGETS["ratio_to_noop_c16"],
        "p99_ms_c16": None if not c16 or c16["p99_ms"] is None else c16["p99_ms"] <= TARGETS["p99_ms_c16"],
        "errors": report["errors_total"] == TARGETS["errors"],
        "batch32_messages_per_s": None if not batch else batch["messages_per_s"] >= TARGETS["batch32_messages_per_s"],
    }


def stop(server: subprocess.Popen) -> None:
    server.terminate()
    try:
        server.wait(timeout=15)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def run_load(model_dir: Path, texts: list[str], quick: bool, log=print) -> dict:
    import httpx

    seconds = QUICK_SECONDS_PER_LEVEL if quick else SECONDS_PER_LEVEL
    # no API keys: the benchmark measures the unauthenticated scoring path
    env = dict(os.environ, SIGNALS_API_KEYS="", SIGNALS_ADMIN_KEYS="", PYTHONUNBUFFERED="1")
    cores = os.cpu_count() or 1
    ports = {"score": free_port(), "noop": free_port(), "score_procs": free_port()}
    commands = {"score": serve_command(model_dir, ports["score"]),
                "noop": [sys.executable, "-m", "benchmarks.noop_app", "--port", str(ports["noop"])]}
    if cores > 1:
        commands["score_procs"] = serve_command(model_dir, ports["score_procs"], processes=cores)
    report: dict = {"host": HOST, "seconds_per_level": seconds, "levels": [], "ready_seconds": {}, "targets": TARGETS,
                    "client": "wrk" if wrk_client.available() else "httpx", "cores": cores,
                    "workers_setting": os.environ.get("SIGNALS_WORKERS", "default"),
                    "commands": {name: " ".join(c[1:]) for name, c in commands.items()}}
    log(f"load: starting signals serve on port {ports['score']} and the no-op app on port {ports['noop']}")
    with tempfile.TemporaryDirectory(prefix="signals-bench-serve-") as tmp:
        logs = {name: Path(tmp) / f"{name}.log" for name in commands}
        servers: dict[str, tuple[subprocess.Popen, str]] = {}
        try:
            for name, command in commands.items():
                # a server's log goes to a file: a pipe nobody reads would fill up and stall the server
                with open(logs[name], "w", encoding="utf-8") as log_file:
                    servers[name] = (subprocess.Popen(command, cwd=ROOT, env=env, stdout=log_file,
                                                      stderr=subprocess.STDOUT), f"http://{HOST}:{ports[name]}")
            drive(servers, texts, seconds, report, log)
        except (RuntimeError, OSError, httpx.HTTPError) as exc:  # reported with the server's log tail
            report["error"] = f"{exc.__class__.__name__}: {exc}"
        finally:
            for server, _ in servers.values():
                stop(server)
        if "error" in report or report.get("errors_total"):
            lines = logs["score"].read_text(encoding="utf-8", errors="replace").strip().splitlines()
            report["server_log_tail"] = [line for line in lines if "/readyz" not in line][-10:]
    return report
