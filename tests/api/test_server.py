"""End to end: `signals serve` in a real uvicorn process, /readyz, a scored request, SIGTERM → exit 0."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys

import httpx
import pytest

from live_server import free_port, wait_ready

SECRET_TEXT = "server-test-hoe-oud-ben-je-zeldzaam"
API_KEY = "e2e-sleutel-9f3a"


def _terminate(process: subprocess.Popen, timeout: float) -> tuple[str, str]:
    """SIGTERM, then the output; killed when it has not exited within ``timeout`` (the test then fails on its exit code)."""
    process.send_signal(signal.SIGTERM)
    try:
        return process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        return process.communicate()


@pytest.mark.slow
def test_signals_serve_end_to_end(tiny_model_dir, tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    env.update(SIGNALS_MODEL_DIR=str(tiny_model_dir), SIGNALS_API_KEYS=f"oude-sleutel,{API_KEY}")
    process = subprocess.Popen(
        [sys.executable, "-m", "signals.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        ready = wait_ready(base, process)
        assert ready.json()["status"] == "ready"
        assert httpx.get(f"{base}/healthz").status_code == 200

        payload = {"messages": [{"id": "e2e-1", "text": "kom op snap", "context": [
            {"speaker": "a", "text": "jij bent echt anders dan de rest"},
            {"speaker": "a", "text": "hoe oud ben je eigenlijk?"}]},
            {"id": "e2e-2", "text": SECRET_TEXT}], "explain": True}
        denied = httpx.post(f"{base}/v1/score", json=payload)
        assert denied.status_code == 401 and denied.json()["error"]["code"] == "unauthorized"

        response = httpx.post(f"{base}/v1/score", json=payload,
                              headers={"X-API-Key": API_KEY, "X-Request-ID": "e2e-req-1"}, timeout=30.0)
        assert response.status_code == 200, response.text
        assert response.headers["X-Request-ID"] == "e2e-req-1"
        body = response.json()
        assert [r["id"] for r in body["results"]] == ["e2e-1", "e2e-2"]
        assert body["model"] == ready.json()["model"]

        too_large = httpx.post(f"{base}/v1/score", content=b"x" * 2_100_000,
                               headers={"Content-Type": "application/json", "X-API-Key": API_KEY})
        assert too_large.status_code == 413
        assert 'status="200"' in httpx.get(f"{base}/metrics").text
    finally:
        stdout, stderr = _terminate(process, timeout=30)
    assert process.returncode == 0, stderr[-3000:]

    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert lines, f"expected JSON log lines, got: {stderr[-2000:]}"
    [request_line] = [line for line in lines if line.get("request_id") == "e2e-req-1"]
    assert request_line["route"] == "/v1/score" and request_line["status"] == 200 and request_line["messages"] == 2
    assert any(line.get("event") == "model_ready" for line in lines)
    assert SECRET_TEXT not in stderr and SECRET_TEXT not in stdout


@pytest.mark.slow
def test_signals_serve_with_two_processes(tiny_model_dir, tmp_path):
    """--processes 2: uvicorn's supervisor starts two server processes on one port, each loads and
    verifies the model and answers; SIGTERM stops both gracefully (exit 0)."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    process = subprocess.Popen(
        [sys.executable, "-m", "signals.cli", "serve", "--port", str(port), "--processes", "2",
         "--model", str(tiny_model_dir)], cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        text=True)
    try:
        ready = wait_ready(base, process)
        answers = [httpx.post(f"{base}/v1/score", json={"messages": [{"id": str(i), "text": "hoe oud ben je?"}]},
                              timeout=30.0) for i in range(20)]
        assert all(a.status_code == 200 for a in answers)
        assert {a.json()["model"]["sha256"] for a in answers} == {ready.json()["model"]["sha256"]}
    finally:
        _, stderr = _terminate(process, timeout=60)
    assert process.returncode == 0, stderr[-3000:]
    lines = [json.loads(line) for line in stderr.splitlines() if line.startswith("{")]
    assert sum(line.get("event") == "model_ready" for line in lines) == 2   # one model per process
