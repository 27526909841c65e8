"""``make bench``: run every benchmark against one model directory and write ``OUT/report.{md,json}`` + plots.

    python -m benchmarks.run --model models/signals-nl-0.2.0 --out reports [--quick] [--extra FILE.jsonl ...]
                             [--baseline DIR --feedback FILE]

Sections, in order: accuracy (+ baselines, robustness), leave-writer-out, sealed test set,
conversations, conversation cost, speed, API load, training, reviewer feedback. One that fails is
recorded in the report with its error and the others still run; the exit code is then 1.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import signal
import sys
import time
import traceback
from pathlib import Path

from signals.evaluation import json_default
from signals.model.targets import precision_targets

_T0 = time.time()


def log(message: str) -> None:
    print(f"[bench {time.time() - _T0:6.1f}s] {message}", file=sys.stderr, flush=True)



def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__.splitlines()[0].strip("`"))
    parser.add_argument("--model", type=Path, required=True, help="trained model directory")
    parser.add_argument("--out", type=Path, default=Path("reports"), help="output folder (default: reports)")
    parser.add_argument("--extra", type=Path, action="extend", nargs="+", default=[],
                        help='extra JSONL sets in the CLI format ({"id", "text"}, optional "labels")')
    parser.add_argument("--quick", action="store_true",
                        help="smoke-test sizes: 5,000 messages for speed, 2.5 s load levels, no training run")
    parser.add_argument("--train-time", action=argparse.BooleanOptionalAction, default=None,
                        help="time `python -m training.train` on --train-config (default: on, off with --quick)")
    parser.add_argument("--train-config", type=Path, default=Path("training/config.tiny.yaml"))
    parser.add_argument("--no-load", action="store_true", help="skip the HTTP load benchmark")
    parser.add_argument("--sealed-cache", type=Path, default=None,
                        help="where sealed-set results are kept, one file per model sha256 (default: OUT/sealed)")
    parser.add_argument("--baseline", type=Path, default=None,
                        help="the model before retraining on reviewer feedback: before/after on dev and held-out items")
    parser.add_argument("--feedback", type=Path, default=None,
                        help="a `signals feedback export` file (default: data.feedback in the model's config, if set)")
    args = parser.parse_args(argv)
    if args.train_time is None:
        args.train_time = not args.quick
    if args.sealed_cache is None:
        args.sealed_cache = args.out / "sealed"
    return args


class Sections:
    """Runs one section at a time; a failure is recorded with its error and the run goes on."""

    def __init__(self, report: dict) -> None:
        self.report = report
        self.failed: list[str] = []

    def run(self, name: str, func, keep: bool = True):
        """``func()``'s result; a dict result is kept as ``report[name]`` unless ``keep`` is False."""
        start = time.time()
        try:
            result = func()
        except Exception as exc:  # noqa: BLE001 -- one broken section must not lose the others
            traceback.print_exc()
            self.failed.append(name)
            self.report[name] = {"error": f"{exc.__class__.__name__}: {exc}"}
            return None
        if isinstance(result, dict) and "error" in result:
            self.failed.append(name)
        if keep and isinstance(result, dict):
            self.report[name] = result
        log(f"{name}: done in {time.time() - start:.1f}s")
        return result


def feedback_section(args, sets) -> dict:
    if importlib.util.find_spec("benchmarks.feedback") is None:
        return {"skipped": "benchmarks.feedback is not in this checkout"}
    configured = sets.config.data.feedback
    paths = [args.feedback] if args.feedback else [Path(p) for p in configured]
    if not paths:
        if args.baseline:
            sets.notes.append("feedback: --baseline given without a feedback file (--feedback or data.feedback)")
        return {"skipped": "no feedback file (--feedback FILE or data.feedback in the model's config)"}
    from benchmarks.feedback import run_feedback
    from benchmarks.sets import project_path

    return run_feedback(args.model, args.baseline, [project_path(p) for p in paths],
                        Path(sets.config.data.dev_dir) / "messages.jsonl")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    # SIGTERM unwinds like Ctrl-C, so servers and child processes are stopped by their finally blocks
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    from benchmarks import plots
    from benchmarks.accuracy import run_accuracy
    from benchmarks.baselines import run_baselines
    from benchmarks.conv_cost import run_conv_cost
    from benchmarks.conversations import run_conversations
    from benchmarks.load import run_load
    from benchmarks.report import write_reports
    from benchmarks.robustness import run_robustness
    from benchmarks.sealed import run_sealed
    from benchmarks.sets import load_eval_sets, project_path
    from benchmarks.speed import build_workload, run_speed, workload_pool
    from benchmarks.training_bench import run_training
    from benchmarks.writers import run_leave_writer_out
    from signals.service import ScoringService

    args.out.mkdir(parents=True, exist_ok=True)
    log(f"loading the model from {args.model}")
    service = ScoringService.load(args.model)
    sets = load_eval_sets(args.model, service.categories, args.extra, args.quick, log)
    report: dict = {"meta": {
        "model": service.info.as_dict(), "model_dir": str(args.model), "quick": args.quick,
        "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "cpus": os.cpu_count(), "python": platform.python_version(),
        "extra": [str(p) for p in args.extra], "notes": sets.notes,
    }}
    sections = Sections(report)

    accuracy = sections.run("accuracy", lambda: run_accuracy(service, sets, log), keep=False)
    if accuracy:
        report["accuracy"] = accuracy.report
    targets = precision_targets(service.model.thresholds["messages"])
    writers = service.model.spec.info.get("training_data", {}).get("writers")
    baselines = sections.run("baselines", lambda: run_baselines(sets, targets, writers, log), keep=False)
    if baselines:
        report["baselines"] = baselines.report
    scorers = {"model": (service.score_texts, service.thresholds)}
    if baselines:
        scorers.update({name: (m.score_texts, m.thresholds) for name, m in baselines.models.items()})
    sections.run("robustness", lambda: run_robustness(scorers, sets, args.quick, log))
    sections.run("leave_writer_out", lambda: run_leave_writer_out(args.model, service.model.thresholds))
    sealed = sections.run("sealed", lambda: run_sealed(service, sets.config, args.sealed_cache, log))
    sections.run("conversations", lambda: run_conversations(service, sets, sealed, log))
    sections.run("conversation_cost", lambda: run_conv_cost(service, sets, args.quick, log))
    sections.run("speed", lambda: run_speed(args.model, sets, args.quick, log))
    if args.no_load:
        report["load"] = {"skipped": "--no-load"}
    else:
        sections.run("load", lambda: run_load(args.model, build_workload(workload_pool(sets), 2000), args.quick, log))
    sections.run("training", lambda: run_training(args.model, project_path(args.train_config), args.train_time, log))
    sections.run("feedback", lambda: feedback_section(args, sets))

    log("plots")
    report["plots"] = {}
    for name, job in plots.jobs(report, accuracy, baselines, args.out).items():
        made = sections.run(f"plot:{name}", job, keep=False)
        if made:
            report["plots"][name] = made
    report["meta"]["elapsed_seconds"] = round(time.time() - _T0, 1)
    report["meta"]["failed_sections"] = sections.failed
    headline = write_reports(report, args.out, json_default)
    log(f"wrote {args.out / 'report.md'} and {args.out / 'report.json'}")
    print(json.dumps(headline, indent=2, ensure_ascii=False, default=json_default))
    if sections.failed:
        print(f"failed sections: {', '.join(sections.failed)}", file=sys.stderr)
    return 1 if sections.failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
