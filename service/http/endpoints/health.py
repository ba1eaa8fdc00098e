"""Liveness, readiness and the API description: no authentication."""

from __future__ import annotations

import logging
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.errors import UnavailableError
from service.http import ops_responses as ops_out
from service.http.call import Call
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
    return JsonResponse(ops_out.Health(status="ok"))


async def readyz(call: Call) -> Response:
    """Database, Redis, a champion model and a worker that has loaded one; 503 naming failures."""
    checks = await run_in_threadpool(call.resources.readiness.checks)
    failing = [name for name, check in checks.items() if not check["ok"]]
    if failing:
        raise NotReadyError(f"not ready: {', '.join(failing)}", checks)
    return JsonResponse(ops_out.Readiness(status="ready", checks=checks))


async def openapi_document(call: Call) -> Response:
    """The OpenAPI 3.1 description of this API."""
    return JsonResponse(await run_in_threadpool(call.resources.openapi))
