"""Promote and rollback while a worker runs: new decisions carry the new champion's version."""

from __future__ import annotations

from collections.abc import Callable

from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.queue import CLASSIFY_QUEUE
from tests.intake import submit
from tests.integration.workers.worker_factories import make_comment, make_version
from workers.context import WorkerContext, install
from workers.model_cache import ModelCache, Scorer


class Clock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def classify_one(moderation: Moderation, burst: Callable[[str], bool]) -> str | None:
    (stored,) = submit(moderation, [make_comment()])
    burst(CLASSIFY_QUEUE)
    return moderation.get_comment(stored.comment_id).model_version


def test_promote_and_rollback_reach_running_workers(
    moderation: Moderation,
    lifecycle: Lifecycle,
    installed: WorkerContext,
    scorers: dict[str, Scorer],
    burst: Callable[[str], bool],
) -> None:
    Lifecycle(moderation.sessions).register(make_version("v1"), champion_if_unset=True)
    Lifecycle(moderation.sessions).register(make_version("v2"))
    clock = Clock()
    models = ModelCache(
        Lifecycle(moderation.sessions).alias,
        poll_seconds=5,
        loader=lambda v: scorers[v.id],
        clock=clock,
    )
    install(WorkerContext("w", installed.settings, moderation, installed.redis, models))
    assert classify_one(moderation, burst) == "v1"

    lifecycle.promote("v2", "ops-olu")
    assert classify_one(moderation, burst) == "v1"  # within the poll interval: not yet
    clock.now += 5
    assert classify_one(moderation, burst) == "v2"

    lifecycle.rollback("ops-olu")
    clock.now += 5
    assert classify_one(moderation, burst) == "v1"
