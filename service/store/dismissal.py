"""A moderator dismissing the open reports on a comment.

The reports stay, marked dismissed, and count against their reporters; the log gains a
``dismissed`` action. A comment that reports had taken back to review (``reported``) is published
again, with the reasons it had when it was approved; a comment held for other reasons stays held.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain import ActionKind, Status
from service.domain.changes import Decider, Transition
from service.domain.reports import Dismissed, ReportState
from service.errors import CommentDeletedError, StaleDecisionError
from service.models import ActionRow, CommentRow
from service.store import outbox
from service.store.convert import to_comment
from service.store.reports import lock_comment, resolve_reports


def dismiss_reports(
    session: Session,
    comment_id: str,
    *,
    actor: str,
    note: str | None,
    expected_version: int | None,
    batch_id: str,
    now: datetime,
) -> Dismissed:
    """Dismiss the comment's open reports; nothing is recorded when none is open."""
    row = lock_comment(session, comment_id)
    if row.status == Status.DELETED.value:
        raise CommentDeletedError(f"comment {comment_id!r} was deleted by its author")
    if expected_version is not None and row.version != expected_version:
        raise StaleDecisionError(
            f"comment is at version {row.version}, the dismissal was made on {expected_version}"
        )
    dismissed = resolve_reports(session, [comment_id], ReportState.DISMISSED, batch_id, now)
    if not dismissed:
        return Dismissed(to_comment(row), 0, None)
    from_status = Status(row.status)
    if from_status is Status.REPORTED:
        _publish_again(session, row, now)
    session.add(
        ActionRow(
            comment_id=comment_id,
            kind=ActionKind.DISMISSED.value,
            actor=actor,
            from_status=from_status.value,
            to_status=row.status,
            reasons=list(row.reasons),
            model_version=None,
            scores={},
            note=note,
            created_at=now,
            batch_id=batch_id,
        )
    )
    session.flush()
    return Dismissed(to_comment(row), dismissed, batch_id)


def _publish_again(session: Session, row: CommentRow, now: datetime) -> None:
    """Back to ``approved`` with the reasons of the approval the reports interrupted."""
    reasons = _approval_reasons(session, row.id)
    row.status = Status.APPROVED.value
    row.reasons = reasons
    row.decided_at = now
    row.version += 1
    change = Transition(
        outbox.ref_of(row), Status.REPORTED, Status.APPROVED, reasons, Decider.MODERATOR, now
    )
    outbox.record(session, [change])


def _approval_reasons(session: Session, comment_id: str) -> list[str]:
    reasons = session.scalar(
        select(ActionRow.reasons)
        .where(ActionRow.comment_id == comment_id, ActionRow.to_status == Status.APPROVED.value)
        .order_by(ActionRow.id.desc())
        .limit(1)
    )
    return list(reasons or [])
