"""What a site renders under an article."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.http import render
from service.http.call import Call
from service.http.paging import cursor_pointer, page_args


async def list_article_comments(call: Call) -> Response:
    """Approved comments of an article, threaded, one page of top-level threads at a time."""
    cursor, limit = page_args(call)
    with cursor_pointer():
        page = await run_in_threadpool(
            call.resources.moderation.published,
            call.caller.name,
            call.path_param("article_id"),
            cursor,
            limit,
        )
    return JSONResponse(render.published_threads(page))
