"""A real ``signals serve`` process in the tests: a free loopback port, and waiting until it is ready.
Shared by the tests that start the server themselves (``api/test_server.py``, ``api/test_protocol.py``,
``security/test_shutdown.py``); imported by name, as pytest puts this folder on ``sys.path`` for its
``conftest.py``."""

from __future__ import annotations

import socket
import subprocess
import time

import httpx

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def wait_ready(base: str, process: subprocess.Popen, timeout: float = 120.0) -> httpx.Response:
    """The first 200 of ``base``/readyz; fails when the process exits first or ``timeout`` runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"server exited early with {process.returncode}")
        try:
            response = httpx.get(f"{base}/readyz", timeout=2.0)
            if response.status_code == 200:
                return response
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise AssertionError("server did not become ready")
