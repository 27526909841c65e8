"""A real ``signals score -o FILE`` process stopped by SIGTERM or SIGINT while it writes: no output
file and no partial ``.FILE.xxxx`` temp file are left behind, and the exit code and message say so."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

TEXTS = ["hoe oud ben je eigenlijk? zit je nog op school?", "we eten om zes uur, kom je op tijd thuis?",
         "jij bent echt anders dan de rest, vertel het aan niemand", "morgen training om 7 uur, ik haal je op"]


def _wait_for(predicate, process: subprocess.Popen, timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        assert process.poll() is None, f"exited early with {process.returncode}: {process.stderr.read()[-2000:]}"
        time.sleep(0.05)
    raise AssertionError("timed out")


# A shell without job control starts background commands with SIGINT ignored, and a process that
# starts with SIGINT ignored rightly keeps ignoring it (Python then installs no KeyboardInterrupt
# handler). The suite may run that way (CI, `make test &`): the command is started with Python's own
# Ctrl-C handler, as it starts at a terminal.
AS_AT_A_TERMINAL = ("import runpy, signal; signal.signal(signal.SIGINT, signal.default_int_handler); "
                    "runpy.run_module('signals.cli', run_name='__main__', alter_sys=True)")


@pytest.mark.slow
@pytest.mark.parametrize(("signum", "code", "name"), [(signal.SIGTERM, 143, "SIGTERM"), (signal.SIGINT, 130, "SIGINT"),
                                                      (signal.SIGHUP, 129, "SIGHUP")])   # a closed terminal
def test_a_signal_mid_run_leaves_no_partial_output(tiny_model_dir, tmp_path, signum, code, name):
    source, out_dir = tmp_path / "in.jsonl", tmp_path / "out"
    out_dir.mkdir()
    with open(source, "w", encoding="utf-8") as handle:   # about a minute of scoring: the run is stopped long before
        handle.writelines(json.dumps({"id": i, "text": TEXTS[i % len(TEXTS)]}) + "\n" for i in range(100_000))
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    process = subprocess.Popen([sys.executable, "-c", AS_AT_A_TERMINAL, "score", str(source), "-o",
                                str(out_dir / "scores.jsonl"), "--model", str(tiny_model_dir)],
                               cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        # the temp file appears once the model is loaded; wait until scored lines are in it
        def written() -> bool:
            return any(p.name.startswith(".scores.jsonl.") and p.stat().st_size > 0 for p in out_dir.iterdir())

        _wait_for(written, process)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=60)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert process.returncode == code, stderr[-2000:]
    assert f"stopped by {name} before the end of the input" in stderr
    assert "Traceback" not in stderr
    assert list(out_dir.iterdir()) == []
