"""`commentdesk status`: what an operator checks first."""

from __future__ import annotations

from collections.abc import Callable

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from redis.exceptions import RedisError
from rq import Queue
from rq.registry import FailedJobRegistry
from rq.serializers import JSONSerializer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from commentdesk.embedded import VALKEY_SUBDIR, running_url
from service.db import engine_from_settings, session_factory
from service.heartbeat import loaded_models
from service.migrate import alembic_config
from service.moderation import Moderation
from service.queue import CLASSIFY_QUEUE, connect_redis
from service.redis_url import redacted
from service.settings import Settings

Printer = Callable[[str], None]


def print_status(settings: Settings, out: Printer) -> int:
    """Print database, model, queue and worker state; 1 if something is unreachable."""
    healthy = _database_status(settings, out)
    return 0 if _redis_status(settings, out) and healthy else 1


def _database_status(settings: Settings, out: Printer) -> bool:
    url = make_url(settings.effective_database_url).render_as_string(hide_password=True)
    engine = engine_from_settings(settings)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_revision()
        head = ScriptDirectory.from_config(alembic_config()).get_current_head()
        out(f"database: {url} (schema {current or 'empty'}, latest {head})")
        moderation = Moderation(session_factory(engine), settings)
        champion = moderation.champion()
        out(f"champion model: {champion.id if champion else 'none'}")
        for queue in moderation.queue_overview():
            age = f", oldest {queue.oldest_age_seconds:.0f}s" if queue.oldest_age_seconds else ""
            out(f"  {queue.queue.value:<9} {queue.count}{age}")
        return True
    except SQLAlchemyError as exc:
        out(f"database: {url} UNREACHABLE ({exc.__class__.__name__}: {exc})")
        return False
    finally:
        engine.dispose()


def _redis_status(settings: Settings, out: Printer) -> bool:
    url = settings.redis_url or running_url(settings.data_dir / VALKEY_SUBDIR)
    if url is None:
        out("redis: not configured and no embedded Valkey running (start `commentdesk up`)")
        return False
    redis = connect_redis(url)
    try:
        queue = Queue(CLASSIFY_QUEUE, connection=redis, serializer=JSONSerializer)
        failed = FailedJobRegistry(queue=queue).count
        out(f"redis: {redacted(url)} (classify queue {queue.count} waiting, {failed} failed)")
        workers = loaded_models(redis)
        out(f"workers with a model: {len(workers)}")
        for name, version in sorted(workers.items()):
            out(f"  {name}: {version}")
        return True
    except RedisError as exc:
        out(f"redis: {redacted(url)} UNREACHABLE ({exc})")
        return False
    finally:
        redis.close()
