"""Liveness, readiness and the API description: no authentication."""

from __future__ import annotations

import logging
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, text
from sqlalchemy.exc import SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.errors import CommentDeskError, UnavailableError
from service.heartbeat import loaded_models
from service.http import responses as out
from service.http.call import Call
from service.http.resources import Resources
from service.http.wire import JsonResponse


class NotReadyError(UnavailableError):
    """A dependency the service needs to do its job is missing."""

    code = "not-ready"
    title = "Not ready"
    # An answer to a probe, not a fault: `up` polls it while workers start, and monitors poll
    # it all day; the failing checks are in the answer.
    log_level = logging.DEBUG

    def __init__(self, detail: str, checks: dict[str, Any]) -> None:
        super().__init__(detail)
        self.extensions = {"checks": checks}


async def healthz(_call: Call) -> Response:
    """The process is up and serving."""
    return JsonResponse(out.Health(status="ok"))


async def readyz(call: Call) -> Response:
    """Database, Redis, a champion model and a worker that has loaded one; 503 naming failures."""
    checks = await run_in_threadpool(readiness_checks, call.resources)
    failing = [name for name, check in checks.items() if not check["ok"]]
    if failing:
        raise NotReadyError(f"not ready: {', '.join(failing)}", checks)
    return JsonResponse(out.Readiness(status="ready", checks=checks))


def readiness_checks(resources: Resources) -> dict[str, dict[str, Any]]:
    """Each dependency's state; a check that raises is reported as failing, not a 500."""
    return {
        "database": _run(_database, resources),
        "redis": _run(_redis, resources),
        "champion": _run(_champion, resources),
        "workers": _run(_workers, resources),
    }


def _run(check: Callable[[Resources], dict[str, Any]], resources: Resources) -> dict[str, Any]:
    try:
        return check(resources)
    except CommentDeskError as exc:
        return {"ok": False, "detail": exc.detail}


# A write that failed for want of a database this recently makes the database not ready.
WRITE_FAILURE_SECONDS = 30.0
# An SQLite file on a disk with less room than this will soon refuse commits.
MIN_FREE_BYTES = 8 * 1024 * 1024


def _database(resources: Resources) -> dict[str, Any]:
    try:
        with resources.engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as exc:
        return {"ok": False, "detail": f"database unreachable: {type(exc).__name__}"}
    if resources.intake.is_failing(WRITE_FAILURE_SECONDS):
        return {"ok": False, "detail": "the database answers but refuses writes"}
    free = _free_bytes(resources.engine)
    if free is not None and free < MIN_FREE_BYTES:
        return {"ok": False, "detail": f"the disk holding the database is full ({free} bytes free)"}
    return {"ok": True}


def _free_bytes(engine: Engine) -> int | None:
    """Free space on the disk of an SQLite file (None for a server database)."""
    database = engine.url.database
    if engine.url.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    try:
        return shutil.disk_usage(Path(database).parent).free
    except OSError:
        return None


def _redis(resources: Resources) -> dict[str, Any]:
    if resources.moderation.queue is None:
        return {"ok": False, "detail": "no Redis is configured"}
    resources.moderation.queue.queue.ping()
    return {"ok": True}


def _champion(resources: Resources) -> dict[str, Any]:
    champion = resources.moderation.champion()
    if champion is None:
        return {"ok": False, "detail": "no champion model is registered"}
    return {"ok": True, "version": champion.id}


def _workers(resources: Resources) -> dict[str, Any]:
    if resources.redis is None:
        return {"ok": False, "detail": "no Redis is configured, so no worker can report"}
    loaded = loaded_models(resources.redis)
    if not loaded:
        return {"ok": False, "detail": "no worker has reported a loaded model"}
    return {"ok": True, "loaded": loaded}


async def openapi_document(call: Call) -> Response:
    """The OpenAPI 3.1 description of this API."""
    return JsonResponse(call.resources.openapi)
