"""GET /v1/events against the real API process (`commentdesk api` under uvicorn) on loopback:
a published event reaches an HTTP client, and SIGTERM ends open streams at once."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx2 as httpx
import pytest
from redis import Redis

from service.domain import Role
from service.events import CHANNEL, RedisEvents
from service.http.sse import EventHub, connect_async_redis
from tests.integration.http.conftest import Headers
from tests.integration.http.conftest import make_key as make_key  # a fixture, shared

START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_api(
    database_url: str, redis_url: str, data_dir: Path, **extra: str
) -> tuple[str, subprocess.Popen[bytes]]:
    """`commentdesk api` on a free loopback port, serving."""
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTDESK_")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        COMMENTDESK_DATA_DIR=str(data_dir),
        COMMENTDESK_PORT=str(port),
        COMMENTDESK_HOST="127.0.0.1",
        **extra,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "commentdesk", "api"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_until_serving(url, process)
    except BaseException:
        process.kill()
        process.wait(timeout=10)
        raise
    return url, process


def stop_api(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=10)


@pytest.fixture
def api(
    database_url: str, test_redis_url: str, tmp_path: Path
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`commentdesk api` on a free loopback port, ready to serve."""
    url, process = start_api(database_url, test_redis_url, tmp_path)
    try:
        yield url, process
    finally:
        stop_api(process)


def wait_until_serving(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        assert process.poll() is None, "the API process exited while starting"
        try:
            if httpx.get(f"{url}/healthz", timeout=1.0).status_code == 200:
                return
        except httpx.TransportError:
            time.sleep(0.1)
    pytest.fail("the API did not start")


def read_event(lines: Iterator[str]) -> tuple[str, object]:
    """The next event of a stream, skipping comment lines (`: connected`, `: keepalive`)."""
    kind = None
    for line in lines:
        if line.startswith("event: "):
            kind = line.removeprefix("event: ")
        elif line.startswith("data: ") and kind is not None:
            return kind, json.loads(line.removeprefix("data: "))
    raise AssertionError("the stream ended before an event arrived")


def test_events_stream_relays_a_published_event(
    api: tuple[str, subprocess.Popen[bytes]],
    make_key: Callable[[Role, str], Headers],
    redis: Redis,
) -> None:
    url, _ = api
    headers = make_key(Role.MODERATOR, "mod-ann")
    timeout = httpx.Timeout(5.0)
    with httpx.stream("GET", f"{url}/v1/events", headers=headers, timeout=timeout) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        assert response.headers["cache-control"] == "no-cache"
        assert response.headers["x-accel-buffering"] == "no"
        lines = response.iter_lines()
        assert next(lines) == ": connected"  # subscribed: what is published now is relayed
        RedisEvents(redis).publish("reported", {"comment_id": "c-1"})

        assert read_event(lines) == ("reported", {"comment_id": "c-1"})
        assert subscribers(redis) == 1


def subscribers(redis: Redis) -> int:
    [(_, count)] = redis.pubsub_numsub(CHANNEL)
    return int(count)


def test_sigterm_ends_open_streams_promptly(
    api: tuple[str, subprocess.Popen[bytes]], make_key: Callable[[Role, str], Headers]
) -> None:
    url, process = api
    headers = make_key(Role.OPS, "ops-olu")  # ops may use every moderator route
    with httpx.stream("GET", f"{url}/v1/events", headers=headers, timeout=5.0) as response:
        lines = response.iter_lines()
        assert next(lines) == ": connected"
        started = time.monotonic()
        process.send_signal(signal.SIGTERM)
        # The stream ends cleanly (no more events), without waiting for the client.
        assert [line for line in lines if line] == []

    process.wait(timeout=5)
    # uvicorn's graceful timeout (10 s) would cancel a stream that ignored the shutdown.
    assert time.monotonic() - started < 3.0
    # uvicorn re-raises the signal it caught once it has shut down cleanly.
    assert process.returncode in (0, -signal.SIGTERM)


def test_a_quiet_stream_sends_keepalives_and_ends_on_shutdown(test_redis_url: str) -> None:
    async def run() -> list[str]:
        stopping = asyncio.Event()
        live = EventHub(
            connect_async_redis(test_redis_url), stopping, keepalive_seconds=0.2, poll_seconds=0.05
        )
        live.start()
        await live.admit()
        received = []
        async for chunk in live.stream():
            received.append(chunk)
            if len(received) == 3:
                await live.close()  # what the lifespan does: the stream ends at its next look
        return received

    received = asyncio.run(asyncio.wait_for(run(), timeout=5))

    assert received == [": connected\n\n", ": keepalive\n\n", ": keepalive\n\n"]


def test_streams_share_one_subscription_and_past_the_limit_get_a_503(
    database_url: str, test_redis_url: str, tmp_path: Path,
    make_key: Callable[[Role, str], Headers], redis: Redis,
) -> None:  # fmt: skip
    # Issue 9, defect 9: each stream used to take a pool connection; stream 101 got an empty 200.
    url, process = start_api(
        database_url, test_redis_url, tmp_path, COMMENTDESK_MAX_EVENT_STREAMS="5"
    )
    headers = make_key(Role.MODERATOR, "mod-ann")
    try:
        with contextlib.ExitStack() as streams:
            lines = []
            for _ in range(5):
                response = streams.enter_context(
                    httpx.stream("GET", f"{url}/v1/events", headers=headers, timeout=5.0)
                )
                assert response.status_code == 200
                lines.append(response.iter_lines())
                assert next(lines[-1]) == ": connected"
            assert subscribers(redis) == 1  # one subscription for the whole process

            refused = httpx.get(f"{url}/v1/events", headers=headers, timeout=5.0)
            assert refused.status_code == 503
            assert refused.headers["content-type"].startswith("application/problem+json")
            assert refused.json()["code"] == "too-many-streams"
            assert int(refused.headers["Retry-After"]) > 0

            RedisEvents(redis).publish("reported", {"comment_id": "c-2"})
            for stream in lines:
                assert read_event(stream) == ("reported", {"comment_id": "c-2"})
    finally:
        stop_api(process)
