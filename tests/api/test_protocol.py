"""What uvicorn answers by itself, before the app runs, in the error envelope: raw bytes against a
real ``signals serve`` (one process, and ``--processes 2``). A malformed request is a 400
``bad_request``, a request over ``SIGNALS_MAX_CONNECTIONS`` a 503 ``too_many_connections``, both
``application/json`` with ``Connection: close``; a request that is odd but valid still reaches the app."""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from live_server import HOST, free_port, wait_ready
from signals.api.protocol import MALFORMED_REQUEST, TOO_MANY_CONNECTIONS

MAX_CONNECTIONS = 4
BODY = b'{"messages": [{"id": "1", "text": "hoe oud ben je?"}]}'


@contextlib.contextmanager
def _serving(model_dir: Path, cwd: Path, *args: str, **env_vars: str) -> Iterator[int]:
    """``signals serve`` on a free port until the block ends (SIGTERM, then killed after 60 s)."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNALS_")}
    env.update(SIGNALS_MODEL_DIR=str(model_dir), **env_vars)
    process = subprocess.Popen([sys.executable, "-m", "signals.cli", "serve", "--host", HOST, "--port", str(port),
                                *args], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_ready(f"http://{HOST}:{port}", process)
        yield port
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _exchange(port: int, request: bytes) -> tuple[http.client.HTTPResponse, bytes]:
    """Send ``request`` as it is; the response and its body, read until the server closes."""
    with socket.create_connection((HOST, port), timeout=10) as sock:
        sock.sendall(request)
        response = http.client.HTTPResponse(sock)
        response.begin()
        body = response.read()
        assert sock.recv(1) == b"", "the server closes the connection after the answer"
    return response, body


def _assert_envelope(response: http.client.HTTPResponse, body: bytes, status: int, code: str, message: str) -> None:
    assert response.status == status, body
    assert response.getheader("Content-Type") == "application/json"
    assert response.getheader("Connection", "").lower() == "close"
    assert response.getheader("Content-Length") == str(len(body))
    assert json.loads(body) == {"error": {"code": code, "message": message, "field": None}}


def _post(*headers: bytes, body: bytes = BODY) -> bytes:
    return b"POST /v1/score HTTP/1.1\r\nHost: signals\r\nContent-Type: application/json\r\n" + b"".join(
        header + b"\r\n" for header in headers) + b"\r\n" + body


@pytest.fixture(scope="module")
def port(tiny_model_dir, tmp_path_factory) -> Iterator[int]:
    cwd = tmp_path_factory.mktemp("serve")
    with _serving(tiny_model_dir, cwd, SIGNALS_MAX_CONNECTIONS=str(MAX_CONNECTIONS)) as serving:
        yield serving


# (case, raw request): each one uvicorn's parser refuses before the app sees it
MALFORMED = [
    ("Content-Length not a number", _post(b"Content-Length: abc")),
    ("two Content-Lengths that differ", _post(b"Content-Length: %d" % len(BODY), b"Content-Length: 3")),
    ("negative Content-Length", _post(b"Content-Length: -1")),
    ("chunk size not hexadecimal", _post(b"Transfer-Encoding: chunked", body=b"zz\r\n" + BODY + b"\r\n0\r\n\r\n")),
    ("request line without a target", b"GET HTTP/1.1\r\nHost: signals\r\n\r\n"),
    ("request line of one word", b"hallo\r\n\r\n"),
    ("header line without a colon", b"GET /healthz HTTP/1.1\r\nHost: signals\r\nhoe oud ben je\r\n\r\n"),
    ("space before the colon", b"GET /healthz HTTP/1.1\r\nHost : signals\r\n\r\n"),
    ("HTTP/1.1 without Host", b"GET /healthz HTTP/1.1\r\n\r\n"),
]


@pytest.mark.slow
@pytest.mark.parametrize("request_bytes", [case[1] for case in MALFORMED], ids=[case[0] for case in MALFORMED])
def test_a_malformed_request_is_answered_400_in_the_envelope_and_closed(port, request_bytes):
    response, body = _exchange(port, request_bytes)
    _assert_envelope(response, body, 400, "bad_request", MALFORMED_REQUEST)


# (case, raw request, status, code): odd but valid, so the app answers (with its request id)
VALID = [
    ("two Content-Lengths that agree", _post(b"Content-Length: %d" % len(BODY), b"Content-Length: %d" % len(BODY),
                                             b"Connection: close"), 200, None),
    ("Content-Length with leading zeros", _post(b"Content-Length: 000%d" % len(BODY), b"Connection: close"), 200,
     None),
    ("chunked body", _post(b"Transfer-Encoding: chunked", b"Connection: close",
                           body=b"%x\r\n" % len(BODY) + BODY + b"\r\n0\r\n\r\n"), 200, None),
    ("Content-Length 0", _post(b"Content-Length: 0", b"Connection: close", body=b""), 422, "validation_error"),
]


@pytest.mark.slow
@pytest.mark.parametrize(("request_bytes", "status", "code"), [case[1:] for case in VALID],
                         ids=[case[0] for case in VALID])
def test_an_odd_but_valid_request_reaches_the_app(port, request_bytes, status, code):
    response, body = _exchange(port, request_bytes)
    assert response.status == status, body
    assert response.getheader("X-Request-ID")
    if code is not None:
        assert json.loads(body)["error"]["code"] == code


@pytest.mark.slow
def test_a_request_over_max_connections_is_answered_503_in_the_envelope(port):
    # the idle connections are accepted before the last one is read (in the order they were made)
    idle = [socket.create_connection((HOST, port), timeout=10) for _ in range(MAX_CONNECTIONS - 1)]
    try:
        response, body = _exchange(port, b"GET /healthz HTTP/1.1\r\nHost: signals\r\n\r\n")
    finally:
        for sock in idle:
            sock.close()
    _assert_envelope(response, body, 503, "too_many_connections", TOO_MANY_CONNECTIONS)
    assert response.getheader("Retry-After") == "1"
    deadline = time.monotonic() + 10  # the connections are counted as open until the server sees them close
    while httpx.get(f"http://{HOST}:{port}/healthz").status_code != 200:
        assert time.monotonic() < deadline, "still refused after the idle connections closed"
        time.sleep(0.1)


@pytest.mark.slow
def test_with_two_processes_a_malformed_request_is_answered_in_the_envelope(tiny_model_dir, tmp_path):
    with _serving(tiny_model_dir, tmp_path, "--processes", "2") as two_processes:
        for _ in range(4):  # whichever process accepts the connection
            response, body = _exchange(two_processes, _post(b"Content-Length: abc"))
            _assert_envelope(response, body, 400, "bad_request", MALFORMED_REQUEST)
