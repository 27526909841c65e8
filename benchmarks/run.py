"""``make bench``: run every benchmark against one model directory and write ``OUT/report.{md,json}`` + plots.

    python -m benchmarks.run --model models/signals-nl-0.1.0 --out reports [--extra FILE.jsonl ...] [--quick]

Sections run in order (accuracy, baselines, robustness, speed, load); one that fails is recorded
in the report with its error and the others still run; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import signal
import sys
import time
import traceback
from pathlib import Path

import numpy as np

_T0 = time.time()


def log(message: str) -> None:
    print(f"[bench {time.time() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)


def _json_default(value):
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, Path):
        return str(value)
    raise TypeError(f"not JSON serialisable: {type(value)}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0].strip("`"))
    parser.add_argument("--model", type=Path, required=True, help="trained model directory")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports)")
    parser.add_argument("--extra", type=Path, action="extend", nargs="+", default=[],
                        help='extra JSONL sets in the CLI format ({"id", "text"}, optional "labels")')
    parser.add_argument("--quick", action="store_true", help="smoke-test sizes: smaller sets, 3 s load levels, no training")
    parser.add_argument("--train-time", action=argparse.BooleanOptionalAction, default=None,
                        help="time `python -m training.train` on --train-config (default: on, off with --quick)")
    parser.add_argument("--train-config", type=Path, default=Path("training/config.tiny.yaml"))
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load benchmark")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="the model before retraining on reviewer feedback: before/after on dev and held-out reviewed items")
    parser.add_argument("--feedback", type=Path, default=None,
                        help="a `signals feedback export` file (default: data.feedback in the model's config, if set)")
    args = parser.parse_args(argv)
    if args.train_time is None:
        args.train_time = not args.quick
    return args


def speed_pool(sets) -> list[str]:
    """Texts the speed and load workloads are built from: dev + synth test, topped up if they are small."""
    from training.data_sources import handwritten

    from benchmarks.sets import project_path

    pool = [t for name in ("dev", "synth_test") if name in sets.messages for t in sets.messages[name].texts]
    if len(pool) < 2000:
        hand, _ = handwritten(project_path(sets.config["data"]["handwritten_dir"]))
        pool += hand.texts + [t for c in sets.corpora for t in c.texts[:5000]]
        sets.notes.append("speed/load: dev + synth test have fewer than 2000 texts; the workload also samples "
                          "hand-written training messages and corpus test sentences")
    return pool


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so the server and child processes are stopped by their finally blocks
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    from benchmarks import plots
    from benchmarks.accuracy import run_accuracy
    from benchmarks.baselines import run_baselines
    from benchmarks.load import api_available, run_load
    from benchmarks.report import headline, render
    from benchmarks.robustness import run_robustness
    from benchmarks.sets import load_eval_sets, project_path
    from benchmarks.speed import run_speed, train_time
    from signals.service import ScoringService

    args.out.mkdir(parents=True, exist_ok=True)
    log(f"loading the model from {args.model}")
    service = ScoringService.load(args.model)
    sets = load_eval_sets(args.model, args.extra, args.quick, log)
    report: dict = {"meta": {
        "model": service.info.as_dict(), "model_dir": str(args.model), "quick": args.quick,
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "cpus": os.cpu_count(), "python": platform.python_version(),
        "extra": [str(p) for p in args.extra], "notes": sets.notes,
    }}
    failed: list[str] = []

    def section(name: str, func):
        start = time.time()
        try:
            result = func()
        except Exception as exc:  # noqa: BLE001 -- one broken section must not lose the others
            traceback.print_exc()
            failed.append(name)
            report[name] = {"error": f"{exc.__class__.__name__}: {exc}"}
            return None
        log(f"{name}: done in {time.time() - start:.1f}s")
        return result

    accuracy = section("accuracy", lambda: run_accuracy(service, sets, log))
    if accuracy:
        report["accuracy"] = dict(accuracy.report, precision_target=service.info.manifest.get("thresholds", {}).get("precision_target"))
    baselines = section("baselines", lambda: run_baselines(sets, args.quick, log))
    if baselines:
        report["baselines"] = baselines.report

    scorers = {"model": (service.score_texts, service.thresholds)}
    if baselines:
        scorers.update({name: (m.score_texts, m.thresholds) for name, m in baselines.models.items()})
    robustness = section("robustness", lambda: run_robustness(scorers, sets, args.quick, log))
    if robustness:
        report["robustness"] = robustness

    pool = speed_pool(sets)
    speed = section("speed", lambda: run_speed(args.model, pool, args.quick, log))
    if speed:
        report["speed"] = speed
        if args.train_time:
            train = section("train_time", lambda: train_time(project_path(args.train_config), log))
            if train:
                speed["train"] = train
                if train["returncode"] != 0:
                    failed.append("train_time")

    if args.no_load:
        report["load"] = {"skipped": "--no-load"}
    elif not api_available():
        report["load"] = {"skipped": "the API (signals.api.app) is not installed in this checkout"}
        sets.notes.append("load: skipped, signals.api.app is missing")
    else:
        load = section("load", lambda: run_load(args.model, pool, args.quick, log))
        if load:
            report["load"] = load
            if "error" in load:
                failed.append("load")

    configured = sets.config.get("data", {}).get("feedback")  # a path, or {path: ..., weight: ...}
    feedback_path = args.feedback or (configured.get("path") if isinstance(configured, dict) else configured)
    if feedback_path:
        from benchmarks.feedback import run_feedback

        dev_messages = project_path(sets.config["data"]["dev_dir"]) / "messages.jsonl"
        feedback = section("feedback", lambda: run_feedback(args.model, args.baseline, project_path(feedback_path),
                                                            dev_messages))
        if feedback:
            report["feedback"] = feedback
    elif args.baseline:
        sets.notes.append("feedback: --baseline given without a feedback file (--feedback or data.feedback)")

    log("plots")
    report["plots"] = {}
    plot_jobs = {
        "pr_curves": lambda: plots.pr_curves(accuracy.predictions if accuracy else {},
                                             baselines.predictions.get("tfidf", {}) if baselines else {},
                                             baselines.predictions.get("keywords", {}) if baselines else {}, args.out),
        "reliability": lambda: plots.reliability(report.get("accuracy", {}).get("messages", {}), args.out),
        "robustness": lambda: plots.robustness_bars(report.get("robustness", {}), args.out),
        "throughput": lambda: plots.throughput(report.get("speed", {}), args.out),
        "latency": lambda: plots.latency(report.get("load", {}), args.out),
    }
    for name, job in plot_jobs.items():
        made = section(f"plot:{name}", job)
        if made:
            report["plots"][name] = made

    report["headline"] = headline(report)
    report["meta"]["elapsed_seconds"] = round(time.time() - _T0, 1)
    report["meta"]["failed_sections"] = failed
    (args.out / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False, default=_json_default) + "\n",
                                          encoding="utf-8")
    markdown = render(report)
    if isinstance(report.get("feedback"), dict) and "model" in report["feedback"]:
        from benchmarks.feedback import render_feedback_md

        markdown += "\n" + render_feedback_md(report["feedback"])
    (args.out / "report.md").write_text(markdown, encoding="utf-8")
    log(f"wrote {args.out / 'report.md'} and {args.out / 'report.json'}")
    print(json.dumps(report["headline"], indent=2, ensure_ascii=False, default=_json_default))
    if failed:
        print(f"failed sections: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
