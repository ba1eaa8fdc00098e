"""Workers built by build_context publish a `classified` event per batch, after it commits."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import pytest
from redis.client import PubSub

from service.domain import ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from tests.factories import next_event
from tests.intake import submit
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
        Lifecycle(context.moderation.sessions).alias,
        poll_seconds=60,
        loader=lambda v: scorers[v.id],
    )
    context = dataclasses.replace(context, models=models)
    install(context)
    yield context
    install(None)
    context.close()


def test_classification_publishes_a_classified_event(
    moderation: Moderation,
    champion: ModelVersion,
    built_context: WorkerContext,
    events: PubSub,
    run_burst: Callable[[], bool],
) -> None:
    _, linked, _ = submit(
        moderation,
        [
            make_comment(),
            make_comment("Details at https://example.com/offer"),  # the links rule holds it
            make_comment("Crypto GIVEAWAY: send 1 BTC, get 2 back"),
        ],
    )

    assert run_burst()

    event = next_event(events, timeout=5.0)
    assert event == {
        "type": "classified",
        "data": {"withheld": [linked.comment_id], "rejected": 1, "approved": 1},
    }


def test_a_batch_with_nothing_pending_publishes_nothing(
    moderation: Moderation,
    champion: ModelVersion,
    built_context: WorkerContext,
    events: PubSub,
) -> None:
    assert built_context.moderation.record_classifications([]) == 0

    assert events.get_message(ignore_subscribe_messages=True, timeout=0.5) is None
