"""What the API process holds open while it runs: engine, Redis, every use case, intake, auth.

The wiring module: the one place in ``service.http`` that opens the database, and where every use
case a handler calls is built, once per process. Handlers only ever reach them through
``Resources``; none builds its own.
"""

from __future__ import annotations

import asyncio
import dataclasses
import functools
from collections.abc import Callable
from typing import Any, cast

from redis import Redis
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.requests import Request

from service.appeals import Appeals
from service.articles import Articles
from service.auth import Authenticator
from service.authoring import Authoring
from service.check import CheckScorer, PreCheck
from service.claims import Claims
from service.db import engine_from_settings, session_factory
from service.events import RedisEvents
from service.flood.limiter import FloodLimiter
from service.http.sse import EventHub, connect_async_redis
from service.intake import Enqueuer, Intake
from service.keys import KEYS_CHANNEL, ApiKeys
from service.labels import Labels
from service.lifecycle import Lifecycle
from service.login_throttle import LoginThrottle
from service.moderation import Moderation
from service.outbox import Outbox
from service.privacy import Privacy
from service.queue import GuardedQueue, JobQueue, connect_redis
from service.readiness import WRITE_FAILURE_SECONDS, Readiness
from service.settings import Settings
from service.shadow import Shadow
from service.stats import ModerationStats
from service.training_queue import TrainingQueue
from service.users import Users
from service.watched_words import WatchedWords
from service.webhooks.endpoints import Webhooks
from service.workspace import Workspace


@dataclasses.dataclass
class Resources:
    """The per-process dependencies of every handler, kept on ``app.state.resources``."""

    settings: Settings
    engine: Engine
    redis: Redis | None
    openapi: Callable[[], dict[str, Any]]  # the OpenAPI document, built when first asked for
    # use cases
    moderation: Moderation
    appeals: Appeals
    workspace: Workspace
    articles: Articles
    users: Users
    keys: ApiKeys
    lifecycle: Lifecycle
    shadow: Shadow
    labels: Labels
    authoring: Authoring
    privacy: Privacy
    webhooks: Webhooks
    watched_words: WatchedWords
    outbox: Outbox
    stats: ModerationStats
    pre_check: PreCheck
    readiness: Readiness
    # the request path
    intake: Intake
    authenticator: Authenticator
    login_throttle: LoginThrottle
    flood: FloodLimiter | None  # None without Redis: nothing is limited
    live: EventHub | None = None  # None without Redis: GET /v1/events answers 503
    # Set when the server starts shutting down: open event streams end on it.
    stopping: asyncio.Event = dataclasses.field(default_factory=asyncio.Event)


def open_resources(
    settings: Settings,
    openapi: Callable[[], dict[str, Any]],
    check_scorer: CheckScorer | None = None,
) -> Resources:
    """Connect to the database and Redis and build the use cases on top of them.

    ``check_scorer`` scores for ``POST /v1/check`` (without it that route answers 503).
    """
    engine = engine_from_settings(settings)
    sessions = session_factory(engine)
    # No Redis configured (only in tests of endpoints that do not need it): nothing is
    # enqueued, and the sweeper would pick the comments up once a queue exists.
    redis = connect_redis(settings.redis_url) if settings.redis_url else None
    queue = GuardedQueue(JobQueue(redis)) if redis is not None else None
    events = RedisEvents(redis) if redis is not None else None
    moderation = Moderation(sessions, settings, queue, events=events)
    lifecycle = Lifecycle(sessions, training=TrainingQueue(redis) if redis is not None else None)
    intake = Intake(moderation.store, _enqueuer(moderation, settings), settings.intake_batch_max)
    authenticator = Authenticator(sessions, settings.key_cache_seconds)
    stopping = asyncio.Event()
    return Resources(
        settings=settings,
        engine=engine,
        redis=redis,
        openapi=openapi,
        moderation=moderation,
        appeals=Appeals(sessions),
        workspace=_workspace(sessions, settings, redis, events),
        articles=Articles(sessions),
        users=Users(sessions, settings.session_ttl_seconds),
        keys=ApiKeys(sessions, redis),
        lifecycle=lifecycle,
        shadow=Shadow(sessions, settings),
        labels=Labels(sessions),
        authoring=Authoring(sessions, settings, queue),
        privacy=Privacy(sessions, settings),
        webhooks=Webhooks(sessions, settings.webhooks),
        watched_words=WatchedWords(sessions),
        outbox=Outbox(sessions, settings),
        stats=ModerationStats(sessions),
        pre_check=PreCheck(sessions, settings, check_scorer),
        readiness=Readiness(
            engine, lifecycle, redis, functools.partial(intake.is_failing, WRITE_FAILURE_SECONDS)
        ),
        intake=intake,
        authenticator=authenticator,
        login_throttle=LoginThrottle(
            redis, settings.login_max_failures, settings.login_window_seconds
        ),
        flood=_flood_limiter(settings),
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


def _flood_limiter(settings: Settings) -> FloodLimiter | None:
    if not settings.redis_url:
        return None
    return FloodLimiter(connect_async_redis(settings.redis_url), settings)


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
    if resources.flood is not None:
        await resources.flood.close()
    if resources.redis is not None:
        resources.redis.close()
    resources.engine.dispose()


def resources_of(request: Request) -> Resources:
    """The resources of the app serving ``request``."""
    return cast(Resources, request.app.state.resources)
