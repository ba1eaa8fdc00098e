"""Fixtures shared by the integration tests of workers, shadow scoring and the lifecycle."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from redis import Redis
from redis.client import PubSub
from rq import SimpleWorker
from rq.serializers import JSONSerializer

from service.domain import ModelVersion
from service.events import CHANNEL
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.queue import CLASSIFY_QUEUE
from tests.integration.workers.worker_factories import make_version


@pytest.fixture
def champion(moderation: Moderation) -> ModelVersion:
    """The fake keyword-spam model registered and made champion."""
    version = make_version()
    Lifecycle(moderation.sessions).register(version, champion_if_unset=True)
    return version


@pytest.fixture
def run_burst(redis: Redis) -> Callable[[], bool]:
    """Run a real non-forking RQ worker until the classify queue is empty."""

    def run() -> bool:
        worker = SimpleWorker([CLASSIFY_QUEUE], connection=redis, serializer=JSONSerializer)
        return bool(worker.work(burst=True))

    return run


@pytest.fixture
def events(redis: Redis) -> Iterator[PubSub]:
    """A real subscription to the events channel, confirmed before the test acts."""
    pubsub = redis.pubsub()  # type: ignore[no-untyped-call]
    pubsub.subscribe(CHANNEL)
    confirmation = pubsub.get_message(timeout=2)
    assert confirmation is not None
    assert confirmation["type"] == "subscribe"
    yield pubsub
    pubsub.close()
