"""Throughput of ``signals spark-score`` in local mode next to in-process scoring of the same messages.

    python -m benchmarks.spark_bench [--n 200000] [--model DIR] [--masters local[1],local[2]] [--input X.parquet]

Writes N synthetic Dutch messages (or uses ``--input``) to a temporary Parquet file, then scores them
1. in process: one ``ScoringService``, ``score_frame`` over 10,000-row frames (Spark's Arrow batch size);
2. with the Spark job (``signals.spark.run``: read, count skipped rows, score, write Parquet) per master.
Before each timed Spark job a 1,000-row warm-up job starts the Python workers and loads the model
in each (paid once per worker); its time is printed apart. Prints numbers only, asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import sys
import tempfile
import time
import warnings
from pathlib import Path

import pandas as pd

from signals.frame import score_frame
from signals.settings import load_settings
from signals.spark import ModelRef, run, spark_session

BATCH = 10_000
BENIGN = ["hoe laat ben je thuis", "zullen we morgen naar de film", "heb je je huiswerk al af", "wat een goal gisteren",
          "mama vraagt of je blijft eten", "ik ben zo moe vandaag", "kom je zaterdag voetballen", "doei, tot morgen!"]
SUSPICIOUS = ["kom op snap", "stuur €200 of ik post je foto's", "niemand hoeft het te weten", "hoe oud ben je eigenlijk",
              "stuur een foto van jezelf", "ik koop een nieuwe iphone voor je", "zeg niks tegen je ouders",
              "wil je makkelijk geld verdienen", "je hebt 1 uur om te betalen"]
FILLERS = ["", "haha", "😍", "echt", "ff", "lol", "schatje", "bro", "!!"]


def synthetic_messages(n: int, seed: int = 13) -> pd.DataFrame:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        phrases = [rng.choice(SUSPICIOUS if rng.random() < 0.3 else BENIGN) for _ in range(rng.randint(1, 3))]
        texts.append(" ".join(filter(None, [*phrases, rng.choice(FILLERS)])))
    return pd.DataFrame({"id": [f"m{i:07d}" for i in range(n)], "text": texts})


def in_process(frame: pd.DataFrame, model: ModelRef) -> tuple[float, float]:
    """(seconds to load the model, seconds to score every row)."""
    start = time.perf_counter()
    service = model.load()
    loaded = time.perf_counter()
    for lo in range(0, len(frame), BATCH):
        score_frame(frame.iloc[lo:lo + BATCH], service)
    return loaded - start, time.perf_counter() - loaded


def warm_up(spark, model: ModelRef, sample: Path, out: Path) -> float:
    """A small job first: starts every Python worker, loads the model in each, warms the JVM's read/write path."""
    start = time.perf_counter()
    run(spark, str(sample), str(out), "parquet", model)
    return time.perf_counter() - start


def spark_job(master: str, source: Path, sample: Path, out: Path, model: ModelRef) -> tuple[int, float, float, float]:
    """(cores, session start s, warm-up s, job s) for one master."""
    start = time.perf_counter()
    spark, _ = spark_session(master)
    started = time.perf_counter() - start
    try:
        cores = spark.sparkContext.defaultParallelism
        warm = warm_up(spark, model, sample, out / "warm-up")
        start = time.perf_counter()
        run(spark, str(source), str(out / "job"), "parquet", model)
        return cores, started, warm, time.perf_counter() - start
    finally:
        spark.stop()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.spark_bench", description=__doc__.split("\n")[0])
    parser.add_argument("--n", type=int, default=200_000, help="synthetic messages (default 200,000)")
    parser.add_argument("--input", type=Path, default=None, help="a Parquet file with id and text instead")
    parser.add_argument("--model", type=Path, default=None, help="model directory (default: SIGNALS_MODEL)")
    parser.add_argument("--masters", default="local[1],local[2]", help="comma-separated Spark masters to time")
    args = parser.parse_args(argv)
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)

    settings = load_settings()
    model_dir = args.model if args.model is not None else settings.require_model_dir()
    model = ModelRef.resolve(model_dir, settings.model_root, settings.batch_size)
    masters = [m.strip() for m in args.masters.split(",") if m.strip()]
    with tempfile.TemporaryDirectory(prefix="signals-spark-bench-") as tmp:
        if args.input:
            source, frame = args.input, pd.read_parquet(args.input, columns=["id", "text"])
        else:
            source, frame = Path(tmp) / "messages.parquet", synthetic_messages(args.n)
            frame.to_parquet(source, index=False)
        n = len(frame)
        sample = Path(tmp) / "sample.parquet"
        frame.head(1_000).to_parquet(sample, index=False)
        import pyspark

        print(f"signals Spark benchmark: {n:,} messages, model {model.model_dir}")
        print(f"python {platform.python_version()}, pyspark {pyspark.__version__}, {os.cpu_count()} CPUs")
        load_s, score_s = in_process(frame, model)
        rows = [("in-process", 1, load_s, score_s)]
        print(f"  in-process done: {score_s:.1f} s", file=sys.stderr)
        for k, master in enumerate(masters):
            cores, started, warm, job = spark_job(master, source, sample, Path(tmp) / f"out{k}", model)
            print(f"  {master} done: session {started:.1f} s, warm-up {warm:.1f} s, job {job:.1f} s", file=sys.stderr)
            rows.append((master, cores, warm, job))

    base = n / score_s
    print()
    print(f"{'mode':<12} {'cores':>5} {'load/warm-up s':>15} {'scoring s':>10} {'msg/s':>9} {'vs in-process':>14}")
    for mode, cores, load, seconds in rows:
        print(f"{mode:<12} {cores:>5} {load:>15.1f} {seconds:>10.1f} {n / seconds:>9,.0f} {n / seconds / base:>13.2f}x")
    spark_rows = {mode: seconds for mode, _, _, seconds in rows[1:]}
    if "local[1]" in spark_rows and len(spark_rows) > 1:
        for mode, seconds in spark_rows.items():
            if mode != "local[1]":
                print(f"scaling local[1] → {mode}: {spark_rows['local[1]'] / seconds:.2f}x")
    print("(load/warm-up s: in process, loading the model; for Spark, a 1,000-row job that starts the Python workers"
          " and loads the model once in each. scoring s: for Spark, the whole job after it: read, count skipped rows,"
          " score, write Parquet.)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
