"""Prometheus metrics: what every process counts, and what /metrics adds at scrape time.

The series are declared once, here, in ``REGISTRY`` (Prometheus's model: a metric is a
process-wide declaration, like a logger). With ``PROMETHEUS_MULTIPROC_DIR`` set (``commentdesk
up`` sets it for its children; in production set it to a directory shared by the API and
worker processes of a host), prometheus-client keeps each process's values in files there and
the API's /metrics adds them all up; without it, /metrics shows the serving process only.

Facts that live in Redis or the database (queue depth, oldest pending comment, which model each
worker runs) are read when /metrics is scraped (:class:`StateCollector`), not counted.

Webhook delivery (issue 11) reports through :func:`record_webhook_delivery` and
:func:`set_outbox_backlog`; their series exist from the start so dashboards and alerts can be
written before it lands.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import TypeVar

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

log = logging.getLogger(__name__)
T = TypeVar("T")

REGISTRY = CollectorRegistry(auto_describe=True)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
_BATCH_BUCKETS = (1, 2, 5, 10, 25, 50, 100, 250, 500)

HTTP_REQUESTS = Counter(
    "commentdesk_http_requests_total", "HTTP requests answered, by route template and status.",
    ["method", "route", "status"], registry=REGISTRY,
)  # fmt: skip
HTTP_LATENCY = Histogram(
    "commentdesk_http_request_duration_seconds", "Time to answer a request, by route template.",
    ["method", "route"], buckets=_LATENCY_BUCKETS, registry=REGISTRY,
)  # fmt: skip
INTAKE_BATCH = Histogram(
    "commentdesk_intake_batch_size", "Submissions written in one group-commit transaction.",
    buckets=_BATCH_BUCKETS, registry=REGISTRY,
)  # fmt: skip
DECISIONS = Counter(
    "commentdesk_decisions_total",
    "Recorded decisions, by resulting status and source (system: the model and rules; "
    "moderator: a person, single or bulk).",
    ["status", "source"], registry=REGISTRY,
)  # fmt: skip
WORKER_BATCH = Histogram(
    "commentdesk_worker_batch_seconds", "Time a worker took for one classify job.",
    buckets=_LATENCY_BUCKETS, registry=REGISTRY,
)  # fmt: skip
WORKER_BATCH_SIZE = Histogram(
    "commentdesk_worker_batch_size", "Comment ids in one classify job.",
    buckets=_BATCH_BUCKETS, registry=REGISTRY,
)  # fmt: skip
SWEEPER_REQUEUED = Counter(
    "commentdesk_sweeper_requeued_total",
    "Comments the sweeper enqueued again (left pending past COMMENTDESK_SWEEP_AFTER_SECONDS).",
    registry=REGISTRY,
)  # fmt: skip
WEBHOOK_DELIVERIES = Counter(
    "commentdesk_webhook_deliveries_total",
    "Webhook delivery attempts, by outcome (delivered, failed, gave_up).",
    ["outcome"], registry=REGISTRY,
)  # fmt: skip
OUTBOX_BACKLOG = Gauge(
    "commentdesk_outbox_backlog", "Outbox events not yet delivered (as last counted).",
    registry=REGISTRY, multiprocess_mode="mostrecent",
)  # fmt: skip


def record_webhook_delivery(outcome: str) -> None:
    """Count one webhook delivery attempt: ``delivered``, ``failed`` (will retry), ``gave_up``."""
    WEBHOOK_DELIVERIES.labels(outcome=outcome).inc()


def set_outbox_backlog(count: int) -> None:
    """Report how many outbox events wait for delivery."""
    OUTBOX_BACKLOG.set(count)


def record_decisions(statuses: Iterable[str], source: str) -> None:
    """Count decisions that committed, one per resulting status."""
    for status in statuses:
        DECISIONS.labels(status=status, source=source).inc()


# What /metrics reads from Redis and the database when it is scraped.
QueueDepth = Callable[[], int | None]
OldestPending = Callable[[], datetime | None]
WorkerModels = Callable[[], dict[str, str] | None]


class StateCollector(Collector):
    """Gauges read at scrape time: queue depth, oldest pending age, models the workers run."""

    def __init__(
        self,
        queue_depth: QueueDepth,
        oldest_pending: OldestPending,
        worker_models: WorkerModels,
        now: Callable[[], datetime],
    ) -> None:
        self._queue_depth = queue_depth
        self._oldest_pending = oldest_pending
        self._worker_models = worker_models
        self._now = now

    def collect(self) -> Iterator[GaugeMetricFamily]:
        """The current values (called by prometheus-client on each scrape); a store that
        cannot answer leaves its series out rather than report a made-up value."""
        is_read, depth = _quietly(self._queue_depth)
        if is_read and depth is not None:
            yield GaugeMetricFamily(
                "commentdesk_queue_depth", "Classify jobs waiting in Redis.", value=depth
            )
        is_read, oldest = _quietly(self._oldest_pending)
        if is_read:
            age = 0.0 if oldest is None else max(0.0, (self._now() - oldest).total_seconds())
            yield GaugeMetricFamily(
                "commentdesk_oldest_pending_age_seconds",
                "Age of the oldest comment not yet decided (0 when none is pending).",
                value=age,
            )
        is_read, models = _quietly(self._worker_models)
        if is_read and models is not None:
            yield _worker_models(models)


def _worker_models(models: dict[str, str]) -> GaugeMetricFamily:
    family = GaugeMetricFamily(
        "commentdesk_worker_model_info",
        "1 per worker that announced a loaded model, labelled with its version.",
        labels=["worker", "version"],
    )
    for worker, version in sorted(models.items()):
        family.add_metric([worker, version], 1)
    return family


def _quietly(read: Callable[[], T]) -> tuple[bool, T | None]:
    try:
        return True, read()
    except Exception:  # a scrape must still answer while Redis or the database is down
        log.debug("metrics: a state read failed", exc_info=True)
        return False, None
