"""Stopping a command cleanly: SIGTERM and SIGHUP (a closed terminal) are raised in the main thread as
``Stopped``, a KeyboardInterrupt like Ctrl-C's, so every ``finally`` runs (a temp output, a partial
Spark dataset, a training staging folder is removed; py4j closes its connection) and the command
exits with 128 + the signal's number."""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised where the main thread was."""

    def __init__(self, signum: int = signal.SIGTERM) -> None:
        super().__init__(signum)
        self.signum = signum


def stop_signal(stop: KeyboardInterrupt) -> signal.Signals:
    """The signal a KeyboardInterrupt stands for: its own for ``Stopped``, SIGINT for Ctrl-C."""
    return signal.Signals(stop.signum if isinstance(stop, Stopped) else signal.SIGINT)


def _raise_stopped(signum, frame) -> None:
    raise Stopped(signum)


@contextmanager
def stop_signals_raise() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise ``Stopped`` (in the main thread; elsewhere signal
    handlers cannot be set and nothing changes); the handlers before are restored after it."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.signal(signum, _raise_stopped) for signum in STOP_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
