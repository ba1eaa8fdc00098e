"""The RQ worker class and the stop signals around it.

RQ installs its SIGINT/SIGTERM handlers (warm shutdown) only once ``work()`` has registered the
worker. A signal that arrives earlier — while the model loads, say —
would kill the process with the default handler; here it sets an event instead, which the worker
turns into RQ's own stop request as soon as RQ's handlers are in place.
"""

from __future__ import annotations

import secrets
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rq import SimpleWorker

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class ClassifyWorker(SimpleWorker):
    """A non-forking worker that honours a stop requested before RQ handled signals itself."""

    def __init__(self, *args: Any, early_stop: threading.Event, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._early_stop = early_stop

    @property
    def is_stop_requested(self) -> bool:
        """Whether a stop signal (or the early stop) asked RQ to finish."""
        # RQ records the date of every stop signal; the flag only for one that came mid-job.
        return bool(self._stop_requested) or self._shutdown_requested_date is not None

    def _install_signal_handlers(self) -> None:
        super()._install_signal_handlers()  # type: ignore[no-untyped-call]  # untyped in rq
        if self._early_stop.is_set():
            # RQ's loop checks this flag before each dequeue: it stops before taking a job.
            self._stop_requested = True


def incarnation_name(name: str) -> str:
    """The name this run of a worker registers with RQ: ``name`` plus a random suffix.

    RQ refuses a name while an earlier registration of it lives on, and a worker killed
    uncleanly leaves one for up to 420 s (its TTL): a restarted process, a container restarting
    as PID 1, or a worker reconnecting after a Redis outage would be refused.
    """
    return f"{name}.{secrets.token_hex(3)}"


def catch_stop_signals(stop: threading.Event) -> None:
    """Make SIGINT/SIGTERM set ``stop`` (again, once RQ's own handlers are no longer in use)."""
    for sig in STOP_SIGNALS:
        signal.signal(sig, lambda _signum, _frame: stop.set())


@contextmanager
def stop_signals(stop: threading.Event) -> Iterator[None]:
    """Until RQ takes over, SIGINT/SIGTERM set ``stop``; the previous handlers come back after."""
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    catch_stop_signals(stop)
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
