"""Issue 9, defects 2 and 4: workers ride out a Redis outage, and a worker killed uncleanly can
start again under its name at once. Real processes, our own Valkey, bounded waits."""

from __future__ import annotations

import time
from pathlib import Path

from redis import Redis
from rq import Queue
from rq.serializers import JSONSerializer

from service.db import create_db_engine, session_factory
from service.moderation import Moderation
from service.queue import CLASSIFY_QUEUE, GuardedQueue, JobQueue, connect_redis
from service.settings import Settings
from tests.factories import new_comment
from tests.intake import submit
from tests.integration.faults.stack import (
    Process,
    Valkey,
    assert_every_accepted_comment_decided_once,
    spawn_worker,
    wait_for,
    wait_worker_ready,
)


def submit_many(database_url: str, redis_url: str, count: int) -> list[str]:
    """Store and enqueue comments as the API would (enqueue failures are left to the sweeper)."""
    engine = create_db_engine(database_url)
    redis = connect_redis(redis_url)
    try:
        settings = Settings(database_url=database_url, redis_url=redis_url)
        moderation = Moderation(session_factory(engine), settings, GuardedQueue(JobQueue(redis)))
        stored = submit(moderation, [new_comment() for _ in range(count)])
        return [s.comment_id for s in stored]
    finally:
        redis.close()
        engine.dispose()


def test_a_busy_worker_rides_out_redis_being_killed(
    env: dict[str, str], valkey: Valkey, sqlite_url: str, fault_dir: Path,
    processes: list[Process],
) -> None:  # fmt: skip
    worker = spawn_worker("w-outage", env, fault_dir / "logs")
    processes.append(worker)
    wait_worker_ready(worker)
    client = Redis.from_url(valkey.url)
    # A job that is still running when Redis dies: RQ's bookkeeping after it meets the outage.
    Queue(CLASSIFY_QUEUE, connection=client, serializer=JSONSerializer).enqueue_call(
        "time.sleep", args=(3,)
    )
    client.close()
    time.sleep(1.0)

    valkey.kill()
    during = submit_many(sqlite_url, valkey.url, 5)  # accepted while Redis is down: not enqueued
    time.sleep(4.0)  # the sleeping job ends, and RQ finds Redis gone
    assert worker.popen.poll() is None, worker.output()

    valkey.start()
    after = submit_many(sqlite_url, valkey.url, 5)
    assert_every_accepted_comment_decided_once(sqlite_url, during + after, timeout=45)
    assert worker.popen.poll() is None


def test_a_killed_worker_starts_again_under_its_name_at_once(
    env: dict[str, str], valkey: Valkey, sqlite_url: str, fault_dir: Path,
    processes: list[Process],
) -> None:  # fmt: skip
    first = spawn_worker("w-same", env, fault_dir / "logs")
    processes.append(first)
    wait_worker_ready(first)
    first.kill()

    second = spawn_worker("w-same", env, fault_dir / "logs")
    processes.append(second)
    wait_worker_ready(second)
    ids = submit_many(sqlite_url, valkey.url, 3)
    assert_every_accepted_comment_decided_once(sqlite_url, ids, timeout=30)
    wait_for(lambda: second.popen.poll() is None, 1, "the second worker still running")
