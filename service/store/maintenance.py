"""Housekeeping queries: stuck pending comments and envelope retention."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.domain import Status
from service.models import CommentRow


def stale_pending_ids(session: Session, older_than: datetime, limit: int) -> list[str]:
    """Comments still pending that were accepted before ``older_than``, oldest first."""
    return list(
        session.scalars(
            select(CommentRow.id)
            .where(CommentRow.status == Status.PENDING.value, CommentRow.created_at < older_than)
            .order_by(CommentRow.created_at, CommentRow.id)
            .limit(limit)
        ).all()
    )


def purge_envelopes(session: Session, older_than: datetime, now: datetime) -> int:
    """Null the as-submitted envelope of comments older than the retention period."""
    result = session.execute(
        update(CommentRow)
        .where(CommentRow.created_at < older_than, CommentRow.envelope_purged_at.is_(None))
        .values(
            envelope_ip=None,
            envelope_user_agent=None,
            envelope_referrer=None,
            envelope_permalink=None,
            envelope_purged_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
