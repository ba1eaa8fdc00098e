"""Submitting comments in tests the way ``POST /v1/comments`` does, without HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence

from service.domain import NewComment
from service.intake import Enqueuer, Intake
from service.moderation import Moderation
from service.store.comments import Stored


def submit(moderation: Moderation, items: Sequence[NewComment]) -> list[Stored]:
    """Store ``items`` through Intake's group commit, then enqueue the new ones through its
    Enqueuer (no linger), as the API process does; returns once both are done."""

    async def through_intake() -> list[Stored]:
        enqueuer = Enqueuer(moderation.enqueue, 0.0) if moderation.queue is not None else None
        intake = Intake(moderation.store, enqueuer, max(1, len(items)))
        try:
            return list(await asyncio.gather(*(intake.submit(item) for item in items)))
        finally:
            await intake.close()

    return asyncio.run(through_intake())
