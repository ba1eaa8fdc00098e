"""The training job queue: RQ queue ``train`` with the JSON serializer, jobs by dotted path.

Training takes minutes, so it has its own queue (and, under ``commentdesk up``, its own worker)
and never delays classification. Progress lives in the job's ``meta`` (stage, percent, messages),
written by ``workers.training``; the result names the registered version.
"""

from __future__ import annotations

import dataclasses
import re
import uuid
from datetime import datetime
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.exceptions import NoSuchJobError
from rq.job import Job
from rq.serializers import JSONSerializer

from service.errors import NotFoundError, QueueError

TRAIN_QUEUE = "train"
TRAIN_JOB = "workers.training.train_version"
TRAIN_TIMEOUT_SECONDS = 2 * 3600  # the whole of ../shared/data trains in minutes; leave room
TRAIN_RESULT_TTL_SECONDS = 30 * 24 * 3600
_JOB_ID = re.compile(r"train-[0-9a-f]{32}")


@dataclasses.dataclass(frozen=True)
class TrainingJob:
    """A training job as ops see it."""

    id: str
    status: str
    stage: str | None
    percent: int
    messages: list[str]
    version_id: str | None
    error: str | None
    enqueued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None


class TrainingQueue:
    """Enqueues training jobs and reads their progress."""

    def __init__(self, redis: Redis) -> None:
        self.redis = redis
        self._queue = Queue(TRAIN_QUEUE, connection=redis, serializer=JSONSerializer)

    def enqueue(
        self,
        *,
        note: str | None,
        extra_labels_csv: str | None,
        actor: str,
        upload_id: str | None = None,
    ) -> str:
        """Enqueue one training run; returns its job id."""
        job_id = f"train-{uuid.uuid4().hex}"
        try:
            self._queue.enqueue_call(
                TRAIN_JOB,
                kwargs={
                    "note": note,
                    "extra_labels_csv": extra_labels_csv,
                    "requested_by": actor,
                    "upload_id": upload_id,
                },
                job_id=job_id,
                timeout=TRAIN_TIMEOUT_SECONDS,
                result_ttl=TRAIN_RESULT_TTL_SECONDS,
                failure_ttl=TRAIN_RESULT_TTL_SECONDS,
                description=f"train a model version (requested by {actor})",
            )
        except RedisError as exc:
            raise QueueError(f"could not enqueue a training job: {exc}") from exc
        return job_id

    def get(self, job_id: str) -> TrainingJob:
        """A training job's status and progress; raises NotFoundError for any other id."""
        if not _JOB_ID.fullmatch(job_id):
            raise NotFoundError(f"there is no training job {job_id!r}")
        try:
            job = Job.fetch(job_id, connection=self.redis, serializer=JSONSerializer)
            return _training_job(job)
        except NoSuchJobError as exc:
            raise NotFoundError(f"there is no training job {job_id!r}") from exc
        except RedisError as exc:
            raise QueueError(f"could not read training job {job_id}: {exc}") from exc


def _training_job(job: Job) -> TrainingJob:
    meta: dict[str, Any] = job.get_meta(refresh=False) or {}
    result = job.return_value(refresh=True) if job.is_finished else None
    return TrainingJob(
        id=job.id,
        status=_status(job),
        stage=meta.get("stage"),
        percent=int(meta.get("percent", 0)),
        messages=[str(m) for m in meta.get("messages", [])],
        version_id=result.get("version_id") if isinstance(result, dict) else None,
        error=_failure(job) if job.is_failed else None,
        enqueued_at=job.enqueued_at,
        started_at=job.started_at,
        ended_at=job.ended_at,
    )


def _status(job: Job) -> str:
    status = job.get_status(refresh=False)
    return str(status.value) if status is not None else "unknown"


def _failure(job: Job) -> str | None:
    # The traceback stays in RQ's result; ops see the error it ended with.
    result = job.latest_result()
    exc_info = getattr(result, "exc_string", None) if result is not None else None
    if not exc_info:
        return None
    lines = [line for line in exc_info.strip().splitlines() if line.strip()]
    return lines[-1] if lines else None
