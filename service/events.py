"""Live events for moderator screens: published to Redis pub/sub after a change commits.

Events are a courtesy, never a record: the database is the truth, a screen that misses an event
catches up on its next fetch. So publishing never raises into a use case.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any, Protocol

from redis import Redis
from redis.exceptions import RedisError

CHANNEL = "commentdesk:events"

log = logging.getLogger(__name__)


class EventSink(Protocol):
    """Where use cases send events once their transaction has committed."""

    def publish(self, kind: str, data: Mapping[str, Any]) -> None:
        """Send one event of type ``kind``."""


class NoEvents:
    """An event sink that drops everything (no Redis configured)."""

    def publish(self, kind: str, data: Mapping[str, Any]) -> None:
        """Drop the event."""


class RedisEvents:
    """Publishes each event as JSON ``{"type": kind, "data": data}`` on ``CHANNEL``."""

    def __init__(self, redis: Redis, channel: str = CHANNEL) -> None:
        self._redis = redis
        self._channel = channel

    def publish(self, kind: str, data: Mapping[str, Any]) -> None:
        """Publish; a Redis fault is logged, never raised (the change has already committed)."""
        message = json.dumps({"type": kind, "data": dict(data)}, default=str)
        try:
            self._redis.publish(self._channel, message)
        except RedisError:
            log.warning("event %s not published: Redis unavailable", kind, exc_info=True)
