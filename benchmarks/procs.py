"""Run a command as a whole process and measure it from outside: wall time, CPU time and peak memory.

CPU time comes from the kernel (``os.wait4``: the child and every descendant it reaped, e.g. worker
processes). Memory is sampled (every ``interval`` seconds) from ``/proc``: each process's own
high-water mark (``VmHWM``, monotonic, so a peak between two samples is not missed; only growth in
the last interval before exit is) gives the largest single process's peak, and the sum of the
tree's current RSS gives what the machine held at once. (``wait4``'s ``ru_maxrss`` is not used: a
child forked from this large process inherits this process's peak.) Every run is bounded by a timeout.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def run_measured(command: list[str], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env: dict | None = None,
                 timeout: float = 900.0, interval: float = 0.2) -> dict:
    import psutil

    start = time.perf_counter()
    child = subprocess.Popen(command, cwd=ROOT, stdout=stdout, stderr=stderr, env=env)
    tree_peak, timed_out = 0, False
    hwm: dict[int, int] = {}
    try:
        parent = psutil.Process(child.pid)
        while True:
            pid, status, usage = os.wait4(child.pid, os.WNOHANG)
            if pid:
                wall = time.perf_counter() - start
                child.returncode = os.waitstatus_to_exitcode(status)
                break
            if time.perf_counter() - start > timeout and not timed_out:
                timed_out = True
                child.kill()
            try:
                tree = [parent, *parent.children(recursive=True)]
                tree_peak = max(tree_peak, sum(p.memory_info().rss for p in tree if p.is_running()))
                for p in tree:
                    hwm[p.pid] = max(hwm.get(p.pid, 0), high_water_kib(p.pid))
            except psutil.Error:
                pass
            time.sleep(interval)
    finally:  # interrupted: never leave the child behind
        if child.returncode is None:
            child.kill()
            child.wait()
    return {"returncode": child.returncode, "timed_out": timed_out, "wall_s": round(wall, 3),
            "user_s": round(usage.ru_utime, 3), "sys_s": round(usage.ru_stime, 3),
            "peak_rss_process_mib": round(max(hwm.values(), default=0) / 1024, 1),
            "peak_rss_tree_mib": round(tree_peak / 2**20, 1)}


def high_water_kib(pid: int) -> int:
    """The process's peak resident set size (``VmHWM`` in ``/proc/PID/status``), 0 if unreadable."""
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except (OSError, ValueError):
        pass
    return 0


def median(values: list[float]) -> float:
    ordered = sorted(values)
    mid = len(ordered) // 2
    return ordered[mid] if len(ordered) % 2 else (ordered[mid - 1] + ordered[mid]) / 2


def summary(values: list[float], digits: int = 3) -> dict:
    return {"median": round(median(values), digits), "min": round(min(values), digits), "max": round(max(values), digits)}
