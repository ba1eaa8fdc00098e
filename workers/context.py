"""The per-process worker context: built once in ``__main__``, reachable from RQ jobs.

RQ calls a job by dotted path with JSON arguments only, so a job cannot be handed its engine,
Redis client or model. The process installs one :class:`WorkerContext` before taking jobs and
jobs read it with :func:`current`. Nothing here is built at import time.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from redis import Redis
from sqlalchemy import Engine

from classifier.language import LanguageIdentifier
from service.db import engine_from_settings, session_factory
from service.errors import SettingsError
from service.events import RedisEvents
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.queue import GuardedQueue, JobQueue, connect_redis
from service.settings import Settings
from workers.artifacts import artifact_cache
from workers.challenger import ShadowScorer, build_shadow_scorer
from workers.heartbeat import announce
from workers.model_cache import ModelCache

if TYPE_CHECKING:
    from workers.webhooks import WebhookWork


class NoWorkerContextError(RuntimeError):
    """A job ran in a process that never installed a worker context."""


@dataclasses.dataclass(frozen=True)
class WorkerContext:
    """Long-lived resources of one worker process."""

    name: str
    settings: Settings
    moderation: Moderation
    redis: Redis
    models: ModelCache
    engine: Engine | None = None  # None when a test owns the engine
    shadow: ShadowScorer | None = None  # None: no shadow scoring in this process
    webhooks: WebhookWork | None = None  # None: this process delivers no webhooks
    # Loads its model on the first batch, so a process that only delivers webhooks never does.
    languages: LanguageIdentifier = dataclasses.field(default_factory=LanguageIdentifier)

    def close(self) -> None:
        """Release the database pool and the Redis connections."""
        if self.webhooks is not None:
            self.webhooks.close()
        if self.engine is not None:
            self.engine.dispose()
        self.redis.close()


_current: WorkerContext | None = None


def install(context: WorkerContext | None) -> None:
    """Make ``context`` the one jobs in this process use (None uninstalls it)."""
    global _current
    _current = context


def current() -> WorkerContext:
    """The installed context; raises NoWorkerContextError when there is none."""
    if _current is None:
        raise NoWorkerContextError("no worker context installed; start workers with run_worker()")
    return _current


def require_redis_url(settings: Settings) -> str:
    """The Redis URL workers need; raises SettingsError when none is configured."""
    if not settings.redis_url:
        raise SettingsError("workers need Redis: set REDIS_URL (or COMMENTDESK_REDIS_URL)")
    return settings.redis_url


def build_context(settings: Settings, name: str) -> WorkerContext:
    """Open the database and Redis for this process and set up its model cache."""
    from workers.webhooks import build_webhook_work  # it imports this module's current()

    redis = connect_redis(require_redis_url(settings))
    engine = engine_from_settings(settings)
    sessions = session_factory(engine)
    # The sweeper re-enqueues through the same guarded queue the API uses; verdicts are
    # published to open moderator screens through the same Redis.
    moderation = Moderation(
        sessions, settings, GuardedQueue(JobQueue(redis)), events=RedisEvents(redis)
    )
    # Artifacts come from the database into this host's data directory: worker hosts share
    # nothing but the database and Redis.
    lifecycle = Lifecycle(sessions)
    artifacts = artifact_cache(lifecycle, settings)
    models = ModelCache(
        lifecycle.alias,
        poll_seconds=settings.model_poll_seconds,
        loader=artifacts.load,
        on_load=lambda version: announce(redis, name, version.id),
    )
    shadow = build_shadow_scorer(sessions, settings, loader=artifacts.load)
    webhooks = build_webhook_work(sessions, settings, redis)
    return WorkerContext(name, settings, moderation, redis, models, engine, shadow, webhooks)
