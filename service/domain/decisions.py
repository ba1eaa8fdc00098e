"""Moderator decisions, one or many at a time: plain values, no I/O."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from service.domain import Comment

BULK_MAX = 500


@dataclasses.dataclass(frozen=True)
class Selection:
    """Which comments of a queue: given ids, one author's, or those linking to a domain."""

    ids: tuple[str, ...] | None = None
    site_id: str | None = None
    author_id: str | None = None
    link: str | None = None


@dataclasses.dataclass(frozen=True)
class Decided:
    """A recorded human decision: the comment after it, and the batch that can undo it."""

    comment: Comment
    batch_id: str | None  # None only for decisions recorded before batches existed
    decided_at: datetime
