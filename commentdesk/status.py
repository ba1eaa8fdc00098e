"""`commentdesk status`: what an operator checks first."""

from __future__ import annotations

from collections.abc import Callable

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from commentdesk.embedded import VALKEY_SUBDIR, running_url
from service.db import open_engine, session_factory
from service.errors import QueueError, StorageError
from service.lifecycle import Lifecycle
from service.migrate import alembic_config
from service.moderation import Moderation
from service.queue import CLASSIFY_QUEUE, connect_redis
from service.readiness import Readiness
from service.redis_url import redacted
from service.settings import Settings

Printer = Callable[[str], None]


def print_status(settings: Settings, out: Printer) -> int:
    """Print database, model, queue and worker state; 1 if something is unreachable."""
    url = settings.redis_url or running_url(settings.data_dir / VALKEY_SUBDIR)
    with open_engine(settings) as engine:
        redis = connect_redis(url) if url else None
        try:
            sessions = session_factory(engine)
            readiness = Readiness(engine, Lifecycle(sessions), redis)
            healthy = _database_status(settings, Moderation(sessions, settings), readiness, out)
            return 0 if _redis_status(url, redis, readiness, out) and healthy else 1
        finally:
            if redis is not None:
                redis.close()


def _database_status(
    settings: Settings, moderation: Moderation, readiness: Readiness, out: Printer
) -> bool:
    url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    try:
        with readiness.engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        out(f"database: {url} (schema {current or 'empty'}, latest {head})")
        champion = readiness.champion()
        out(f"champion model: {champion.get('version', 'none')}")
        for queue in moderation.queue_overview():
            age = f", oldest {queue.oldest_age_seconds:.0f}s" if queue.oldest_age_seconds else ""
            out(f"  {queue.queue.value:<9} {queue.count}{age}")
        return True
    except (SQLAlchemyError, StorageError) as exc:
        out(f"database: {url} UNREACHABLE ({exc.__class__.__name__}: {exc})")
        return False


def _redis_status(url: str | None, redis: Redis | None, readiness: Readiness, out: Printer) -> bool:
    if url is None or redis is None:
        out("redis: not configured and no embedded Valkey running (start `commentdesk up`)")
        return False
    try:
        queue = Queue(CLASSIFY_QUEUE, connection=redis, serializer=JSONSerializer)
        failed = FailedJobRegistry(queue=queue).count
        out(f"redis: {redacted(url)} (classify queue {queue.count} waiting, {failed} failed)")
        loaded: dict[str, str] = readiness.workers().get("loaded", {})
    except (RedisError, QueueError) as exc:
        out(f"redis: {redacted(url)} UNREACHABLE ({exc})")
        return False
    out(f"workers with a model: {len(loaded)}")
    for name, version in sorted(loaded.items()):
        out(f"  {name}: {version}")
    return True
