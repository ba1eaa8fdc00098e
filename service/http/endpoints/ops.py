"""What ops look at: registered models and the audit log."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import model_responses as model_out
from service.http import render
from service.http.call import Call
from service.http.paging import cursor_pointer, page_args
from service.http.queries import AuditQuery, audit_filter
from service.http.wire import JsonResponse


async def list_models(call: Call) -> Response:
    """Registered model versions and their aliases."""
    versions = await run_in_threadpool(call.resources.lifecycle.models)
    return JsonResponse(model_out.ModelList(items=[render.model_version(v) for v in versions]))


async def list_audit(call: Call) -> Response:
    """The moderation action log, newest first, filterable."""
    cursor, limit = page_args(call)
    with cursor_pointer():
        page = await run_in_threadpool(
            call.resources.moderation.audit, audit_filter(call.query_as(AuditQuery)), cursor, limit
        )
    return JsonResponse(render.action_page(page))
