"""Arguments of ``signals spark-score`` (and of ``spark-submit src/signals/spark.py``): defined here,
without importing pyspark, so that building the command line stays cheap."""

from __future__ import annotations

import argparse


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("input")
    parser.add_argument("output", help="output folder: OUTPUT/messages and, with --conversations, OUTPUT/conversations (Parquet)")
    parser.add_argument("--format", choices=["parquet", "jsonl", "csv"], default=None,
                        help="input format (default: from the extension)")
    parser.add_argument("--conversations", action="store_true", help="also score conversations (needs conversation_id)")
    parser.add_argument("--partition-by", default=None, help="output column(s) to partition by, comma-separated")
    parser.add_argument("--master", default=None, help="Spark master (default: local[*] unless spark-submit sets one)")
