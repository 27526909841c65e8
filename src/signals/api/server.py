"""``signals serve``: uvicorn running ``create_app``, JSON logs, graceful shutdown, exit code 0.

With ``SIGNALS_PROCESSES`` (or ``--processes``) above 1, uvicorn's supervisor starts that many server
processes on the same port; each builds the app from the environment (``app_from_environment``),
loads and verifies the model itself, and scores with its own threads. Scoring is Python code, so
one process uses about one core: processes are what scales a server across cores."""

from __future__ import annotations

import os
import signal
from pathlib import Path

import uvicorn

from signals.api.app import create_app
from signals.api.logs import configure_logging
from signals.api.protocol import EnvelopeH11Protocol
from signals.settings import Settings, load_settings


def app_from_environment():
    """The app of one server process when several are started (uvicorn imports this by name)."""
    configure_logging()
    return create_app(load_settings())


def _serve_processes(host: str, port: int, settings: Settings) -> int:
    # the supervisor's children read their settings from the environment: pass the model on
    os.environ["SIGNALS_MODEL"] = str(Path(settings.require_model_dir()).resolve())
    uvicorn.run("signals.api.server:app_from_environment", factory=True, host=host, port=port,
                workers=settings.processes, lifespan="on", log_config=None, access_log=False,
                server_header=False, timeout_graceful_shutdown=settings.shutdown_timeout,
                limit_concurrency=settings.max_connections, http=EnvelopeH11Protocol)
    return 0


def serve(host: str = "127.0.0.1", port: int = 8000, model_dir: Path | str | None = None,
          settings: Settings | None = None) -> int:
    """Serve until SIGTERM or SIGINT, then shut down gracefully. Settings come from the environment
    (``SIGNALS_*``, or the given ``settings``); ``model_dir`` overrides ``SIGNALS_MODEL``. Returns the
    exit code."""
    configure_logging()
    settings = settings if settings is not None else load_settings()
    if model_dir is not None:
        settings = settings.model_copy(update={"model_dir": Path(model_dir)})
    if settings.processes > 1:
        return _serve_processes(host, port, settings)
    config = uvicorn.Config(
        create_app(settings), host=host, port=port, lifespan="on",
        log_config=None,    # keep the JSON logging configured above
        access_log=False,   # RequestContextMiddleware logs every request (without paths or text)
        server_header=False,
        timeout_graceful_shutdown=settings.shutdown_timeout,  # seconds in-flight requests get
        # Open connections (idle, sending or being answered) before new requests are answered 503
        # too_many_connections: bounds the sockets and buffers one client can hold.
        limit_concurrency=settings.max_connections,
        http=EnvelopeH11Protocol,  # uvicorn's own 400 and 503 answers in the error envelope
    )
    server = uvicorn.Server(config)
    # After a graceful shutdown uvicorn re-raises the signal it stopped on to the handler that was
    # installed before it; with the default SIGTERM handler that would kill the process (exit -15)
    # instead of returning 0. A stop on SIGTERM is a clean exit, so that handler does nothing.
    previous = signal.signal(signal.SIGTERM, lambda signum, frame: None)
    try:
        server.run()
    finally:
        signal.signal(signal.SIGTERM, previous)
    return 0 if server.started else 1
