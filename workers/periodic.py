"""A daemon thread that runs one function on an interval until told to stop."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class Periodic(threading.Thread):
    """Calls ``action`` every ``interval`` seconds until ``stop`` is set."""

    def __init__(
        self, name: str, action: Callable[[], object], interval: float, stop: threading.Event
    ) -> None:
        super().__init__(name=name, daemon=True)
        self._action = action
        self._interval = interval
        self._stop_event = stop

    def run(self) -> None:
        """Run until stopped; waiting on the event makes the stop immediate."""
        while not self._stop_event.wait(self._interval):
            self.run_once()

    def run_once(self) -> None:
        """Run the action once; a failure is logged so that the thread survives it."""
        try:
            self._action()
        except Exception:  # a background duty must outlive a Redis or database outage
            log.exception("%s failed; trying again in %.0fs", self.name, self._interval)


class Backoff:
    """Exponential waits: ``first``, twice that, ... up to ``most`` seconds."""

    def __init__(self, first: float, most: float) -> None:
        self._first = first
        self._most = most
        self._next = first

    def next(self) -> float:
        """The wait to use now; the one after it doubles."""
        wait = self._next
        self._next = min(self._most, self._next * 2)
        return wait

    def reset(self) -> None:
        """Start again from ``first`` (the thing waited for came back)."""
        self._next = self._first
