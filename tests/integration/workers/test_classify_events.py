"""Workers built by build_context publish a `classified` event per batch, after it commits."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from redis import Redis

from service.domain import ModelVersion
from service.events import CHANNEL
from service.moderation import Moderation
from service.settings import Settings
from tests.integration.workers.worker_factories import make_comment
from workers.context import WorkerContext, build_context, install
from workers.model_cache import ModelCache, Scorer


@pytest.fixture
def built_context(
    settings: Settings, test_redis_url: str, scorers: dict[str, Scorer]
) -> Iterator[WorkerContext]:
    """The context a worker process builds, with the fake scorers as its models."""
    context = build_context(dataclasses.replace(settings, redis_url=test_redis_url), "w-events")
    models = ModelCache(
        context.moderation.champion, poll_seconds=60, loader=lambda v: scorers[v.id]
    )
    context = dataclasses.replace(context, models=models)
    install(context)
    yield context
    install(None)
    context.close()


def next_message(subscription: Any, timeout: float = 5.0) -> dict[str, Any]:
    message = subscription.get_message(timeout=timeout)
    assert message is not None, "no event was published"
    return dict(json.loads(message["data"]))


def test_classification_publishes_a_classified_event(
    moderation: Moderation,
    champion: ModelVersion,
    built_context: WorkerContext,
    redis: Redis,
    run_burst: Callable[[], bool],
) -> None:
    subscription = redis.pubsub(ignore_subscribe_messages=True)
    subscription.subscribe(CHANNEL)
    subscription.get_message(timeout=1.0)  # the subscribe confirmation
    _, linked, _ = moderation.submit(
        [
            make_comment(),
            make_comment("Details at https://example.com/offer"),  # the links rule holds it
            make_comment("Crypto GIVEAWAY: send 1 BTC, get 2 back"),
        ]
    )

    assert run_burst()

    event = next_message(subscription)
    assert event == {
        "type": "classified",
        "data": {"withheld": [linked.comment_id], "rejected": 1, "approved": 1},
    }
    subscription.close()


def test_a_batch_with_nothing_pending_publishes_nothing(
    moderation: Moderation,
    champion: ModelVersion,
    built_context: WorkerContext,
    redis: Redis,
) -> None:
    subscription = redis.pubsub(ignore_subscribe_messages=True)
    subscription.subscribe(CHANNEL)
    subscription.get_message(timeout=1.0)

    assert built_context.moderation.record_classifications([]) == 0

    assert subscription.get_message(timeout=0.5) is None
    subscription.close()
