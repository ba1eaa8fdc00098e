"""The job queue adapter: RQ with the JSON serializer; jobs are enqueued by dotted path with ids.

The service never imports the workers: it names their jobs by dotted path, and passes only
comment ids, so nothing on the queue is pickled and nothing but ids crosses it.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Sequence

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry
from rq.serializers import JSONSerializer

from service import redis_url
from service.errors import QueueError

CLASSIFY_QUEUE = "classify"
CLASSIFY_JOB = "workers.jobs.classify_comments"
# Immediate retries only: delayed ones need RQ's scheduler, which forks a process from the
# multi-threaded worker (a fork can inherit a lock some other thread held, and hang). The
# sweeper is the slow retry: it re-enqueues anything still pending after SWEEP_AFTER_SECONDS.
CLASSIFY_RETRIES = 2
RESULT_TTL_SECONDS = 300
FAILURE_TTL_SECONDS = 7 * 24 * 3600

log = logging.getLogger(__name__)


def classify_job_id(comment_ids: Sequence[str]) -> str:
    """A deterministic job id for a batch (RQ allows only ``[A-Za-z0-9_-]``)."""
    if len(comment_ids) == 1:
        return f"classify-{comment_ids[0]}"
    digest = hashlib.sha256(",".join(comment_ids).encode()).hexdigest()[:24]
    return f"classify-{comment_ids[0]}-{len(comment_ids)}-{digest}"


def connect_redis(url: str) -> Redis:
    """A client with short timeouts: a stalled Redis must not stall comment intake.

    ``url`` names a server or, ``redis+sentinel://...``, the Sentinels of one (service.redis_url).
    """
    return redis_url.connect(
        url, socket_connect_timeout=1.0, socket_timeout=5.0, health_check_interval=30
    )


class JobQueue:
    """Enqueues classification jobs for comment ids."""

    def __init__(self, redis: Redis, *, is_async: bool = True) -> None:
        self.redis = redis
        self._classify = Queue(
            CLASSIFY_QUEUE, connection=redis, serializer=JSONSerializer, is_async=is_async
        )

    def enqueue_classify(self, comment_ids: Sequence[str], suffix: str = "") -> str:
        """Enqueue one job that classifies these comments; returns its job id."""
        ids = list(comment_ids)
        job_id = classify_job_id(ids) + suffix
        try:
            self._classify.enqueue_call(
                CLASSIFY_JOB,
                args=(ids,),
                job_id=job_id,
                result_ttl=RESULT_TTL_SECONDS,
                failure_ttl=FAILURE_TTL_SECONDS,
                retry=Retry(max=CLASSIFY_RETRIES),
                description=f"classify {len(ids)} comment(s)",
            )
        except RedisError as exc:
            raise QueueError(f"could not enqueue {job_id}: {exc}") from exc
        return job_id

    def waiting(self) -> int:
        """How many classify jobs are waiting to be taken."""
        try:
            return int(self._classify.count)
        except RedisError as exc:
            raise QueueError(f"could not read the queue length: {exc}") from exc

    def ping(self) -> None:
        """Raise QueueError unless Redis answers."""
        try:
            self.redis.ping()
        except RedisError as exc:
            raise QueueError(f"Redis is unreachable: {exc}") from exc


class GuardedQueue:
    """Skips enqueue attempts for a while after Redis failed, so intake stays fast during an outage.

    Skipped comments stay ``pending`` and the sweeper enqueues them once Redis is back.
    """

    def __init__(self, queue: JobQueue, *, pause_seconds: float = 5.0) -> None:
        self.queue = queue
        self._pause_seconds = pause_seconds
        self._paused_until = 0.0

    def waiting(self) -> int | None:
        """Jobs waiting in the classify queue, or None while Redis is failing."""
        try:
            return self.queue.waiting()
        except QueueError:
            return None

    def enqueue_classify(self, comment_ids: Sequence[str], suffix: str = "") -> str | None:
        """Enqueue, or return None if Redis is failing; never raises QueueError."""
        if time.monotonic() < self._paused_until:
            return None
        try:
            return self.queue.enqueue_classify(comment_ids, suffix)
        except QueueError as exc:
            self._paused_until = time.monotonic() + self._pause_seconds
            log.warning("enqueue failed, the sweeper will retry these comments: %s", exc)
            return None
