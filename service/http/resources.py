"""What the API process holds open while it runs: engine, Redis, use cases, intake, auth."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import Any, cast

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from service.auth import Authenticator
from service.claims import Claims
from service.db import engine_from_settings, session_factory
from service.events import RedisEvents
from service.http.sse import EventHub, connect_async_redis
from service.intake import Enqueuer, Intake
from service.keys import KEYS_CHANNEL, ApiKeys
from service.login_throttle import LoginThrottle
from service.moderation import Moderation
from service.queue import GuardedQueue, JobQueue, connect_redis
from service.settings import Settings
from service.users import Users
from service.workspace import Workspace


@dataclasses.dataclass
class Resources:
    """The per-process dependencies of every handler, kept on ``app.state.resources``."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    redis: Redis | None
    moderation: Moderation
    intake: Intake
    authenticator: Authenticator
    users: Users
    login_throttle: LoginThrottle
    openapi: dict[str, Any]
    workspace: Workspace
    keys: ApiKeys
    live: EventHub | None = None  # None without Redis: GET /v1/events answers 503
    # Set when the server starts shutting down: open event streams end on it.
    stopping: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)


def open_resources(settings: Settings, openapi: dict[str, Any]) -> Resources:
    """Connect to the database and Redis and build the use cases on top of them."""
    engine = engine_from_settings(settings)
    sessions = session_factory(engine)
    # No Redis configured (only in tests of endpoints that do not need it): nothing is
    # enqueued, and the sweeper would pick the comments up once a queue exists.
    redis = connect_redis(settings.redis_url) if settings.redis_url else None
    queue = GuardedQueue(JobQueue(redis)) if redis is not None else None
    events = RedisEvents(redis) if redis is not None else None
    moderation = Moderation(sessions, settings, queue, events=events)
    authenticator = Authenticator(sessions, settings.key_cache_seconds)
    stopping = asyncio.Event()
    return Resources(
        settings=settings,
        engine=engine,
        sessions=sessions,
        redis=redis,
        moderation=moderation,
        intake=Intake(moderation.store, _enqueuer(moderation, settings), settings.intake_batch_max),
        authenticator=authenticator,
        users=Users(sessions, settings.session_ttl_seconds),
        login_throttle=LoginThrottle(
            redis, settings.login_max_failures, settings.login_window_seconds
        ),
        openapi=openapi,
        workspace=_workspace(sessions, settings, redis, events),
        keys=ApiKeys(sessions, redis),
        live=_event_hub(settings, stopping, authenticator),
        stopping=stopping,
    )


def _event_hub(
    settings: Settings, stopping: asyncio.Event, authenticator: Authenticator
) -> EventHub | None:
    if not settings.redis_url:
        return None
    return EventHub(
        connect_async_redis(settings.redis_url),
        stopping,
        max_streams=settings.max_event_streams,
        handlers={KEYS_CHANNEL: authenticator.forget},  # revoked in any process: forget it here
    )


def _workspace(
    sessions: sessionmaker[Session],
    settings: Settings,
    redis: Redis | None,
    events: RedisEvents | None,
) -> Workspace:
    claims = Claims(redis, settings.claim_ttl_seconds) if redis is not None else None
    return Workspace(sessions, settings, claims, events)


def _enqueuer(moderation: Moderation, settings: Settings) -> Enqueuer | None:
    if moderation.queue is None:
        return None
    return Enqueuer(moderation.enqueue, settings.enqueue_linger_seconds)


async def close_resources(resources: Resources) -> None:
    """Finish in-flight intake batches, then release Redis and the database."""
    resources.stopping.set()
    if resources.live is not None:
        await resources.live.close()
    await resources.intake.close()
    if resources.redis is not None:
        resources.redis.close()
    resources.engine.dispose()


def resources_of(request: Request) -> Resources:
    """The resources of the app serving ``request``."""
    return cast(Resources, request.app.state.resources)
