"""The sweeper: one process per interval, across all workers and hosts, runs housekeeping.

Every worker process runs a sweeper thread; a Redis ``SET NX PX`` lock that is left to expire
(never released) makes only the first one in each interval do the work. The gap between two
sweeps is therefore between one and two intervals, which ``sweep_after_seconds`` tolerates.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Mapping

from redis import Redis
from redis.exceptions import RedisError

from workers.periodic import Periodic

LOCK_KEY = "commentdesk:sweep-lock"

log = logging.getLogger(__name__)


class SweepLock:
    """A lock that at most one holder can take per ``interval_seconds``."""

    def __init__(
        self, redis: Redis, owner: str, interval_seconds: float, key: str = LOCK_KEY
    ) -> None:
        self._redis = redis
        self._owner = owner
        self._ttl_ms = max(1, int(interval_seconds * 1000))
        self._key = key

    def try_acquire(self) -> bool:
        """Take the lock for this interval; False if another process has it or Redis fails."""
        try:
            return bool(self._redis.set(self._key, self._owner, nx=True, px=self._ttl_ms))
        except RedisError as exc:
            log.warning("sweep skipped, Redis is unreachable: %s", exc)
            return False


def sweep_if_leader(
    lock: SweepLock, sweep: Callable[[], Mapping[str, int]]
) -> Mapping[str, int] | None:
    """Run ``sweep`` if this process wins the interval's lock; None when it did not."""
    return sweep() if lock.try_acquire() else None


def start_sweeper(
    lock: SweepLock,
    sweep: Callable[[], Mapping[str, int]],
    interval_seconds: float,
    stop: threading.Event,
) -> Periodic:
    """Start the sweeper thread; it ends when ``stop`` is set."""
    thread = Periodic("sweeper", lambda: sweep_if_leader(lock, sweep), interval_seconds, stop)
    thread.start()
    return thread
