"""Live events and statistics endpoints (issue 4): server-sent events, ops stats."""

from __future__ import annotations

from typing import Annotated

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response, StreamingResponse

from service.errors import UnavailableError
from service.http import ops_responses as ops_out
from service.http.call import ApiRoute, Call
from service.http.render import utc
from service.http.roles import MODERATOR, OPS
from service.http.wire import JsonResponse, Request
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
                 "released, reported)", response=ops_out.LiveEvent, errors=(503,),
                 media_types=("text/event-stream",)),
        ApiRoute("GET", "/v1/stats", get_stats, OPS,
                 "Decisions per hour, time to decision, automatic share, overturns",
                 response=ops_out.Stats, query=StatsQuery),
    ]  # fmt: skip


class StatsQuery(Request):
    """Query parameters of ``GET /v1/stats``."""

    hours: (
        Annotated[
            int,
            Meta(
                ge=1,
                le=MAX_HOURS,
                description=(
                    f"Whole UTC hours, the current one included (default {DEFAULT_HOURS})."
                ),
                examples=[DEFAULT_HOURS],
            ),
        ]
        | None
    ) = None


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
        call.resources.stats.last_hours, call.query_as(StatsQuery).hours or DEFAULT_HOURS
    )
    return JsonResponse(render_stats(stats))


def render_stats(stats: Stats) -> ops_out.Stats:
    """Stats as a response."""
    ttd = stats.time_to_decision
    return ops_out.Stats(
        since=utc(stats.since),
        hours=[
            ops_out.HourCount(hour=utc(h.hour), automatic=h.automatic, human=h.human)
            for h in stats.hours
        ],
        time_to_decision_seconds=ops_out.TimeToDecision(p50=ttd.p50, p90=ttd.p90, count=ttd.count),
        automatic_share=stats.automatic_share,
        overturn_rate=stats.overturn_rate,
        overturns=stats.overturns,
        per_moderator=[
            ops_out.ModeratorCount(
                actor=m.actor,
                decisions=m.decisions,
                approved=m.approved,
                rejected=m.rejected,
                spam=m.spam,
            )
            for m in stats.per_moderator
        ],
    )
