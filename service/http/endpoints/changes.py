"""The change feed (issue 11): a site's events in commit order, from a durable cursor."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.http import integration_render as render
from service.http.call import ApiRoute, Call
from service.http.fields import Field, Fields
from service.http.paging import cursor_pointer, page_args
from service.http.roles import SITE
from service.settings import Settings


def routes(settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("GET", "/v1/changes", list_changes, SITE,
                 "The site's events in commit order, after a cursor", response="ChangePage",
                 query=feed_query(settings), errors=(410,)),
    ]  # fmt: skip


def feed_query(settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/changes``."""
    return {
        "cursor": Field(
            "string", "next_cursor of the previous call (none: from the oldest event kept)."
        ),
        "limit": Field(
            "integer",
            f"Events per call (default {settings.default_page_size}).",
            minimum=1,
            maximum=settings.max_page_size,
        ),
    }


async def list_changes(call: Call) -> Response:
    """Events after the cursor; ``next_cursor`` is where the next call starts."""
    cursor, limit = page_args(call)
    outbox = call.resources.outbox
    with cursor_pointer():
        page = await run_in_threadpool(outbox.feed, call.caller.name, cursor, limit)
    return JSONResponse(render.feed_page(page))
