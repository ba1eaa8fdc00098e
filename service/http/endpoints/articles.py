"""What a site renders under an article."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.http import render
from service.http.call import Call
from service.http.fields import Field, Fields
from service.http.paging import cursor_pointer, page_args
from service.http.schemas import page_fields
from service.settings import Settings


def article_query(settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/articles/{article_id}/comments``."""
    return {
        "order": Field(
            "string",
            "oldest (default) or newest: the order of threads (replies stay oldest first).",
            choices=("oldest", "newest"),
        ),
        **page_fields(settings),
    }


async def list_article_comments(call: Call) -> Response:
    """Approved comments of an article, threaded, one page of top-level threads at a time,
    with the article's counts."""
    cursor, limit = page_args(call)
    with cursor_pointer():
        page, (total, threads) = await run_in_threadpool(
            call.resources.moderation.published,
            call.caller.name,
            call.path_param("article_id"),
            cursor,
            limit,
            call.query["order"] == "newest",
        )
    return JSONResponse(
        {**render.published_threads(page), "counts": {"comments": total, "threads": threads}}
    )
