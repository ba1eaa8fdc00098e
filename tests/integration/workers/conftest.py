"""Fixtures for worker integration tests: fake scorers, a champion, an installed context."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from redis import Redis

from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from tests.integration.workers.worker_factories import FakeScorer
from workers.context import WorkerContext, install
from workers.model_cache import ModelCache


@pytest.fixture
def scorers() -> dict[str, FakeScorer]:
    """Version id → scorer the fake loader hands out; tests add to it."""
    return {"v-test": FakeScorer()}


@pytest.fixture
def worker_context(
    moderation: Moderation, redis: Redis, settings: Settings, scorers: dict[str, FakeScorer]
) -> Iterator[WorkerContext]:
    """A context installed for this test, with a model cache that loads fake scorers."""
    models = ModelCache(
        Lifecycle(moderation.sessions).alias,
        poll_seconds=settings.model_poll_seconds,
        loader=lambda v: scorers[v.id],
    )
    context = WorkerContext("test-worker", settings, moderation, redis, models)
    install(context)
    yield context
    install(None)
