"""Moderator queues: their sizes, and one page of one queue."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import render, workspace_render
from service.http.call import Call
from service.http.paging import cursor_pointer, page_args
from service.http.queries import QueueQuery, queue_filter, queue_named
from service.http.wire import JsonResponse


async def list_queues(call: Call) -> Response:
    """Every queue's count and the age of its oldest comment."""
    overview = await run_in_threadpool(call.resources.moderation.queue_overview)
    return JsonResponse(render.queue_overview(overview))


async def list_queue(call: Call) -> Response:
    """One page of a queue, filtered and sorted by risk or age, each item with its claim."""
    queue = queue_named(call.path_param("name"))
    query = call.query_as(QueueQuery)
    cursor, limit = page_args(call)
    with cursor_pointer():
        page = await run_in_threadpool(
            call.resources.moderation.queue_page,
            queue,
            queue_filter(query),
            query.sort or "risk",
            cursor,
            limit,
        )
    workspace = call.resources.workspace
    claims = await run_in_threadpool(workspace.claims_for, [c.id for c in page.items])
    details = None
    if query.include == "details":
        details = await run_in_threadpool(workspace.card_details, page.items)
    return JsonResponse(workspace_render.queue_page(page, claims, details))
