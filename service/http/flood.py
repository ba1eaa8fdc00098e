"""Flood limits at the door of POST /v1/comments: a 429 with Retry-After, or (by the site's
setting) accepted and held for review with reason ``flood``."""

from __future__ import annotations

import dataclasses
import math

from service.domain import NewComment, Reason
from service.errors import RateLimitedError
from service.flood.limiter import FloodLimiter
from service.http.call import Call
from service.http.sse import connect_async_redis
from service.settings import Settings


def open_flood_limiter(settings: Settings) -> FloodLimiter | None:
    """The process's limiter (none without Redis: nothing is limited)."""
    if not settings.redis_url:
        return None
    return FloodLimiter(connect_async_redis(settings.redis_url), settings)


async def close_flood_limiter(limiter: FloodLimiter | None) -> None:
    """Close the limiter's connection."""
    if limiter is not None:
        await limiter.close()


async def flood_checked(call: Call, item: NewComment) -> NewComment:
    """The submission as it may be stored: unchanged, held for ``flood``, or a 429."""
    limiter: FloodLimiter | None = getattr(call.request.app.state, "flood", None)
    if limiter is None:
        return item
    refusal = await limiter.admit(item.site_id, item.author.id, item.envelope.ip)
    if refusal is None:
        return item
    if call.resources.settings.site(item.site_id).flood_mode == "hold":
        return dataclasses.replace(item, hold=Reason.FLOOD.value)
    seconds = max(1, math.ceil(refusal.retry_after_seconds))
    raise RateLimitedError(
        f"too many comments from this {_NAMES[refusal.dimension]}; try again in {seconds} s",
        retry_after=seconds,
        limit=refusal.dimension,
    )


_NAMES = {"key": "site", "author": "author", "address": "address"}
