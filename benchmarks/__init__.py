"""``make bench``: accuracy, baselines, robustness, speed and HTTP load → ``reports/``.

    python -m benchmarks.run --model DIR --out reports [--extra FILE.jsonl ...] [--quick]

See ``docs/benchmarks.md`` for how to run it and how to read the report.
"""
