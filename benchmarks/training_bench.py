"""Training cost (issue 11): what ``make train`` recorded for this model, and (unless ``--quick``) a
timed ``python -m training.train --config training/config.tiny.yaml`` in its own process.

The timed run is measured from outside (``benchmarks.procs``): wall and CPU time, the largest
single process's peak RSS (the figure ``make train`` prints for itself) and the peak of the whole
process tree (sampled every 0.1 s).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from benchmarks.procs import run_measured
from benchmarks.writers import model_metrics

ROOT = Path(__file__).resolve().parents[1]
# issue 11: `make train` ≤ 3 minutes on 2 cores, peak RSS ≤ 2 GiB
TARGET_SECONDS = 180
TARGET_PEAK_MIB = 2048


def recorded(model_dir: Path) -> dict:
    """``metrics.json``'s ``training`` block (seconds, peak RSS) for the model being measured."""
    training = model_metrics(model_dir).get("training")
    if not training:
        return {"missing": "this model's metrics.json has no training block (trained before it was recorded)"}
    out = dict(training)
    out["meets_seconds_target"] = out.get("seconds") is not None and out["seconds"] <= TARGET_SECONDS
    out["meets_rss_target"] = out.get("peak_rss_mib") is not None and out["peak_rss_mib"] <= TARGET_PEAK_MIB
    return out


def timed_training(config: Path, log=print, timeout: float = 900.0) -> dict:
    """Wall time and peak memory of ``python -m training.train --config CONFIG --out <tmp>``."""
    with tempfile.TemporaryDirectory(prefix="signals-bench-train-") as tmp:
        command = [sys.executable, "-m", "training.train", "--config", str(config), "--out", str(Path(tmp) / "model")]
        log(f"training: timing python -m training.train --config {config}")
        stderr_path = Path(tmp) / "stderr.txt"
        with open(stderr_path, "w", encoding="utf-8") as stderr:
            run = run_measured(command, stderr=stderr, timeout=timeout, interval=0.1)
        tail = stderr_path.read_text(encoding="utf-8", errors="replace").strip().splitlines()[-5:]
    shown = Path(config).relative_to(ROOT) if Path(config).is_relative_to(ROOT) else config
    report = {"config": str(shown), **run}
    if run["returncode"] != 0:
        report["stderr_tail"] = tail
    return report


def run_training(model_dir: Path, config: Path, timed: bool, log=print) -> dict:
    report: dict = {"targets": {"seconds": TARGET_SECONDS, "peak_rss_mib": TARGET_PEAK_MIB},
                    "model": recorded(model_dir)}
    if timed:
        report["timed_run"] = timed_training(config, log)
        if report["timed_run"]["returncode"] != 0:  # recorded as a failed section, the numbers above kept
            report["error"] = (f"python -m training.train exited with {report['timed_run']['returncode']}: "
                               + " | ".join(report["timed_run"].get("stderr_tail", [])))
    else:
        report["timed_run"] = {"skipped": "--quick (or --no-train-time)"}
    return report
