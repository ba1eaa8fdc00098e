"""Renewing this worker's model heartbeat, which the API's readiness check reads."""

from __future__ import annotations

import logging
import threading

from redis import Redis

from service.errors import QueueError
from service.heartbeat import TTL_SECONDS, announce_model
from workers.model_cache import ModelCache
from workers.periodic import Periodic

# Renew well inside the TTL so one slow round trip does not make the worker look dead.
RENEW_SECONDS = TTL_SECONDS / 3

log = logging.getLogger(__name__)


def announce(redis: Redis, worker_name: str, version_id: str) -> None:
    """Announce a loaded version; a Redis failure is logged, not raised."""
    try:
        announce_model(redis, worker_name, version_id)
    except QueueError as exc:
        log.warning("%s", exc)


def beat(redis: Redis, worker_name: str, models: ModelCache) -> None:
    """Re-check the champion alias and renew the heartbeat for the model now loaded."""
    loaded = models.get()
    if loaded is not None:
        announce(redis, worker_name, loaded.version.id)


def start_heartbeat(
    redis: Redis, worker_name: str, models: ModelCache, poll_seconds: float, stop: threading.Event
) -> Periodic:
    """Start the heartbeat thread; it also picks up promotions while the worker is idle."""
    interval = min(poll_seconds, RENEW_SECONDS)
    thread = Periodic("heartbeat", lambda: beat(redis, worker_name, models), interval, stop)
    thread.start()
    return thread
