"""The outbox survives what kills deliveries: a worker SIGKILLed mid-request, a Redis restart
that loses every queued job; and the change feed never skips a transaction that committed late."""

from __future__ import annotations

import dataclasses
import os
import signal
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from service.domain.changes import EventType, new_event
from service.moderation import Moderation
from service.outbox import Outbox
from service.queue import GuardedQueue, JobQueue, connect_redis
from service.settings import Settings
from service.store import outbox
from service.webhooks.dispatch import DeliveryQueue, Dispatcher
from service.webhooks.endpoints import Webhooks
from tests.factories import eventually, new_comment
from tests.intake import submit
from tests.integration.webhooks.conftest import FAST_WEBHOOKS
from tests.integration.webhooks.processes import RedisServer, stop, webhook_worker
from tests.integration.webhooks.receiver import Receiver


def _delivered(hooks: Webhooks, endpoint_id: str) -> bool:
    items = hooks.deliveries(endpoint_id, None, None, None, 10).items
    return bool(items) and all(d.status.value == "delivered" for d in items)


def test_a_delivery_cut_by_sigkill_is_sent_again_by_another_worker(
    hooks: Webhooks,
    receiver: Receiver,
    moderation: Moderation,
    hook_settings: Settings,
    tmp_path: Path,
) -> None:
    endpoint = hooks.create("news-site", receiver.url, events=(), description=None, actor="t")
    receiver.release.clear()
    receiver.plan((200, -1))  # the first request hangs until released
    submit(moderation, [new_comment()])

    first = webhook_worker(hook_settings, "doomed", tmp_path, timeout=30)
    try:
        assert receiver.arrived.wait(30), "the first worker never sent the event"
        os.kill(first.pid, signal.SIGKILL)  # mid-request: no result was recorded
        first.wait()
    finally:
        stop(first)
    receiver.release.set()
    second = webhook_worker(hook_settings, "survivor", tmp_path, timeout=5)
    try:
        eventually(lambda: _delivered(hooks, endpoint.id), timeout=30)
    finally:
        stop(second)

    ids = [r.event_id for r in receiver.requests]
    assert len(ids) == 2
    assert ids[0] == ids[1]  # the same event, so the receiver can drop the duplicate


@pytest.fixture
def own_redis(tmp_path: Path) -> Iterator[RedisServer]:
    server = RedisServer(tmp_path).start()
    yield server
    server.stop()


def test_events_survive_a_redis_restart_that_loses_every_queued_job(
    hooks: Webhooks,
    receiver: Receiver,
    sessions: sessionmaker[Session],
    settings: Settings,
    own_redis: RedisServer,
    tmp_path: Path,
) -> None:
    hook_settings = dataclasses.replace(settings, redis_url=own_redis.url, webhooks=FAST_WEBHOOKS)
    redis = connect_redis(own_redis.url)
    endpoint = hooks.create("news-site", receiver.url, events=(), description=None, actor="t")
    api = Moderation(sessions, hook_settings, GuardedQueue(JobQueue(redis)))
    submit(api, [new_comment()])
    dispatcher = Dispatcher(sessions, Outbox(sessions, hook_settings), DeliveryQueue(redis))
    assert dispatcher.dispatch().enqueued == 1
    assert redis.llen("rq:queue:webhooks") == 1

    own_redis.stop()  # the queued job is gone with it
    submit(api, [new_comment()])  # accepted while Redis is down: the outbox is in the database
    own_redis.start()
    assert redis.llen("rq:queue:webhooks") == 0
    worker = webhook_worker(hook_settings, "after-restart", tmp_path, timeout=5)
    try:
        eventually(lambda: len(receiver.requests) == 2, timeout=30)
        eventually(lambda: _delivered(hooks, endpoint.id), timeout=10)
    finally:
        stop(worker)
        redis.close()

    assert {r.event["type"] for r in receiver.requests} == {"comment.accepted"}


def test_the_feed_never_skips_a_transaction_that_committed_after_a_later_one(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings
) -> None:
    if engine.dialect.name == "sqlite":
        pytest.skip("SQLite has one writer at a time: transactions cannot commit out of order")
    now = datetime.now(UTC)
    early, late = (new_event("news-site", EventType.COMMENT_ACCEPTED, {}, now, None) for _ in "ab")
    feed = Outbox(sessions, settings)

    slow = sessions()
    outbox.add_events(slow, [early])  # gets the lower id, but commits last
    with sessions.begin() as fast:
        outbox.add_events(fast, [late])
    first = feed.feed("news-site", None, 10)
    slow.commit()
    slow.close()
    second = feed.feed("news-site", first.next_cursor, 10)

    assert [e.event_id for e, _ in first.items] == [late.event_id]
    assert [e.event_id for e, _ in second.items] == [early.event_id]
    assert second.items[0][1] > first.items[0][1]
