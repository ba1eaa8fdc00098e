"""The outbox's use cases: number committed events (and fan them out to webhooks), serve the
change feed, purge what is past retention.

Numbering happens after commit, in the order events become visible (service/store/outbox.py);
the change feed reads only numbered events, so its cursor (the last number read) is durable:
a site that comes back after downtime asks from its cursor and misses nothing, in any order
transactions committed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain.changes import OutboxEvent
from service.errors import CursorExpiredError
from service.settings import Settings
from service.store import outbox, webhooks
from service.store.cursor import decode_cursor, encode_cursor, sequence
from service.transaction import transaction

SEQUENCE_BATCH = 1000


@dataclasses.dataclass(frozen=True)
class FeedPage:
    """Events after a cursor, and the cursor to ask from next (always given)."""

    items: list[tuple[OutboxEvent, int]]
    next_cursor: str
    has_more: bool


class Outbox:
    """Sequencing, the change feed and retention."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: Settings,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.clock = clock

    def sequence(self) -> int:
        """Number every committed event not numbered yet and create its webhook deliveries;
        returns how many were numbered."""
        total = 0
        while True:
            with transaction(self.sessions) as session:
                if not outbox.has_unsequenced(session):
                    return total
                numbered = outbox.sequence(session, SEQUENCE_BATCH)
                webhooks.fan_out(session, numbered, self.clock())
            total += len(numbered)
            if len(numbered) < SEQUENCE_BATCH:
                return total

    def feed(self, site_id: str, cursor: str | None, limit: int) -> FeedPage:
        """The site's events after ``cursor`` (from the oldest retained without one)."""
        self.sequence()  # so a reader sees what has committed, even with no worker running
        with transaction(self.sessions) as session:
            # Read the top first: a number assigned after it is above it, so nothing numbered
            # while this request runs can fall behind the cursor it returns.
            top = outbox.last_seq(session)
            after = _after(cursor, outbox.purged_through(session))
            items = outbox.read_feed(session, site_id, after, top, limit + 1)
            if not items:
                # Skip past other sites' numbers, so the next poll starts where this one ended.
                after = max(after, top)
        page = items[:limit]
        last = page[-1][1] if page else after
        return FeedPage(page, encode_cursor(last), has_more=len(items) > limit)

    def purge(self) -> int:
        """Delete events (and their deliveries) past ``COMMENTDESK_OUTBOX_RETENTION_DAYS``."""
        self.sequence()  # nothing old is left unnumbered (and so unpurgeable)
        cutoff = self.clock() - timedelta(days=self.settings.outbox_retention_days)
        with transaction(self.sessions) as session:
            return outbox.purge(session, cutoff)


def _after(cursor: str | None, horizon: int) -> int:
    if cursor is None:
        return horizon
    (value,) = decode_cursor(cursor, sequence)
    if value < horizon:
        raise CursorExpiredError(
            "events after this cursor were purged (COMMENTDESK_OUTBOX_RETENTION_DAYS); "
            "resynchronise from the API and start again without a cursor"
        )
    return int(value)
