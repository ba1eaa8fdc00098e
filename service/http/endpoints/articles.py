"""What a site renders under an article."""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import render
from service.http.call import Call
from service.http.paging import cursor_pointer, page_args
from service.http.queries import PageQuery, paged
from service.http.wire import JsonResponse
from service.settings import Settings


class ArticleQuery(PageQuery):
    """Query parameters of ``GET /v1/articles/{article_id}/comments``."""

    order: (
        Annotated[
            Literal["oldest", "newest"],
            Meta(
                description=(
                    "oldest (default) or newest: the order of threads (replies stay oldest first)."
                )
            ),
        ]
        | None
    ) = None


def article_query(settings: Settings) -> type[ArticleQuery]:
    """``ArticleQuery`` with the page size limits of ``settings``."""
    return paged(ArticleQuery, settings)


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
            call.query_as(ArticleQuery).order == "newest",
        )
    return JsonResponse(render.published_threads(page, total, threads))
