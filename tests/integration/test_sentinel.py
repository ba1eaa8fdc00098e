"""Redis through Sentinel, for real: a master, a replica and a Sentinel started by the test; the
service's queue, a worker process's every connection (RQ included) and the event stream's
asyncio client all reach Redis by a ``redis+sentinel://`` URL, and keep working after the
master dies and the Sentinel promotes the replica."""

from __future__ import annotations

import asyncio
import dataclasses
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

import pytest
from redis.sentinel import Sentinel
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Status
from service.http.sse import connect_async_redis
from service.moderation import Moderation
from service.queue import CLASSIFY_QUEUE, GuardedQueue, JobQueue, connect_redis
from service.settings import Settings
from tests.intake import submit
from tests.integration.servers import (
    SENTINEL_MASTER,
    Server,
    needs_redis_server,
    start_redis,
    start_sentinel,
    wait_for,
)
from tests.integration.workers.worker_factories import make_comment
from workers.__main__ import run_worker

pytestmark = needs_redis_server
QUEUE_KEY = f"rq:queue:{CLASSIFY_QUEUE}"


@dataclasses.dataclass
class Sentinelled:
    master: Server
    replica: Server
    sentinel: Server

    @property
    def url(self) -> str:
        return f"redis+sentinel://127.0.0.1:{self.sentinel.port}/{SENTINEL_MASTER}/0"

    def master_port(self) -> int:
        """The master's port as a client sees it: named by the Sentinel and not down."""
        sentinel = Sentinel([("127.0.0.1", self.sentinel.port)], socket_timeout=1)  # type: ignore[no-untyped-call]
        try:
            _host, port = sentinel.discover_master(SENTINEL_MASTER)  # type: ignore[no-untyped-call]
            return int(port)
        finally:
            sentinel.close()


@pytest.fixture
def sentinelled(tmp_path: Path) -> Iterator[Sentinelled]:
    servers: list[Server] = []
    try:
        master = start_redis(tmp_path / "master")
        servers.append(master)
        replica = start_redis(tmp_path / "replica", "--replicaof", "127.0.0.1", str(master.port))
        servers.append(replica)
        wait_for(lambda: _role(replica)["master_link_status"] == "up", "the replica to sync")
        sentinel = start_sentinel(tmp_path / "sentinel", master.port)
        servers.append(sentinel)
        wait_for(lambda: _sentinel_knows_replica(sentinel), "the Sentinel to find the replica")
        yield Sentinelled(master, replica, sentinel)
    finally:
        for server in reversed(servers):
            server.stop()


def _role(server: Server) -> dict[str, object]:
    client = server.client()
    try:
        return dict(client.info("replication"))
    finally:
        client.close()


def _sentinel_knows_replica(sentinel: Server) -> bool:
    # The Sentinel can promote the replica once it has read the replica's own INFO.
    client = sentinel.client()
    try:
        replicas = client.sentinel_slaves(SENTINEL_MASTER)
        return bool(replicas) and replicas[0].get("master-link-status") == "ok"
    finally:
        client.close()


def _queued(server: Server) -> int:
    client = server.client()
    try:
        return int(client.llen(QUEUE_KEY))
    finally:
        client.close()


def test_queue_and_worker_keep_working_through_a_sentinel_failover(
    sentinelled: Sentinelled, sessions: sessionmaker[Session], settings: Settings
) -> None:
    settings = dataclasses.replace(settings, redis_url=sentinelled.url)
    moderation = Moderation(
        sessions, settings, GuardedQueue(JobQueue(connect_redis(settings.redis_url or "")))
    )
    (first,) = submit(moderation, [make_comment()])
    assert _queued(sentinelled.master) == 1  # the job went to the master the Sentinel named
    run_worker(settings, burst=True, name="sentinel-worker-1")
    assert moderation.get_comment(first.comment_id).status is not Status.PENDING

    sentinelled.master.stop()  # the master's host dies; the Sentinel promotes the replica
    wait_for(lambda: sentinelled.master_port() == sentinelled.replica.port, "the failover")

    (second,) = submit(moderation, [make_comment()])  # the same client, opened before failover
    assert _queued(sentinelled.replica) == 1  # ...wrote to the new master
    run_worker(settings, burst=True, name="sentinel-worker-2")
    assert moderation.get_comment(second.comment_id).status is not Status.PENDING
    assert _queued(sentinelled.replica) == 0


def test_the_event_streams_asyncio_client_serves_through_the_sentinel(
    sentinelled: Sentinelled,
) -> None:
    async def publish_and_receive() -> object:
        redis = connect_async_redis(sentinelled.url)
        pubsub = redis.pubsub()
        try:
            await pubsub.subscribe("commentdesk:test")
            await redis.publish("commentdesk:test", "hello")
            for _ in range(20):
                message = await pubsub.get_message(ignore_subscribe_messages=True, timeout=0.5)
                if message is not None:
                    return message["data"]
            return None
        finally:
            await pubsub.aclose()  # type: ignore[no-untyped-call]
            await redis.aclose()

    assert asyncio.run(publish_and_receive()) == b"hello"


class SignalledError(Exception):
    """Raised by a signal handler in the middle of a read, as RQ's SIGTERM handler does."""


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise SignalledError


def test_a_read_interrupted_by_a_signal_does_not_leave_its_reply_for_the_next_command(
    sentinelled: Sentinelled,
) -> None:
    client = connect_redis(sentinelled.url)
    previous = signal.signal(signal.SIGALRM, _interrupt)
    try:
        client.set("greeting", "hello")
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises(SignalledError):
            client.blpop(["nothing-will-come"], timeout=2)

        assert client.get("greeting") == b"hello"  # its own reply, not BLPOP's late nil
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        client.close()


def test_a_worker_on_a_sentinel_url_stops_at_once_on_sigterm(
    sentinelled: Sentinelled, settings: Settings, tmp_path: Path
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTDESK_")}
    env.update(
        DATABASE_URL=settings.effective_database_url,
        REDIS_URL=sentinelled.url,
        COMMENTDESK_DATA_DIR=str(tmp_path / "worker"),
    )
    log = tmp_path / "worker.log"
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [sys.executable, "-m", "commentdesk", "worker", "--name", "sentinel-worker"],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for(lambda: "taking jobs" in log.read_text(), "the worker to start", 60)
        time.sleep(0.5)  # in RQ's blocking dequeue now
        worker.send_signal(signal.SIGTERM)
        assert worker.wait(timeout=15) == 0, log.read_text()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait(timeout=10)
    assert "worker sentinel-worker stopped" in log.read_text()
