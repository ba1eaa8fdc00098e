"""Live events and statistics endpoints (issue 4): server-sent events, ops stats."""

from __future__ import annotations

import dataclasses
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response, StreamingResponse

from service.errors import UnavailableError
from service.http.call import ApiRoute, Call
from service.http.fields import Field, Fields
from service.http.render import timestamp
from service.http.roles import MODERATOR, OPS
from service.settings import Settings
from service.stats import MAX_HOURS, Stats

DEFAULT_HOURS = 24
# Proxies must pass each event on at once (nginx buffers responses unless told not to).
STREAM_HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}


def routes(settings: Settings) -> list[ApiRoute]:  # noqa: ARG001 (same signature as the others)
    """This module's operations, added to the route table."""
    return [
        ApiRoute("GET", "/v1/events", stream_events, MODERATOR,
                 "Live events as text/event-stream (classified, decided, undone, claimed, "
                 "released, reported)", response="EventStream", errors=(503,),
                 media_types=("text/event-stream",)),
        ApiRoute("GET", "/v1/stats", get_stats, OPS,
                 "Decisions per hour, time to decision, automatic share, overturns",
                 response="Stats", query=stats_query),
    ]  # fmt: skip


stats_query: Fields = {
    "hours": Field("integer", f"Whole UTC hours, the current one included (default "
                   f"{DEFAULT_HOURS}).", minimum=1, maximum=MAX_HOURS, example=DEFAULT_HOURS),
}  # fmt: skip


async def stream_events(call: Call) -> Response:
    """Relay the event channel until the client leaves or the server stops."""
    live = call.resources.live
    if live is None:
        raise UnavailableError("live events need Redis: set REDIS_URL")
    await live.admit()
    return StreamingResponse(live.stream(), media_type="text/event-stream", headers=STREAM_HEADERS)


async def get_stats(call: Call) -> Response:
    """The statistics of the last ``hours`` hours."""
    stats = await run_in_threadpool(
        call.resources.stats.last_hours, call.query["hours"] or DEFAULT_HOURS
    )
    return JSONResponse(render_stats(stats))


def render_stats(stats: Stats) -> dict[str, Any]:
    """Stats as JSON (hours as ISO timestamps)."""
    ttd = stats.time_to_decision
    return {
        "since": timestamp(stats.since),
        "hours": [
            {"hour": timestamp(h.hour), "automatic": h.automatic, "human": h.human}
            for h in stats.hours
        ],
        "time_to_decision_seconds": {"p50": ttd.p50, "p90": ttd.p90, "count": ttd.count},
        "automatic_share": stats.automatic_share,
        "overturn_rate": stats.overturn_rate,
        "overturns": stats.overturns,
        "per_moderator": [dataclasses.asdict(m) for m in stats.per_moderator],
    }
