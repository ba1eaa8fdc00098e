"""Server-sent events: Redis pub/sub messages relayed to moderator screens.

Each open stream holds its own pub/sub subscription. A stream ends when the client goes away
(Starlette cancels it), and when the server starts shutting down: uvicorn waits for open
responses *before* it runs the lifespan shutdown, so a stream that only watched the lifespan
would hold Ctrl-C for the whole graceful-shutdown timeout. :func:`watch_server_shutdown`
therefore chains the server's SIGINT/SIGTERM handlers to set the shutdown event first.
"""

from __future__ import annotations

import asyncio
import json
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable
from types import FrameType
from typing import Any

import anyio
from redis.asyncio import Redis as AsyncRedis
from redis.exceptions import RedisError

from service import redis_url
from service.events import CHANNEL

KEEPALIVE_SECONDS = 15.0
# How often a waiting stream looks at the shutdown event: the longest Ctrl-C waits for it.
POLL_SECONDS = 0.5

log = logging.getLogger(__name__)


def connect_async_redis(url: str) -> AsyncRedis:
    """The process's asyncio client for subscriptions (connections open lazily, per stream)."""
    return redis_url.connect_async(url, socket_connect_timeout=1.0, health_check_interval=30)


def sse_event(kind: str, data: Any) -> str:
    """One event in the text/event-stream format (the JSON holds no newline)."""
    return f"event: {kind}\ndata: {json.dumps(data, separators=(',', ':'))}\n\n"


def decode_event(raw: bytes | str) -> tuple[str, Any] | None:
    """The ``(type, data)`` of a published message; None for anything malformed."""
    try:
        message = json.loads(raw)
    except ValueError:
        return None
    if not isinstance(message, dict) or not isinstance(message.get("type"), str):
        return None
    return message["type"], message.get("data")


class LiveEvents:
    """Relays ``CHANNEL`` to each open stream until it disconnects or the server stops."""

    def __init__(
        self,
        redis: AsyncRedis,
        stopping: asyncio.Event,
        *,
        keepalive_seconds: float = KEEPALIVE_SECONDS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.redis = redis
        self.stopping = stopping
        self.keepalive_seconds = keepalive_seconds
        self.poll_seconds = poll_seconds

    async def stream(self) -> AsyncIterator[str]:
        """Subscribe, say so (``: connected``: what is published from now on is relayed), relay."""
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(CHANNEL)
            yield ": connected\n\n"  # also sends the headers now: the client knows it is live
            next_keepalive = time.monotonic() + self.keepalive_seconds
            while not self.stopping.is_set():
                wait = min(self.poll_seconds, max(0.0, next_keepalive - time.monotonic()))
                message = await pubsub.get_message(timeout=wait)
                if message is not None and message.get("type") == "message":
                    event = decode_event(message["data"])
                    if event is not None:
                        yield sse_event(*event)
                if time.monotonic() >= next_keepalive:
                    yield ": keepalive\n\n"
                    next_keepalive = time.monotonic() + self.keepalive_seconds
        except RedisError:
            log.warning("event stream ended: Redis unavailable", exc_info=True)
        finally:
            # Cancelled by a disconnect: the cancel scope would cancel these awaits too.
            with anyio.CancelScope(shield=True):
                await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py 8

    async def close(self) -> None:
        """End every open stream and release the client's connections."""
        self.stopping.set()
        await self.redis.aclose()


def watch_server_shutdown(stopping: asyncio.Event) -> Callable[[], None]:
    """Set ``stopping`` on SIGINT/SIGTERM, then run the server's own handler; returns an undo.

    A no-op off the main thread (signal handlers can only be set there, e.g. a test server).
    """
    if threading.current_thread() is not threading.main_thread():
        return lambda: None
    loop = asyncio.get_running_loop()
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {sig: signal.getsignal(sig) for sig in signals}

    def handle(sig: int, frame: FrameType | None) -> None:
        loop.call_soon_threadsafe(stopping.set)
        handler = previous[signal.Signals(sig)]
        if callable(handler):
            handler(sig, frame)
        elif handler == signal.SIG_DFL:
            signal.signal(sig, signal.SIG_DFL)
            signal.raise_signal(sig)

    for sig in signals:
        signal.signal(sig, handle)

    def restore() -> None:
        for sig, handler in previous.items():
            if handler is not None:
                signal.signal(sig, handler)

    return restore
