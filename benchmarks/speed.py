"""Speed and memory: printed and reported, never asserted.

The scoring measurements run in a fresh child process (``python -m benchmarks.speed``) pinned to
one core, with BLAS/OpenMP limited to one thread, so load time and memory are those of a clean
process. On the same workload it times, batch by batch (1024 messages):

- ``tokenizer``: the plain spaCy tokenizer (``Preprocessor.tokenize_only``), the speed floor;
- ``preprocess``: normaliser + spaCy pipeline (``Preprocessor.pipe``);
- ``analyze``: preprocess + tactic detectors (``Analyzer.analyze``);
- ``full``: ``ScoringService.score_messages`` (features, calibrated model, results with spans).

It also reports model load time, artifact size, RSS (sampled every 20 ms), the Python heap peak
(tracemalloc, on a few batches) and a cProfile of the full path. ``train_time`` runs
``python -m training.train`` on the tiny config and polls its process tree's memory.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BATCH = 1024
WORKLOAD = 50_000
QUICK_WORKLOAD = 5_000
PROFILE_MESSAGES = 10_240
QUICK_PROFILE_MESSAGES = 2_048
TRACEMALLOC_BATCHES = 3
TARGET_RATIO = 0.25
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}
ROOT = Path(__file__).resolve().parents[1]
_SUFFIXES = (" haha", " 😂", " lol", " ??", " !!", " 🙏", " xx", " ok?")
_PREFIXES = ("hey ", "yo ", "he ", "@user ", "oke ", "dus ")


# -- the workload -----------------------------------------------------------------------------------
def build_workload(pool: list[str], n: int, seed: int = 7) -> list[str]:
    """``n`` varied messages from ``pool``: as-is, joined pairs, prefixes/suffixes, case, cuts, repeats."""
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        text, roll = rng.choice(pool), rng.random()
        if roll < 0.4:
            pass
        elif roll < 0.6:
            text = f"{text} {rng.choice(pool)}"
        elif roll < 0.75:
            text = rng.choice(_PREFIXES) + text + rng.choice(_SUFFIXES)
        elif roll < 0.85:
            text = text.upper() if rng.random() < 0.3 else text.lower()
        elif roll < 0.95:
            words = text.split()
            text = " ".join(words[: max(1, rng.randint(1, len(words)))])
        else:
            text = " ".join([text, rng.choice(pool), rng.choice(pool)])
        out.append(text)
    return out


# -- the child process ------------------------------------------------------------------------------
class RssSampler(threading.Thread):
    def __init__(self, process, interval: float = 0.02) -> None:
        super().__init__(daemon=True)
        self.process, self.interval = process, interval
        self.peak = process.memory_info().rss
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def _chunks(items: list, size: int):
    return [items[i:i + size] for i in range(0, len(items), size)]


def _timed(label: str, func, batches: list) -> dict:
    n = sum(len(b) for b in batches)
    start = time.perf_counter()
    for batch in batches:
        func(batch)
    seconds = time.perf_counter() - start
    print(f"[speed] {label}: {n} messages in {seconds:.2f}s = {n / seconds:,.0f} msg/s", file=sys.stderr, flush=True)
    return {"messages": n, "seconds": round(seconds, 3), "per_second": round(n / seconds, 1)}


def profile_rows(profile, limit: int, key: str) -> list[dict]:
    import pstats

    stats = pstats.Stats(profile)
    rows = []
    for (filename, line, func), (cc, nc, tt, ct, _) in stats.stats.items():  # type: ignore[attr-defined]
        where = re.split(r"/lib/python3\.\d+/", filename)[-1]  # stdlib: path inside the library
        for marker in ("site-packages/", "/src/", str(ROOT) + "/"):
            if marker in filename:
                where = filename.split(marker, 1)[1]
                break
        rows.append({"function": f"{where}:{line}({func})", "calls": nc, "own_s": round(tt, 3), "cumulative_s": round(ct, 3)})
    rows.sort(key=lambda r: r[key], reverse=True)
    return rows[:limit]


def pin_to_one_core() -> int | None:
    import psutil

    try:
        process = psutil.Process()
        core = process.cpu_affinity()[0]
        process.cpu_affinity([core])
        return core
    except (AttributeError, psutil.Error, OSError):
        return None


def measure(model_dir: Path, texts: list[str], profile_messages: int) -> dict:
    import cProfile
    import resource
    import tracemalloc

    import psutil
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    core = pin_to_one_core()
    process = psutil.Process()
    out: dict = {"core": core, "batch_size": BATCH, "messages": len(texts),
                 "mean_chars": round(sum(map(len, texts)) / max(1, len(texts)), 1)}
    rss_start = process.memory_info().rss

    from signals.service import Message, ScoringService

    start = time.perf_counter()
    service = ScoringService.load(model_dir, batch_size=BATCH)
    out["load_seconds"] = round(time.perf_counter() - start, 3)
    out["rss_mb"] = {"start": rss_start / 2**20, "after_load": process.memory_info().rss / 2**20}
    model_dir = Path(model_dir)
    out["artifact"] = {"total_mb": sum(p.stat().st_size for p in model_dir.iterdir() if p.is_file()) / 2**20,
                       "files_mb": {p.name: p.stat().st_size / 2**20 for p in sorted(model_dir.iterdir()) if p.is_file()}}

    messages = [Message(str(i), t) for i, t in enumerate(texts)]
    batches, text_batches = _chunks(messages, BATCH), _chunks(texts, BATCH)
    service.score_messages(batches[0])  # warm-up: lazy imports, caches
    stages = {
        "tokenizer": _timed("tokenizer only", service.analyzer.preprocessor.tokenize_only, text_batches),
        "preprocess": _timed("normaliser + spaCy", service.analyzer.preprocessor.pipe, text_batches),
        "analyze": _timed("+ detectors", service.analyzer.analyze, text_batches),
    }
    sampler = RssSampler(process)
    sampler.start()
    stages["full"] = _timed("full path (score_messages)", service.score_messages, batches)
    out["rss_mb"]["peak_while_scoring"] = sampler.stop() / 2**20
    out["rss_mb"]["end"] = process.memory_info().rss / 2**20
    out["stages"] = stages
    out["ratio_full_to_tokenizer"] = round(stages["full"]["per_second"] / stages["tokenizer"]["per_second"], 4)

    tracemalloc.start()
    for batch in batches[:TRACEMALLOC_BATCHES]:
        service.score_messages(batch)
    out["tracemalloc_peak_mb"] = tracemalloc.get_traced_memory()[1] / 2**20
    out["tracemalloc_batches"] = min(TRACEMALLOC_BATCHES, len(batches))
    tracemalloc.stop()

    profiled = _chunks(messages[:profile_messages], BATCH)
    profile = cProfile.Profile()
    profile.enable()
    for batch in profiled:
        service.score_messages(batch)
    profile.disable()
    out["profile"] = {"messages": sum(len(b) for b in profiled),
                      "top_cumulative": profile_rows(profile, 15, "cumulative_s"),
                      "top_own": profile_rows(profile, 10, "own_s")}
    out["ru_maxrss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for key, value in out["rss_mb"].items():
        out["rss_mb"][key] = round(value, 1)
    return out


# -- the parent side --------------------------------------------------------------------------------
def run_speed(model_dir: Path, pool: list[str], quick: bool, log=print) -> dict:
    n = QUICK_WORKLOAD if quick else WORKLOAD
    texts = build_workload(pool, n)
    with tempfile.TemporaryDirectory(prefix="signals-bench-") as tmp:
        workload, result = Path(tmp) / "workload.jsonl", Path(tmp) / "speed.json"
        workload.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
        env = dict(os.environ, **SINGLE_THREAD_ENV)
        command = [sys.executable, "-m", "benchmarks.speed", "--model", str(Path(model_dir).resolve()),
                   "--workload", str(workload), "--out", str(result),
                   "--profile-messages", str(QUICK_PROFILE_MESSAGES if quick else PROFILE_MESSAGES)]
        log(f"speed: {n} messages in a single-core child process")
        completed = subprocess.run(command, check=False, cwd=ROOT, env=env, timeout=900)
        if completed.returncode != 0:
            raise RuntimeError(f"the speed child process exited with {completed.returncode}")
        report = json.loads(result.read_text(encoding="utf-8"))
    report["target_ratio"] = TARGET_RATIO
    report["meets_target"] = report["ratio_full_to_tokenizer"] >= TARGET_RATIO
    return report


def train_time(config: Path, log=print, timeout: float = 900.0, interval: float = 0.1) -> dict:
    """Wall time and peak RSS (process tree) of ``python -m training.train --config CONFIG --out <tmp>``."""
    import psutil

    with tempfile.TemporaryDirectory(prefix="signals-bench-train-") as tmp:
        command = [sys.executable, "-m", "training.train", "--config", str(config), "--out", str(Path(tmp) / "model")]
        log(f"speed: timing {' '.join(command[1:4])} {config}")
        stderr_path = Path(tmp) / "stderr.txt"
        start = time.perf_counter()
        with open(stderr_path, "w", encoding="utf-8") as stderr:
            child = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr)
            parent, peak, timed_out = psutil.Process(child.pid), 0, False
            try:
                while child.poll() is None:
                    if time.perf_counter() - start > timeout:
                        timed_out = True
                        break
                    try:
                        tree = [parent, *parent.children(recursive=True)]
                        peak = max(peak, sum(p.memory_info().rss for p in tree if p.is_running()))
                    except psutil.Error:
                        pass
                    time.sleep(interval)
            finally:  # timed out or interrupted: never leave the training run behind
                if child.poll() is None:
                    child.kill()
                child.wait()
        seconds = time.perf_counter() - start
        tail = stderr_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
    report = {"config": str(config), "wall_seconds": round(seconds, 1), "peak_rss_mb": round(peak / 2**20, 1),
              "returncode": child.returncode, "timed_out": timed_out}
    if child.returncode != 0:
        report["stderr_tail"] = tail
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Single-core scoring speed (the child side of the speed benchmark).")
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--workload", type=Path, required=True, help="JSONL with a 'text' per line")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--profile-messages", type=int, default=PROFILE_MESSAGES)
    args = parser.parse_args(argv)
    with open(args.workload, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    args.out.write_text(json.dumps(measure(args.model, texts, args.profile_messages), indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
