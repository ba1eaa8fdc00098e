"""Webhook delivery in workers: the RQ job that runs one endpoint's deliveries, and the
dispatcher thread of every worker that takes the ``webhooks`` queue."""

from __future__ import annotations

import dataclasses
import logging
import threading
from datetime import timedelta

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from service.outbox import Outbox
from service.settings import Settings
from service.store import webhooks as webhook_store
from service.transaction import transaction
from service.webhooks.delivery import Deliverer
from service.webhooks.dispatch import LOCK_KEY, DeliveryQueue, Dispatcher
from service.webhooks.sender import Sender
from workers.context import current
from workers.periodic import Periodic
from workers.sweeper import SweepLock, sweep_if_leader

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class WebhookWork:
    """A worker process's webhook machinery."""

    outbox: Outbox
    deliverer: Deliverer
    dispatcher: Dispatcher
    sender: Sender

    def close(self) -> None:
        """Close kept-alive connections to receivers."""
        self.sender.close()


def build_webhook_work(
    sessions: sessionmaker[Session], settings: Settings, redis: Redis
) -> WebhookWork:
    """The outbox, deliverer and dispatcher over this process's database and Redis."""
    hooks = settings.webhooks
    sender = Sender(hooks.allowed_networks, hooks.timeout_seconds)
    outbox = Outbox(sessions, settings)
    return WebhookWork(
        outbox=outbox,
        deliverer=Deliverer(sessions, hooks, sender),
        dispatcher=Dispatcher(sessions, outbox, DeliveryQueue(redis)),
        sender=sender,
    )


def deliver_endpoint(endpoint_id: str) -> dict[str, int]:
    """RQ job: deliver what is due for one endpoint (a no-op if another run holds it)."""
    context = current()
    if context.webhooks is None:
        raise RuntimeError("this worker was started without webhook delivery")
    report = context.webhooks.deliverer.run(endpoint_id, context.name)
    if report.delivered or report.failed:
        log.info(
            "webhook %s: %d delivered, %d failed%s",
            endpoint_id,
            report.delivered,
            report.failed,
            " (endpoint disabled)" if report.disabled else "",
        )
    return {"delivered": report.delivered, "failed": report.failed, "leased": report.leased}


def start_dispatcher(
    work: WebhookWork, redis: Redis, owner: str, interval_seconds: float, stop: threading.Event
) -> Periodic:
    """Start the dispatcher thread (one dispatch per interval across all workers)."""
    lock = SweepLock(redis, owner, interval_seconds, key=LOCK_KEY)
    thread = Periodic(
        "webhook-dispatcher",
        lambda: sweep_if_leader(lock, lambda: dataclasses.asdict(work.dispatcher.dispatch())),
        interval_seconds,
        stop,
    )
    thread.start()
    return thread


def purge_history(work: WebhookWork, settings: Settings) -> int:
    """Drop outbox events past their retention and delivery log entries past theirs."""
    purged = work.outbox.purge()
    cutoff = work.outbox.clock() - timedelta(days=settings.webhooks.log_retention_days)
    with transaction(work.outbox.sessions) as session:
        purged += webhook_store.purge_attempts(session, cutoff)
    return purged
