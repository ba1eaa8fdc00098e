"""The dispatcher: number new outbox events, then enqueue one delivery job per endpoint with
something due. It runs in webhook workers, one at a time across hosts (a Redis lock), every
``COMMENTDESK_WEBHOOK_POLL_SECONDS``.

The schedule (what is due when, backoff, leases) lives in the database, so a Redis restart that
loses queued jobs loses nothing: the next dispatch enqueues them again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from datetime import datetime

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job, JobStatus
from rq.serializers import JSONSerializer
from sqlalchemy.orm import Session, sessionmaker

from service import metrics
from service.clock import utcnow
from service.errors import QueueError
from service.outbox import Outbox
from service.store import webhooks as store
from service.transaction import transaction

WEBHOOK_QUEUE = "webhooks"
DELIVER_JOB = "workers.webhooks.deliver_endpoint"
LOCK_KEY = "commentdesk:webhook-dispatch-lock"
DUE_MAX = 500  # endpoints enqueued per dispatch
RESULT_TTL_SECONDS = 60
FAILURE_TTL_SECONDS = 7 * 24 * 3600

log = logging.getLogger(__name__)


def delivery_job_id(endpoint_id: str) -> str:
    """One job id per endpoint (RQ allows ``[A-Za-z0-9_-]``; endpoint ids are UUIDs)."""
    return f"webhook-{endpoint_id}"


class DeliveryQueue:
    """Enqueues delivery jobs by dotted path, with the endpoint id as the only argument."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._queue = Queue(WEBHOOK_QUEUE, connection=redis, serializer=JSONSerializer)

    def enqueue(self, endpoint_id: str) -> bool:
        """Enqueue a run for the endpoint unless one is already waiting; returns whether."""
        job_id = delivery_job_id(endpoint_id)
        try:
            if self._is_waiting(job_id):
                return False
            self._queue.enqueue_call(
                DELIVER_JOB,
                args=(endpoint_id,),
                job_id=job_id,
                result_ttl=RESULT_TTL_SECONDS,
                failure_ttl=FAILURE_TTL_SECONDS,
                description=f"deliver webhooks to {endpoint_id}",
            )
        except RedisError as exc:
            raise QueueError(f"could not enqueue {job_id}: {exc}") from exc
        return True

    def _is_waiting(self, job_id: str) -> bool:
        # Only a queued job counts: a "started" one may belong to a worker that was killed;
        # a live run holds the endpoint's lease, and the endpoint is not due while it does.
        try:
            job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
        except NoSuchJobError:
            return False
        return job.get_status() is JobStatus.QUEUED


@dataclasses.dataclass(frozen=True)
class DispatchReport:
    """What one dispatch did."""

    sequenced: int
    enqueued: int


class Dispatcher:
    """Sequences the outbox and enqueues a delivery job for every endpoint with work due."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        outbox: Outbox,
        queue: DeliveryQueue,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.outbox = outbox
        self.queue = queue
        self.clock = clock

    def dispatch(self) -> DispatchReport:
        """One round: number new events, then enqueue runs for due endpoints."""
        sequenced = self.outbox.sequence()
        with transaction(self.sessions) as session:
            due = store.due_endpoints(session, self.clock(), DUE_MAX)
            metrics.set_outbox_backlog(store.pending_deliveries(session))
        enqueued = sum(self.queue.enqueue(endpoint_id) for endpoint_id in due)
        if sequenced or enqueued:
            log.debug("dispatch: %d event(s) numbered, %d run(s) enqueued", sequenced, enqueued)
        return DispatchReport(sequenced, enqueued)
