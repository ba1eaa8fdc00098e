"""Webhook tests: a real receiver on loopback, real RQ workers on the webhooks queue."""

from __future__ import annotations

import dataclasses
import ipaddress
import time
from collections.abc import Callable, Iterator

import pytest
from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy.orm import Session, sessionmaker

from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from service.webhook_settings import WebhookSettings
from service.webhooks.dispatch import WEBHOOK_QUEUE
from service.webhooks.endpoints import Webhooks
from tests.integration.webhooks.receiver import Receiver, running_receiver
from tests.integration.workers.worker_factories import FakeScorer
from workers.context import WorkerContext, install
from workers.model_cache import ModelCache
from workers.webhooks import build_webhook_work

# Short everything, so retries, backoff and disabling happen within a second or two.
FAST_WEBHOOKS = WebhookSettings(
    allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),),
    timeout_seconds=0.5,
    backoff_base_seconds=0.05,
    backoff_max_seconds=0.2,
    max_attempts=6,
    disable_after=3,
    poll_seconds=0.1,
    lease_seconds=2.0,
)

Deliver = Callable[[], None]


@pytest.fixture
def hook_settings(settings: Settings, test_redis_url: str) -> Settings:
    return dataclasses.replace(settings, redis_url=test_redis_url, webhooks=FAST_WEBHOOKS)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with running_receiver() as running:
        yield running


@pytest.fixture
def hooks(sessions: sessionmaker[Session], hook_settings: Settings) -> Webhooks:
    return Webhooks(sessions, hook_settings.webhooks)


@pytest.fixture
def webhook_context(
    moderation: Moderation, redis: Redis, hook_settings: Settings, sessions: sessionmaker[Session]
) -> Iterator[WorkerContext]:
    """A worker context with webhook delivery, installed for the test's RQ workers."""
    models = ModelCache(
        Lifecycle(moderation.sessions).alias, poll_seconds=60.0, loader=lambda _v: FakeScorer()
    )
    work = build_webhook_work(sessions, hook_settings, redis)
    context = WorkerContext("hook-worker", hook_settings, moderation, redis, models, webhooks=work)
    install(context)
    yield context
    install(None)
    work.close()


@pytest.fixture
def deliver(webhook_context: WorkerContext, redis: Redis) -> Deliver:
    """One dispatch, then a real RQ worker in burst mode on the webhooks queue."""
    assert webhook_context.webhooks is not None
    dispatcher = webhook_context.webhooks.dispatcher

    def run() -> None:
        dispatcher.dispatch()
        SimpleWorker([WEBHOOK_QUEUE], connection=redis, serializer=JSONSerializer).work(burst=True)

    return run


def deliver_until(deliver: Deliver, check: Callable[[], bool], timeout: float = 10.0) -> None:
    """Dispatch and deliver until ``check()`` holds (retries wait out their backoff)."""
    deadline = time.monotonic() + timeout
    while True:
        deliver()
        if check():
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"still not true after {timeout}s: {check}")
        time.sleep(0.05)
