"""The RQ worker class and the stop signals around it.

RQ installs its SIGINT/SIGTERM handlers (warm shutdown) only once ``work()`` has registered the
worker. A signal that arrives earlier — while the model loads, say —
would kill the process with the default handler; here it sets an event instead, which the worker
turns into RQ's own stop request as soon as RQ's handlers are in place.
"""

from __future__ import annotations

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

    def _install_signal_handlers(self) -> None:
        super()._install_signal_handlers()  # type: ignore[no-untyped-call]  # untyped in rq
        if self._early_stop.is_set():
            # RQ's loop checks this flag before each dequeue: it stops before taking a job.
            self._stop_requested = True


@contextmanager
def stop_signals(stop: threading.Event) -> Iterator[None]:
    """Until RQ takes over, SIGINT/SIGTERM set ``stop``; the previous handlers come back after."""
    previous = {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
    for sig in STOP_SIGNALS:
        signal.signal(sig, lambda _signum, _frame: stop.set())
    try:
        yield
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)
