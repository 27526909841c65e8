"""Graceful shutdown with a request in flight: a real ``signals serve`` process gets SIGTERM while
it scores a slow batch (the largest batch, long texts). The request still completes with 200, the
process stops accepting new connections, and it exits 0. (tests/api/test_server.py covers a plain
SIGTERM with nothing in flight.)"""

from __future__ import annotations

import json
import os
import select
import signal
import socket
import subprocess
import sys
import time

import pytest

from live_server import HOST, free_port, wait_ready

from .conftest import API_DEFAULTS

UNITS = ["hoe oud ben je eigenlijk? ", "we eten om zes uur, kom je op tijd thuis? ",
         "jij bent echt anders dan de rest ", "morgen training om 7 uur, ik haal je op "]


def _slow_batch() -> bytes:
    """The largest batch the defaults allow, every text at the length limit (about 3 s of scoring)."""
    size, count = API_DEFAULTS["max_text_chars"], API_DEFAULTS["max_batch"]
    messages = [{"id": f"s-{i}", "text": (UNITS[i % len(UNITS)] * (size // len(UNITS[i % len(UNITS)]) + 1))[:size]}
                for i in range(count)]
    return json.dumps({"messages": messages, "explain": True}).encode()


def _read_response(sock: socket.socket) -> tuple[int, bytes]:
    data = b""
    while chunk := sock.recv(1 << 16):
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


@pytest.mark.slow
def test_sigterm_lets_the_request_in_flight_finish_then_exits_0(tiny_model_dir, tmp_path):
    port = free_port()
    base = f"http://{HOST}:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    env.update(SIGNALS_MODEL_DIR=str(tiny_model_dir), SIGNALS_SHUTDOWN_TIMEOUT="60")
    log_path = tmp_path / "serve.log"
    body = _slow_batch()
    assert len(body) < API_DEFAULTS["max_body_bytes"]
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "signals.cli", "serve", "--host", HOST, "--port", str(port)],
            cwd=tmp_path, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            wait_ready(base, process)
            with socket.create_connection((HOST, port), timeout=60) as sock:
                sock.sendall(b"POST /v1/score HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\n"
                             b"X-Request-ID: in-flight-1\r\nConnection: close\r\nContent-Length: %d\r\n\r\n"
                             % (HOST.encode(), len(body)) + body)
                time.sleep(0.5)          # the body is in; scoring it takes seconds
                assert process.poll() is None
                assert select.select([sock], [], [], 0)[0] == [], "no answer yet: the request is in flight"
                process.send_signal(signal.SIGTERM)
                signalled = time.monotonic()
                time.sleep(0.3)
                with pytest.raises(OSError):  # no new connections once shutting down
                    socket.create_connection((HOST, port), timeout=2).close()
                status, payload = _read_response(sock)
                answered = time.monotonic()
            returncode = process.wait(timeout=60)
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    lines = [json.loads(line) for line in log_path.read_text(encoding="utf-8").splitlines() if line.startswith("{")]
    assert status == 200, payload[:500]
    results = json.loads(payload)["results"]
    assert [r["id"] for r in results] == [f"s-{i}" for i in range(API_DEFAULTS["max_batch"])]
    print(f"answered {answered - signalled:.2f}s after SIGTERM")
    assert returncode == 0
    [request_line] = [line for line in lines if line.get("request_id") == "in-flight-1"]
    assert request_line["status"] == 200 and request_line["messages"] == API_DEFAULTS["max_batch"]
