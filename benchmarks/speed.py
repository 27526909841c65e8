"""Speed and memory (issue 11): printed and reported, never asserted.

Whole processes, measured from outside (``benchmarks.procs``) on one JSONL file of varied messages
(50,000; 5,000 with ``--quick``) built from dev and corpus test texts (as-is, joined, cut, with
chat prefixes and suffixes, case changes):

- ``tokenizer``: ``python -m benchmarks.tokenize_only``, spaCy's blank Dutch tokenizer and nothing else;
- ``score --workers 1`` and ``score`` (the default: one process per core for input files of 1 MB or more):
  the real ``signals score FILE -o OUT``;
- ``startup``: ``signals score`` on a one-message file (imports, model verification and loading).

The commands take turns (A B C, A B C, ...) for a few rounds; the report gives medians and the
min-max range, and the ratio scoring/tokenizer throughput per round (issue 11: ≥ 0.25, aim 0.5).
Then ``python -m benchmarks.stages`` breaks one scoring call down by stage in a process pinned to
one core.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
import tempfile
from pathlib import Path

from benchmarks.procs import ROOT, median, run_measured, summary
from benchmarks.sets import EvalSets

WORKLOAD, QUICK_WORKLOAD = 50_000, 5_000
STAGE_MESSAGES, QUICK_STAGE_MESSAGES = 20_000, 5_000
ROUNDS, QUICK_ROUNDS = 3, 1
TARGET_RATIO, AIM_RATIO = 0.25, 0.5
SINGLE_THREAD_ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1",
                     "NUMEXPR_NUM_THREADS": "1", "VECLIB_MAXIMUM_THREADS": "1"}
_SUFFIXES = (" haha", " 😂", " lol", " ??", " !!", " 🙏", " xx", " ok?")
_PREFIXES = ("hey ", "yo ", "he ", "@user ", "oke ", "dus ")


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


def workload_pool(sets: EvalSets) -> list[str]:
    pool = [t for ms in sets.messages.values() for t in ms.texts] + [t for c in sets.corpora for t in c.texts]
    if not pool:
        raise RuntimeError("no dev or corpus texts to build the speed workload from")
    return pool


def signals_command() -> list[str]:
    script = Path(sys.executable).with_name("signals")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "signals.cli"]


def default_workers(path: Path) -> int | None:
    try:
        from signals.cli import _workers  # how `signals score` resolves --workers 0 for this file
    except ImportError:
        return None
    return _workers(0, str(path))


def write_jsonl(path: Path, texts: list[str]) -> None:
    path.write_text("".join(json.dumps({"id": f"m{i}", "text": t}, ensure_ascii=False) + "\n"
                            for i, t in enumerate(texts)), encoding="utf-8")


def whole_process(commands: dict[str, list[str]], rounds: int, n_lines: dict[str, int], out: Path, env: dict,
                  log=print) -> dict:
    runs: dict[str, list[dict]] = {name: [] for name in commands}
    for k in range(rounds):
        for name, command in commands.items():
            with open(out.with_suffix(".stderr"), "w", encoding="utf-8") as stderr:
                run = run_measured(command + ["-o", str(out)], stderr=stderr, env=env)
            if run["returncode"] != 0:
                tail = out.with_suffix(".stderr").read_text(encoding="utf-8", errors="replace").splitlines()[-5:]
                raise RuntimeError(f"{name} exited with {run['returncode']}: {' | '.join(tail)}")
            with open(out, encoding="utf-8") as written:
                lines = sum(1 for _ in written)
            if lines != n_lines[name]:
                raise RuntimeError(f"{name} wrote {lines} lines for {n_lines[name]} messages")
            runs[name].append(run)
            log(f"speed: round {k + 1}/{rounds} {name}: {run['wall_s']:.2f} s wall, "
                f"{n_lines[name] / run['wall_s']:,.0f} msg/s, peak RSS {run['peak_rss_tree_mib']} MiB")
    report = {}
    for name, items in runs.items():
        walls = [r["wall_s"] for r in items]
        report[name] = {"messages": n_lines[name], "runs": len(items), "wall_s": summary(walls),
                        "messages_per_s": round(n_lines[name] / median(walls), 1),
                        "cpu_s": summary([r["user_s"] + r["sys_s"] for r in items]),
                        "peak_rss_process_mib": max(r["peak_rss_process_mib"] for r in items),
                        "peak_rss_tree_mib": max(r["peak_rss_tree_mib"] for r in items)}
    for name in commands:
        if name.startswith("score"):
            ratios = [t["wall_s"] / s["wall_s"] for t, s in zip(runs["tokenizer"], runs[name])]
            report[name]["ratio_to_tokenizer"] = summary(ratios)
    return report


def stage_breakdown(model_dir: Path, texts: list[str], tmp: Path, log=print) -> dict:
    workload, result = tmp / "stages.jsonl", tmp / "stages.json"
    write_jsonl(workload, texts)
    log(f"speed: stage breakdown on {len(texts)} messages in a single-core child process")
    command = [sys.executable, "-m", "benchmarks.stages", "--model", str(Path(model_dir).resolve()),
               "--workload", str(workload), "--out", str(result)]
    completed = subprocess.run(command, cwd=ROOT, env=dict(os.environ, **SINGLE_THREAD_ENV), timeout=900, check=False)
    if completed.returncode != 0:
        raise RuntimeError(f"python -m benchmarks.stages exited with {completed.returncode}")
    return json.loads(result.read_text(encoding="utf-8"))


def run_speed(model_dir: Path, sets: EvalSets, quick: bool, log=print) -> dict:
    n = QUICK_WORKLOAD if quick else WORKLOAD
    texts = build_workload(workload_pool(sets), n)
    model = str(Path(model_dir).resolve())
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    with tempfile.TemporaryDirectory(prefix="signals-bench-speed-") as tmp_name:
        tmp = Path(tmp_name)
        workload, one = tmp / "workload.jsonl", tmp / "one.jsonl"
        write_jsonl(workload, texts)
        write_jsonl(one, texts[:1])
        score = signals_command() + ["score", "--model", model]
        commands = {"tokenizer": [sys.executable, "-m", "benchmarks.tokenize_only", str(workload)],
                    "score_workers_1": score + [str(workload), "--workers", "1"],
                    "score_default": score + [str(workload)],
                    "startup": score + [str(one), "--workers", "1"]}
        lines = {name: (1 if name == "startup" else n) for name in commands}
        report: dict = {"messages": n, "mean_chars": round(sum(map(len, texts)) / n, 1),
                        "file_mb": round(workload.stat().st_size / 1e6, 2), "cpus": os.cpu_count(),
                        "default_workers": default_workers(workload), "target_ratio": TARGET_RATIO,
                        "aim_ratio": AIM_RATIO}
        log(f"speed: {n} messages ({report['file_mb']} MB), {QUICK_ROUNDS if quick else ROUNDS} round(s) of "
            f"{', '.join(commands)}")
        report["processes"] = whole_process(commands, QUICK_ROUNDS if quick else ROUNDS, lines, tmp / "out.jsonl",
                                            env, log)
        report["stages"] = stage_breakdown(model_dir, texts[:QUICK_STAGE_MESSAGES if quick else STAGE_MESSAGES],
                                           tmp, log)
    for name in ("score_workers_1", "score_default"):
        ratio = report["processes"][name]["ratio_to_tokenizer"]["median"]
        report["processes"][name]["meets_target"] = ratio >= TARGET_RATIO
    return report
