"""The speed floor for ``signals score``: a process that only runs spaCy's blank Dutch tokenizer.

    python -m benchmarks.tokenize_only INPUT.jsonl -o OUTPUT.jsonl

It reads the same JSONL file as ``signals score`` (one ``{"id", "text"}`` per line), tokenises every
text with ``spacy.blank("nl")`` (tokenizer only, batches of 512) and writes one line per message
(``{"id", "tokens"}``), so file reading, JSON and writing are paid as in the real command.
"""

from __future__ import annotations

import argparse
import json
import sys
from itertools import islice
from typing import Any

BATCH = 512


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.tokenize_only", description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("-o", "--output", required=True)
    args = parser.parse_args(argv)
    import spacy

    tokenizer: Any = spacy.blank("nl").tokenizer
    with open(args.input, encoding="utf-8") as source, open(args.output, "w", encoding="utf-8") as out:
        while chunk := list(islice(source, BATCH * 4)):
            rows = [json.loads(line) for line in chunk if line.strip()]
            docs = tokenizer.pipe((r["text"] for r in rows), batch_size=BATCH)
            out.writelines(json.dumps({"id": row["id"], "tokens": len(doc)}) + "\n" for row, doc in zip(rows, docs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
