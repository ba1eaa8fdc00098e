"""Flood limits at the door of POST /v1/comments: a 429 with Retry-After, or (by the site's
setting) accepted and held for review with reason ``flood``."""

from __future__ import annotations

import dataclasses
import math

from service.domain import NewComment, Reason
from service.errors import RateLimitedError
from service.http.call import Call


async def flood_checked(call: Call, item: NewComment) -> NewComment:
    """The submission as it may be stored: unchanged, held for ``flood``, or a 429."""
    limiter = call.resources.flood
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
