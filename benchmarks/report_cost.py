"""Markdown for the cost sections: conversation cost by length, speed, API load, training, reviewer feedback."""

from __future__ import annotations

from benchmarks.report import fmt, table
from benchmarks.report_quality import failed, image


def conversation_cost_md(report: dict) -> list[str]:
    early = failed(report, "conversation_cost", "5. Conversation cost by length")
    if early is not None:
        return early
    cost = report["conversation_cost"]
    parts = [("## 5. Conversation cost by length (issue 9 point 4)\n\n"
              f"{cost['total_turns_per_length']:,} turns per length (dev texts, two speakers), one conversation per "
              f"call, best of {cost['passes']} pass(es). Linear scoring keeps turns/s flat across lengths.\n")]
    rows = [[f"{n} turns", e["conversations"], e["turns"], f"{e['turns_per_s']:,.0f}", fmt(e["ms_per_turn"], 3),
             fmt(e["ms_per_conversation"], 1), fmt(e["relative_to_10"], 2)] for n, e in cost["lengths"].items()]
    rows = [[*row[:2], e.get("flagged", "–"), *row[2:]] for row, e in zip(rows, cost["lengths"].values())]
    for room in cost.get("chat_rooms", []):
        rows.append([f"{room['turns'] // room['conversations']:,} turns, {room['speakers']:,} speakers", room["conversations"],
                     room["flagged"], room["turns"], f"{room['turns_per_s']:,.0f}", fmt(room["ms_per_turn"], 3),
                     fmt(room["ms_per_conversation"], 1), f"{fmt(room['relative_to_two_speakers'], 2)} of two speakers' at 1,000"])
    parts.append(table(["length", "conversations", "flagged", "turns", "turns/s", "ms per turn", "ms per conversation",
                        "turns/s relative to 10 turns"], rows))
    parts.append(image(report, "conversation_cost", "Turns per second by conversation length"))
    return parts


def speed_md(report: dict) -> list[str]:
    early = failed(report, "speed", "6. Speed and memory")
    if early is not None:
        return early
    speed = report["speed"]
    processes = speed["processes"]
    parts = [("## 6. Speed and memory (issue 11; measured, never asserted)\n\n"
              f"Whole processes on one file of {speed['messages']:,} varied messages ({speed['file_mb']} MB, mean "
              f"{speed['mean_chars']} characters), {speed['cpus']} CPUs; `score` (default) resolves to "
              f"{speed.get('default_workers')} worker process(es) for this file. Medians of "
              f"{processes['tokenizer']['runs']} interleaved round(s) (min–max in brackets).\n")]
    labels = {"tokenizer": "tokenizer only (spaCy blank nl)", "score_workers_1": "`signals score --workers 1`",
              "score_default": "`signals score` (default workers)", "startup": "`signals score` on 1 message"}
    rows = []
    for name, p in processes.items():
        ratio = p.get("ratio_to_tokenizer")
        rows.append([labels.get(name, name), p["messages"], f"{p['wall_s']['median']:.2f} ({p['wall_s']['min']:.2f}–{p['wall_s']['max']:.2f})",
                     f"{p['messages_per_s']:,.0f}" if name != "startup" else "–", fmt(p["cpu_s"]["median"], 2),
                     f"{ratio['median']:.3f} ({ratio['min']:.3f}–{ratio['max']:.3f})" if ratio else "–",
                     p.get("meets_target", "–"), f"{p['peak_rss_process_mib']:.0f}", f"{p['peak_rss_tree_mib']:.0f}"])
    parts.append(table(["process", "messages", "wall s", "messages/s", "CPU s", "× tokenizer",
                        f"≥ {speed['target_ratio']}", "peak RSS MiB (largest process)", "peak RSS MiB (all processes)"], rows))
    stages = speed.get("stages", {})
    if stages.get("stages"):
        parts.append(f"\nIn-process stage breakdown ({stages['messages']:,} messages, batches of {stages['batch_size']}, "
                     f"one core): model load {stages['load_seconds']:.2f} s; RSS {stages['rss_mib']['start']} MiB at start, "
                     f"{stages['rss_mib']['after_load']} after load, {stages['rss_mib']['after_scoring']} after scoring, "
                     f"peak {stages.get('peak_rss_mib')}.\n")
        rows = [[name, f"{s['per_second']:,.0f}", fmt(s["us_per_message"], 1), f"{100 * s['share']:.0f} %" if "share" in s else "–"]
                for name, s in stages["stages"].items()]
        parts.append(table(["stage", "messages/s", "µs per message", "share of the staged call"], rows))
        top = stages.get("profile_top_own", [])
        if top:
            parts.append("Where the CPU goes (cProfile, top functions by own time):\n")
            parts.append(table(["function", "calls", "own s", "cumulative s"],
                               [[f"`{r['function']}`", r["calls"], r["own_s"], r["cumulative_s"]] for r in top]))
    parts.append(image(report, "throughput", "Whole-process throughput and the stage breakdown"))
    return parts


