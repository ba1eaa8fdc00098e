"""The sweeper: recovering comments whose enqueue failed, and one sweep per interval."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta

import pytest
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import ModelVersion, Status
from service.moderation import Moderation
from service.queue import GuardedQueue, JobQueue, connect_redis
from service.settings import Settings
from tests.intake import submit
from tests.integration.workers.worker_factories import make_comment
from workers import jobs
from workers.context import WorkerContext
from workers.sweeper import SweepLock, start_sweeper, sweep_if_leader


def _recording(runs: list[str], name: str) -> Callable[[], Mapping[str, int]]:
    """A sweep that only notes which sweeper ran it."""

    def sweep() -> Mapping[str, int]:
        runs.append(name)
        return {}

    return sweep


def _later(seconds: float) -> Callable[[], datetime]:
    return lambda: utcnow() + timedelta(seconds=seconds)


@pytest.fixture
def dead_queue() -> GuardedQueue:
    """A queue whose Redis refuses connections, as during an outage."""
    return GuardedQueue(JobQueue(connect_redis("redis://127.0.0.1:9/0")))


@pytest.mark.parametrize("outage", ["no-queue", "dead-redis"])
def test_sweeper_recovers_a_comment_whose_enqueue_failed(
    outage: str,
    sessions: sessionmaker[Session],
    settings: Settings,
    dead_queue: GuardedQueue,
    worker_context: WorkerContext,
    champion: ModelVersion,
    redis: Redis,
    run_burst: Callable[[], bool],
) -> None:
    api = Moderation(sessions, settings, None if outage == "no-queue" else dead_queue)
    (stored,) = submit(api, [make_comment()])
    assert redis.llen("rq:queue:classify") == 0
    # The worker's clock runs past sweep_after_seconds, so the comment counts as stuck.
    worker_context.moderation.clock = _later(settings.sweep_after_seconds + 1)

    result = sweep_if_leader(SweepLock(redis, "w1", 10), jobs.sweep)
    run_burst()

    assert result == {"requeued": 1, "purged": 0}
    assert api.get_comment(stored.comment_id).status is Status.APPROVED


def test_sweep_leaves_recent_pending_comments_alone(
    moderation: Moderation, worker_context: WorkerContext, redis: Redis
) -> None:
    submit(Moderation(moderation.sessions, moderation.settings, None), [make_comment()])

    assert jobs.sweep() == {"requeued": 0, "purged": 0}
    assert redis.llen("rq:queue:classify") == 0


def test_sweep_lock_lets_one_of_two_sweepers_run_per_interval(redis: Redis) -> None:
    runs: list[str] = []
    first, second = SweepLock(redis, "w1", 0.3), SweepLock(redis, "w2", 0.3)

    sweep_if_leader(first, _recording(runs, "w1"))
    sweep_if_leader(second, _recording(runs, "w2"))
    sweep_if_leader(first, _recording(runs, "w1"))
    time.sleep(0.35)  # the lock expires with the interval; the next sweep may run
    sweep_if_leader(second, _recording(runs, "w2"))

    assert runs == ["w1", "w2"]


def test_sweep_lock_without_redis_skips_the_sweep() -> None:
    lock = SweepLock(connect_redis("redis://127.0.0.1:9/0"), "w1", 1)

    assert lock.try_acquire() is False


def test_sweeper_threads_sweep_once_per_interval_and_stop_cleanly(redis: Redis) -> None:
    runs: list[str] = []
    stop = threading.Event()
    threads = [
        start_sweeper(SweepLock(redis, name, 0.5), _recording(runs, name), 0.1, stop)
        for name in ("w1", "w2")
    ]
    time.sleep(0.35)
    stop.set()
    for thread in threads:
        thread.join(timeout=1)

    assert not any(t.is_alive() for t in threads)
    assert len(runs) == 1


def test_sweep_purges_envelopes_at_most_once_an_hour(
    moderation: Moderation, worker_context: WorkerContext, redis: Redis
) -> None:
    assert jobs.sweep()["purged"] == 0  # nothing to purge, but the hour's purge has run
    assert redis.ttl(jobs.PURGE_LOCK_KEY) > jobs.PURGE_INTERVAL_SECONDS - 60
    redis.delete(jobs.PURGE_LOCK_KEY)
    assert redis.set(jobs.PURGE_LOCK_KEY, "1", ex=60)
    assert jobs.sweep() == {"requeued": 0, "purged": 0}
