"""Whether the service can do its job: database, Redis, a champion, a worker that loaded one.

One implementation for ``GET /readyz`` and ``commentdesk status``. Each check answers a dict:
``ok``, and a ``detail`` when it is not, or what it found when it is. A check that raises one
of our errors is reported as failing, never as a fault of the caller.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError

from service.domain import Alias
from service.errors import CommentDeskError
from service.heartbeat import loaded_models
from service.lifecycle import Lifecycle

Check = dict[str, Any]

# A write that failed for want of a database this recently makes the database not ready.
WRITE_FAILURE_SECONDS = 30.0
# An SQLite file on a disk with less room than this will soon refuse commits.
MIN_FREE_BYTES = 8 * 1024 * 1024


def _never() -> bool:
    return False


class Readiness:
    """The readiness checks over one process's database and Redis."""

    def __init__(
        self,
        engine: Engine,
        lifecycle: Lifecycle,
        redis: Redis | None,
        refusing_writes: Callable[[], bool] = _never,
    ) -> None:
        self.engine = engine
        self.lifecycle = lifecycle
        self.redis = redis
        # The API's intake knows when commits failed for want of a database a moment ago.
        self.refusing_writes = refusing_writes

    def checks(self) -> dict[str, Check]:
        """Every check by name."""
        return {
            "database": _run(self.database),
            "redis": _run(self.redis_answers),
            "champion": _run(self.champion),
            "workers": _run(self.workers),
        }

    def database(self) -> Check:
        """The database answers, takes writes, and (SQLite) has room on its disk."""
        try:
            with self.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            return {"ok": False, "detail": f"database unreachable: {type(exc).__name__}"}
        if self.refusing_writes():
            return {"ok": False, "detail": "the database answers but refuses writes"}
        free = _free_bytes(self.engine)
        if free is not None and free < MIN_FREE_BYTES:
            return {
                "ok": False,
                "detail": f"the disk holding the database is full ({free} bytes free)",
            }
        return {"ok": True}

    def redis_answers(self) -> Check:
        """Redis is configured and answers."""
        if self.redis is None:
            return {"ok": False, "detail": "no Redis is configured"}
        try:
            self.redis.ping()
        except RedisError as exc:
            return {"ok": False, "detail": f"Redis is unreachable: {exc}"}
        return {"ok": True}

    def champion(self) -> Check:
        """A champion model is registered."""
        champion = self.lifecycle.alias(Alias.CHAMPION)
        if champion is None:
            return {"ok": False, "detail": "no champion model is registered"}
        return {"ok": True, "version": champion.id}

    def workers(self) -> Check:
        """At least one worker reported the model it loaded (worker name → version)."""
        if self.redis is None:
            return {"ok": False, "detail": "no Redis is configured, so no worker can report"}
        loaded = loaded_models(self.redis)
        if not loaded:
            return {"ok": False, "detail": "no worker has reported a loaded model"}
        return {"ok": True, "loaded": loaded}


def _run(check: Callable[[], Check]) -> Check:
    try:
        return check()
    except CommentDeskError as exc:
        return {"ok": False, "detail": exc.detail}


def _free_bytes(engine: Engine) -> int | None:
    """Free space on the disk of an SQLite file (None for a server database)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    try:
        return shutil.disk_usage(Path(database).parent).free
    except OSError:
        return None
