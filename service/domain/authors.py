"""What moderators know and decide about one author: plain values, no I/O."""

from __future__ import annotations

import dataclasses
from datetime import datetime

from service.domain import AuthorPolicy, Comment


@dataclasses.dataclass(frozen=True)
class AuthorRecord:
    """What moderators want to know about an author at a glance."""

    author_id: str
    counts: dict[str, int]
    recent: list[Comment]


@dataclasses.dataclass(frozen=True)
class AuthorPolicySetting:
    """A policy as set: what, for ``trust`` below which score, by whom, when, why and until
    when (``expires_at`` None: until a moderator removes it; ``suspend`` always has an end)."""

    site_id: str
    author_id: str
    policy: AuthorPolicy
    trust_threshold: float | None
    note: str | None
    set_by: str
    set_at: datetime
    expires_at: datetime | None = None

    def is_active(self, now: datetime) -> bool:
        """Whether the policy still applies at ``now`` (an expired one is as if removed)."""
        return self.expires_at is None or now < self.expires_at


@dataclasses.dataclass(frozen=True)
class RecentHistory:
    """How the author's latest decided comments on a site went (the recent-history trigger)."""

    decided: int  # decided comments counted (at most the rule's window of comments)
    rejected: int  # of which rejected or spam


@dataclasses.dataclass(frozen=True)
class AuthorNote:
    """A moderator's private note on an author: what they wrote, and when."""

    id: int
    site_id: str
    author_id: str
    body: str
    written_by: str
    written_at: datetime