def load_md(report: dict) -> list[str]:
    early = failed(report, "load", "7. API load")
    if early is not None:
        return early
    load = report["load"]
    parts = ["## 7. API load (issue 11): `signals serve` against a no-op FastAPI app, same run, 127.0.0.1\n\n"]
    if load.get("error"):
        parts.append(f"**Failed:** `{load['error']}`\n\n")
    if load.get("levels"):
        client = {"wrk": "`wrk` (C load generator)", "httpx": "one asyncio httpx client (Python: it may be the bottleneck; "
                  "install `wrk` for server-bound numbers)"}.get(load.get("client", "httpx"))
        parts.append(f"Client: {client}. {load['seconds_per_level']:g} s per level; ready after "
                     f"{load['ready_seconds'].get('score')} s (no-op {load['ready_seconds'].get('noop')} s). The *cold* level is "
                     "the first traffic after the scoring server sat idle; it is shown, not counted. "
                     f"`score --processes {load.get('cores')}` is the same server with one process per core; the targets "
                     "are checked on one process against the one-process no-op app.\n")
        names = {"score_procs": f"score --processes {load.get('cores')}"}
        rows = [[names.get(lv["server"], lv["server"]), lv["shape"], lv["concurrency"], "yes" if lv.get("cold") else "", lv["requests"]]
                + [fmt(lv[k], 1) for k in ("requests_per_s", "messages_per_s", "p50_ms", "p95_ms", "p99_ms")]
                + [lv["errors"] if not lv["errors"] else f"**{lv['errors']}** {lv['error_kinds']}"] for lv in load["levels"]]
        parts.append(table(["server", "request", "concurrency", "cold", "requests", "req/s", "messages/s", "p50 ms", "p95 ms",
                            "p99 ms", "errors"], rows))
        targets, meets = load["targets"], load.get("meets", {})
        ratios = load.get("ratio_to_noop", {})
        parts.append("req/s(score) / req/s(no-op): " + ", ".join(f"{k} {v:.3f}" for k, v in ratios.items()) + ".\n")
        counted = {(lv["server"], lv["shape"], lv["concurrency"]): lv for lv in load["levels"] if not lv.get("cold")}
        c16, batch = counted.get(("score", "single", 16), {}), counted.get(("score", "batch32", 16), {})
        rows = [["req/s(score) / req/s(no-op), one message, c=16", fmt(ratios.get("c16")), f"≥ {targets['ratio_to_noop_c16']}",
                 meets.get("ratio_to_noop_c16")],
                ["p99, one message, c=16", f"{fmt(c16.get('p99_ms'), 1)} ms", f"≤ {targets['p99_ms_c16']:g} ms", meets.get("p99_ms_c16")],
                ["errors (scoring server, all levels)", str(load.get("errors_total")), "0", meets.get("errors")],
                ["batches of 32, c=16", f"{fmt(batch.get('messages_per_s'), 0)} messages/s",
                 f"≥ {targets['batch32_messages_per_s']:,.0f} messages/s", meets.get("batch32_messages_per_s")]]
        parts.append(table(["issue 11", "measured", "target", "met"], rows))
        rss, threads = load.get("server_rss_mb", {}), load.get("server_threads", {})
        parts.append(f"Server: RSS {rss.get('ready')} MiB when ready, {rss.get('end')} MiB at the end (growth "
                     f"{rss.get('growth')} MiB); threads {threads.get('ready')} when ready, {threads.get('end')} at the end; "
                     f"SIGNALS_WORKERS = {load.get('workers_setting')}.\n")
    if load.get("server_log_tail"):
        parts.append("\nServer log (tail):\n\n```\n" + "\n".join(load["server_log_tail"]) + "\n```\n")
    parts.append(image(report, "latency", "Latency percentiles per level"))
    return parts


def training_md(report: dict) -> list[str]:
    early = failed(report, "training", "8. Training")
    if early is not None:
        return early
    training = report["training"]
    model, timed, targets = training.get("model", {}), training.get("timed_run", {}), training["targets"]
    parts = [f"## 8. Training (issue 11: `make train` ≤ {targets['seconds']} s, peak RSS ≤ {targets['peak_rss_mib']} MiB)\n"]
    rows = []
    if "missing" in model:
        rows.append(["this model (`metrics.json`)", model["missing"], "", ""])
    else:
        rows.append(["this model (`metrics.json`)", f"{model.get('seconds')} s ({fmt(model.get('meets_seconds_target'))})",
                     f"{model.get('peak_rss_mib')} ({fmt(model.get('meets_rss_target'))})", f"{model.get('rows'):,} rows × {model.get('features'):,} features"
                     if model.get("rows") else ""])
    if "skipped" in timed:
        rows.append(["timed tiny training run", f"skipped: {timed['skipped']}", "", ""])
    else:
        rows.append([f"`python -m training.train --config {timed['config']}`", f"{timed['wall_s']:.1f} s wall, {timed['user_s'] + timed['sys_s']:.0f} s CPU",
                     f"{timed['peak_rss_process_mib']} (all processes {timed['peak_rss_tree_mib']})",
                     f"exit {timed['returncode']}"])
    parts.append(table(["run", "time", "peak RSS MiB", ""], rows))
    if training.get("error"):
        parts.append(f"**Failed:** `{training['error']}`\n")
    return parts


def feedback_md(report: dict) -> list[str]:
    early = failed(report, "feedback", "9. Reviewer feedback: before and after")
    if early is not None:
        return early
    try:
        from benchmarks.feedback import render_feedback_md
    except ImportError:
        return ["## 9. Reviewer feedback\n\n(benchmarks.feedback is not in this checkout)\n"]
    return [render_feedback_md(report["feedback"])]


def cost_parts(report: dict) -> list[str]:
    return ["".join(p) for p in (conversation_cost_md(report), speed_md(report), load_md(report), training_md(report),
                                  feedback_md(report)) if p]
