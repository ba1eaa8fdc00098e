"""Server-sent events: one Redis pub/sub subscription per API process, fanned out to streams.

:class:`EventHub` holds the process's only subscription (redis-py's async pool would otherwise
give each stream its own connection, and silently stop at its pool size). It relays the events
channel to every open stream through a small queue per stream, and hands other channels (key
revocations) to their handlers. Streams are capped at ``max_streams`` per process; one more is
a 503 with Retry-After.

A stream ends when the client goes away (Starlette cancels it), and when the server starts
shutting down: uvicorn waits for open responses *before* it runs the lifespan shutdown, so a
stream that only watched the lifespan would hold Ctrl-C for the whole graceful-shutdown timeout.
:func:`watch_server_shutdown` therefore chains the server's SIGINT/SIGTERM handlers to set the
shutdown event first.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import signal
import threading
import time
from collections.abc import AsyncIterator, Callable, Mapping
from types import FrameType
from typing import Any

import anyio
from redis.asyncio import Redis as AsyncRedis
from redis.exceptions import RedisError

from service import redis_url
from service.errors import UnavailableError
from service.events import CHANNEL

KEEPALIVE_SECONDS = 15.0
# How often the hub and a waiting stream look at the shutdown event: the longest Ctrl-C waits.
POLL_SECONDS = 0.5
# Events a slow stream may fall behind by; older ones are dropped (screens re-fetch anyway).
STREAM_BACKLOG = 256
RESUBSCRIBE_MAX_SECONDS = 10.0

log = logging.getLogger(__name__)

ChannelHandler = Callable[[bytes], None]


class TooManyStreamsError(UnavailableError):
    """This API process already relays as many event streams as it may."""

    code = "too-many-streams"
    title = "Too many event streams"

    def __init__(self, limit: int, retry_after: int = 30) -> None:
        super().__init__(
            f"this API process already serves {limit} event streams "
            "(COMMENTDESK_MAX_EVENT_STREAMS); retry later or on another process"
        )
        self.retry_after = retry_after


def connect_async_redis(url: str) -> AsyncRedis:
    """The process's asyncio client for its one subscription."""
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


class EventHub:
    """The process's one subscription: events fan out to streams, other channels to handlers."""

    def __init__(
        self,
        redis: AsyncRedis,
        stopping: asyncio.Event,
        *,
        max_streams: int = 1000,
        handlers: Mapping[str, ChannelHandler] | None = None,
        keepalive_seconds: float = KEEPALIVE_SECONDS,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        self.redis = redis
        self.stopping = stopping
        self.max_streams = max_streams
        self.keepalive_seconds = keepalive_seconds
        self.poll_seconds = poll_seconds
        self._handlers = dict(handlers or {})
        self._streams: set[asyncio.Queue[str]] = set()
        self._subscribed = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def start(self) -> None:
        """Subscribe in the background (and again after every Redis failure)."""
        self._task = asyncio.create_task(self._run(), name="event-hub")

    async def admit(self, wait_seconds: float = 2.0) -> None:
        """Raise unless a new stream can be served now (503 either way); a subscription being
        (re)made gets ``wait_seconds`` to come up."""
        if len(self._streams) >= self.max_streams:
            raise TooManyStreamsError(self.max_streams)
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(wait_seconds):
                await self._subscribed.wait()
        if not self._subscribed.is_set():
            raise UnavailableError("live events are unavailable: Redis is not reachable")

    async def stream(self) -> AsyncIterator[str]:
        """``: connected`` (what is published from now on is relayed), then events, keepalives."""
        queue: asyncio.Queue[str] = asyncio.Queue(STREAM_BACKLOG)
        self._streams.add(queue)
        try:
            yield ": connected\n\n"  # also sends the headers now: the client knows it is live
            next_keepalive = time.monotonic() + self.keepalive_seconds
            while not self.stopping.is_set():
                wait = min(self.poll_seconds, max(0.0, next_keepalive - time.monotonic()))
                chunk = await _next(queue, wait)
                if chunk is not None:
                    yield chunk
                elif time.monotonic() >= next_keepalive:
                    yield ": keepalive\n\n"
                    next_keepalive = time.monotonic() + self.keepalive_seconds
        finally:
            self._streams.discard(queue)

    async def close(self) -> None:
        """End every open stream, the subscription, and the client's connections."""
        self.stopping.set()
        if self._task is not None:
            self._task.cancel()  # not waiting out its poll: every shutdown would pay for it
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self.redis.aclose()

    async def _run(self) -> None:
        delay = POLL_SECONDS
        while not self.stopping.is_set():
            try:
                await self._relay()
                delay = POLL_SECONDS
            except RedisError:
                log.warning("event subscription lost: Redis unavailable; retrying", exc_info=True)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await self.stopping.wait()
            delay = min(RESUBSCRIBE_MAX_SECONDS, delay * 2)

    async def _relay(self) -> None:
        pubsub = self.redis.pubsub(ignore_subscribe_messages=True)
        try:
            await pubsub.subscribe(CHANNEL, *self._handlers)
            self._subscribed.set()
            while not self.stopping.is_set():
                message = await pubsub.get_message(timeout=self.poll_seconds)
                if message is not None and message.get("type") == "message":
                    self._dispatch(message)
        finally:
            self._subscribed.clear()
            with anyio.CancelScope(shield=True):
                await pubsub.aclose()  # type: ignore[no-untyped-call]  # untyped in redis-py 8

    def _dispatch(self, message: Mapping[str, Any]) -> None:
        channel = message["channel"]
        channel = channel.decode() if isinstance(channel, bytes) else str(channel)
        if channel in self._handlers:
            self._handlers[channel](message["data"])
            return
        event = decode_event(message["data"])
        if event is None:
            return
        chunk = sse_event(*event)
        for queue in self._streams:
            if queue.full():  # a stalled client: drop its oldest event, never block the others
                queue.get_nowait()
            queue.put_nowait(chunk)


async def _next(queue: asyncio.Queue[str], wait: float) -> str | None:
    # Waiting here, not around a yield: a timeout must never fire into the consumer's await.
    try:
        return await asyncio.wait_for(queue.get(), wait)
    except TimeoutError:
        return None


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
