"""The worker process: ``python -m workers`` or ``commentdesk worker``.

One non-forking RQ ``SimpleWorker`` per process (forking per job costs 3x, design §7) and no
RQ scheduler (it would fork this multi-threaded process; see ``service.queue``), plus two daemon
threads: the sweeper and the model heartbeat. SIGTERM/SIGINT trigger RQ's warm shutdown: the
running job finishes, then we stop; before RQ takes jobs they stop the start-up instead (see
``workers.rq_worker``).
"""

from __future__ import annotations

import logging
import os
import socket
import sys
import threading
import time
from collections.abc import Sequence

from redis.exceptions import RedisError
from rq.serializers import JSONSerializer

from service.logs import configure_logging
from service.queue import CLASSIFY_QUEUE, connect_redis
from service.settings import Settings
from service.webhooks.dispatch import WEBHOOK_QUEUE
from workers import jobs
from workers.context import WorkerContext, build_context, install, require_redis_url
from workers.heartbeat import start_heartbeat
from workers.periodic import Backoff, Periodic
from workers.rq_worker import ClassifyWorker, catch_stop_signals, incarnation_name, stop_signals
from workers.sweeper import SweepLock, start_sweeper
from workers.webhooks import start_dispatcher

log = logging.getLogger("workers")

# How long a worker waits before registering with RQ again after Redis failed it.
RECONNECT_FIRST_SECONDS = 1.0
RECONNECT_MAX_SECONDS = 30.0


def default_worker_name() -> str:
    """A name unique among live workers: host and process id."""
    return f"{socket.gethostname()}.{os.getpid()}"


def run_worker(
    settings: Settings,
    *,
    burst: bool = False,
    name: str | None = None,
    queues: Sequence[str] = (CLASSIFY_QUEUE,),
) -> None:
    """Run one worker process until signalled (or, with ``burst``, until the queues are empty).

    ``queues`` are taken in order: ``classify``, and ``train`` on a worker that trains.
    """
    _configure_logging(settings)
    stop = threading.Event()
    with stop_signals(stop):
        context = build_context(settings, name or default_worker_name())
        install(context)
        threads: list[Periodic] = []
        try:
            _load_model(context)
            if not stop.is_set():
                threads = _start_threads(context, stop, queues)
                _work(context, stop, burst=burst, queues=queues)
        finally:
            stop.set()
            for thread in threads:
                thread.join(timeout=5)
            install(None)
            context.close()
            log.info("worker %s stopped", context.name)


def lower_priority(niceness: int) -> None:
    """Let the API (and anything else latency-bound on this host) run first.

    Called by the worker process entry points only: the niceness is the whole process's, and
    tests or tools that call run_worker in their own process keep theirs.
    """
    if niceness > 0 and hasattr(os, "nice"):
        os.nice(niceness)


def _configure_logging(settings: Settings) -> None:
    # Only when the embedding program (a CLI, a test runner) has not configured logging itself.
    if not logging.getLogger().handlers:
        configure_logging(settings)


def _load_model(context: WorkerContext) -> None:
    loaded = context.models.refresh()
    if loaded is None:
        log.warning("no champion model loaded: comments will go to review (classifier_error)")


def _start_threads(
    context: WorkerContext, stop: threading.Event, queues: Sequence[str]
) -> list[Periodic]:
    settings = context.settings
    lock = SweepLock(context.redis, context.name, settings.sweep_interval_seconds)
    threads = [
        start_sweeper(lock, jobs.sweep, settings.sweep_interval_seconds, stop),
        start_heartbeat(
            context.redis, context.name, context.models, settings.model_poll_seconds, stop
        ),
    ]
    if WEBHOOK_QUEUE in queues and context.webhooks is not None:
        poll = settings.webhooks.poll_seconds
        threads.append(start_dispatcher(context.webhooks, context.redis, context.name, poll, stop))
    return threads


def _work(
    context: WorkerContext, stop: threading.Event, *, burst: bool, queues: Sequence[str]
) -> None:
    """Take jobs until stopped; a Redis outage ends one RQ run, never the process."""
    backoff = Backoff(RECONNECT_FIRST_SECONDS, RECONNECT_MAX_SECONDS)
    while True:
        started = time.monotonic()
        worker = _run_rq_worker(context, stop, burst=burst, queues=queues)
        if burst or stop.is_set() or (worker is not None and worker.is_stop_requested):
            return
        # RQ gives up on a Redis error in the middle of its loop (e.g. the heartbeat after a
        # job): wait, then register anew. Comments of a job it could not finish stay pending
        # and the sweeper re-enqueues them.
        catch_stop_signals(stop)
        if time.monotonic() - started > RECONNECT_MAX_SECONDS:
            backoff.reset()  # it worked for a while: this is a new outage
        delay = backoff.next()
        log.warning("worker %s lost Redis; registering again in %.0f s", context.name, delay)
        if stop.wait(delay):
            return


def _run_rq_worker(
    context: WorkerContext, stop: threading.Event, *, burst: bool, queues: Sequence[str]
) -> ClassifyWorker | None:
    # RQ raises the socket timeout of the client it is given above its blocking dequeue
    # timeout, so it gets its own client; ours keeps the short timeouts.
    connection = connect_redis(require_redis_url(context.settings))
    try:
        worker = ClassifyWorker(
            list(queues),
            connection=connection,
            name=incarnation_name(context.name),
            serializer=JSONSerializer,
            early_stop=stop,
        )
        log.info("worker %s taking jobs from %s", worker.name, ", ".join(map(repr, queues)))
        # RQ logs three INFO lines per job; at WARNING it keeps quiet and the job logs one.
        worker.work(burst=burst, logging_level="WARNING")
        return worker
    except RedisError as exc:  # registering, or RQ's own clean-up, met the outage
        log.warning("worker %s: Redis unavailable: %s", context.name, exc)
        return None
    finally:
        connection.close()


def main() -> None:
    """Entry point of ``python -m workers``: settings from the environment."""
    settings = Settings.from_env(os.environ)
    lower_priority(settings.worker_nice)
    run_worker(settings, burst="--burst" in sys.argv[1:])


if __name__ == "__main__":
    main()
