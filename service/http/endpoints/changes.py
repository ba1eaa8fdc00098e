"""The change feed (issue 11): a site's events in commit order, from a durable cursor."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.http import integration_render as render
from service.http import integration_responses as out
from service.http.call import ApiRoute, Call
from service.http.paging import cursor_pointer, page_args
from service.http.queries import PageQuery, paged
from service.http.roles import SITE
from service.http.wire import LINE, JsonResponse
from service.settings import Settings


def routes(settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("GET", "/v1/changes", list_changes, SITE,
                 "The site's events in commit order, after a cursor", response=out.ChangePage,
                 query=feed_query(settings), errors=(410,)),
    ]  # fmt: skip


class FeedQuery(PageQuery):
    """Query parameters of ``GET /v1/changes``."""

    cursor: (
        Annotated[
            str,
            LINE,
            Meta(
                description=("next_cursor of the previous call (none: from the oldest event kept).")
            ),
        ]
        | None
    ) = None


def feed_query(settings: Settings) -> type[FeedQuery]:
    """``FeedQuery`` with the page size limits of ``settings``."""
    return paged(FeedQuery, settings)


async def list_changes(call: Call) -> Response:
    """Events after the cursor; ``next_cursor`` is where the next call starts."""
    cursor, limit = page_args(call)
    outbox = call.resources.outbox
    with cursor_pointer():
        page = await run_in_threadpool(outbox.feed, call.caller.name, cursor, limit)
    return JsonResponse(render.feed_page(page))
