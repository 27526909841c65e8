"""``signals serve``: uvicorn running ``create_app``, JSON logs, graceful shutdown, exit code 0."""

from __future__ import annotations

import signal
from pathlib import Path

import uvicorn

from signals.api.app import create_app
from signals.api.logs import configure_logging
from signals.settings import Settings, load_settings


def serve(host: str = "127.0.0.1", port: int = 8000, model_dir: Path | str | None = None,
          settings: Settings | None = None) -> int:
    """Serve until SIGTERM or SIGINT, then shut down gracefully. Settings come from the environment
    (``SIGNALS_*``, or the given ``settings``); ``model_dir`` overrides ``SIGNALS_MODEL``. Returns the
    exit code."""
    configure_logging()
    settings = settings if settings is not None else load_settings()
    if model_dir is not None:
        settings = settings.model_copy(update={"model_dir": Path(model_dir)})
    config = uvicorn.Config(
        create_app(settings), host=host, port=port, lifespan="on",
        log_config=None,    # keep the JSON logging configured above
        access_log=False,   # RequestContextMiddleware logs every request (without paths or text)
        server_header=False,
        timeout_graceful_shutdown=settings.shutdown_timeout,  # seconds in-flight requests get
        # Open connections (idle, sending or being answered) before uvicorn answers new requests
        # with a plain 503: bounds the sockets and buffers one client can hold.
        limit_concurrency=settings.max_connections,
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
