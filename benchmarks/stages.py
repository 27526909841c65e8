"""Where the time of one scoring call goes: the child process of the speed benchmark.

    python -m benchmarks.stages --model DIR --workload FILE.jsonl --out RESULT.json

Pinned to one core with BLAS/OpenMP at one thread, it loads the model (timed), then scores the
workload batch by batch (512 messages, the service's batch size) and times each stage of
``ScoringService.score_messages`` separately:

- ``normalise + tokenise``: the normaliser, spaCy's tokenizer and the lookup lemmatizer (``nlp.pipe``);
- ``detectors``: the tactic and cue detectors over each doc (plus reading the lemma arrays);
- ``features``: character and word n-gram lookups and the dense evidence columns;
- ``model``: the calibrated linear scorer (one product for all categories);
- ``results``: building the typed results with their tactic spans.

For scale it also times spaCy's plain tokenizer in the same process (``tokenize_only``) and the
whole ``score_messages`` call, and reports RSS and a short cProfile (top functions by own time).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

from benchmarks.procs import high_water_kib

BATCH = 512
PROFILE_MESSAGES = 4096


def pin_to_one_core() -> int | None:
    import psutil

    try:
        process = psutil.Process()
        core = process.cpu_affinity()[0]
        process.cpu_affinity([core])
        return core
    except (AttributeError, psutil.Error, OSError):
        return None


def staged_batch(service, texts: list[str], clock: dict[str, float]) -> None:
    import numpy as np

    from signals.analysis import Analysis, strongest
    from signals.nlp.pipeline import lemma_hashes

    analyzer, features = service.analyzer, service.model.features
    tactic_index = {t: i for i, t in enumerate(analyzer.tactics)}
    cue_index = {c: i for i, c in enumerate(analyzer.cue_names)}
    tactics = np.zeros((len(texts), len(tactic_index)), np.float32)
    cues = np.zeros((len(texts), len(cue_index)), np.float32)
    spans, normalized, lemmas = [], [], []
    t0 = time.perf_counter()
    with analyzer.preprocessor.batch(texts) as docs:
        t1 = time.perf_counter()
        for i, doc in enumerate(docs):
            tactic_spans, cue_spans = analyzer.registry.detect_doc(doc)
            spans.append(tactic_spans)
            if tactic_spans:
                tactics[i] = strongest(tactic_spans, tactic_index, len(tactic_index))
            if cue_spans:
                cues[i] = strongest(cue_spans, cue_index, len(cue_index))
            normalized.append(doc.text)
            lemmas.append(lemma_hashes(doc))
        t2 = time.perf_counter()
    analysis = Analysis(normalized, lemmas, spans, tactics, cues)
    t2b = time.perf_counter()
    occurrences, dense = features.occurrences(analysis), features.dense(analysis, None)
    t3 = time.perf_counter()
    probas = service.model.scorer.proba(occurrences, dense)
    t4 = time.perf_counter()
    service.message_results(probas, analysis, [str(i) for i in range(len(texts))])
    t5 = time.perf_counter()
    for name, seconds in (("normalise + tokenise", t1 - t0), ("detectors", t2 - t1 + (t2b - t2)),
                          ("features", t3 - t2b), ("model", t4 - t3), ("results", t5 - t4)):
        clock[name] = clock.get(name, 0.0) + seconds


def _timed(func, batches: list) -> float:
    start = time.perf_counter()
    for batch in batches:
        func(batch)
    return time.perf_counter() - start


def profile_top(service, messages: list, limit: int = 10) -> list[dict]:
    import cProfile
    import pstats

    profile = cProfile.Profile()
    profile.enable()
    for i in range(0, len(messages), BATCH):
        service.score_messages(messages[i:i + BATCH])
    profile.disable()
    rows = []
    for (filename, line, func), (_, calls, own, cumulative, _) in pstats.Stats(profile).stats.items():  # type: ignore[attr-defined]
        where = filename.rsplit("site-packages/", 1)[-1].rsplit("/src/", 1)[-1]
        rows.append({"function": f"{where}:{line}({func})", "calls": calls, "own_s": round(own, 3),
                     "cumulative_s": round(cumulative, 3)})
    return sorted(rows, key=lambda r: r["own_s"], reverse=True)[:limit]


def measure(model_dir: Path, texts: list[str]) -> dict:
    import psutil
    from threadpoolctl import threadpool_limits

    threadpool_limits(1)
    out: dict = {"core": pin_to_one_core(), "batch_size": BATCH, "messages": len(texts)}
    process = psutil.Process()
    rss_start = process.memory_info().rss
    start = time.perf_counter()
    from signals.service import Message, ScoringService

    service = ScoringService.load(model_dir, batch_size=BATCH)
    out["load_seconds"] = round(time.perf_counter() - start, 3)  # imports + verification + parsing
    out["rss_mib"] = {"start": round(rss_start / 2**20, 1), "after_load": round(process.memory_info().rss / 2**20, 1)}
    batches = [texts[i:i + BATCH] for i in range(0, len(texts), BATCH)]
    messages = [Message(str(i), t) for i, t in enumerate(texts)]
    service.score_messages(messages[:BATCH])  # warm-up: lazy imports, caches
    seconds = {"tokenizer only": _timed(service.analyzer.preprocessor.tokenize_only, batches)}
    clock: dict[str, float] = {}
    for batch in batches:
        staged_batch(service, batch, clock)
    seconds.update(clock)
    seconds["score_messages (whole call)"] = _timed(service.score_messages,
                                                    [messages[i:i + BATCH] for i in range(0, len(messages), BATCH)])
    out["stages"] = {name: {"seconds": round(s, 3), "per_second": round(len(texts) / s, 1),
                            "us_per_message": round(1e6 * s / len(texts), 1)} for name, s in seconds.items()}
    staged_total = sum(clock.values())
    for name, spent in clock.items():
        out["stages"][name]["share"] = round(spent / staged_total, 3)
    out["rss_mib"]["after_scoring"] = round(process.memory_info().rss / 2**20, 1)
    out["profile_top_own"] = profile_top(service, messages[:PROFILE_MESSAGES])
    # VmHWM, not ru_maxrss: a child forked from a large parent inherits the parent's peak in ru_maxrss
    out["peak_rss_mib"] = round(high_water_kib(os.getpid()) / 1024, 1)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.stages", description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, required=True)
    parser.add_argument("--workload", type=Path, required=True, help="JSONL with a 'text' per line")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    with open(args.workload, encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle if line.strip()]
    args.out.write_text(json.dumps(measure(args.model, texts), indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
