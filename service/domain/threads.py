"""What a site shows under an article: published comments, and the places of the unpublished
ones their published replies hang from. Plain values, no I/O."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from service.domain import Comment


@dataclasses.dataclass(frozen=True)
class Unavailable:
    """A comment that is not published (reported, rejected, deleted, ...) but has published
    replies: where it stood in the thread, never what it said or who wrote it."""

    id: str
    parent_id: str | None
    root_id: str
    created_at: datetime


# One entry of a published thread, in thread order (each parent before its replies).
ThreadEntry = Comment | Unavailable
