"""Housekeeping queries: stuck pending comments and envelope retention."""

from __future__ import annotations

from collections.abc import Sequence
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


def intake_holds(session: Session, comment_ids: Sequence[str]) -> dict[str, str]:
    """The hold set at intake (``flood``) of each of these comments that has one."""
    if not comment_ids:
        return {}
    rows = session.execute(
        select(CommentRow.id, CommentRow.intake_hold).where(
            CommentRow.id.in_(list(comment_ids)), CommentRow.intake_hold.is_not(None)
        )
    ).all()
    return {cid: str(hold) for cid, hold in rows}
