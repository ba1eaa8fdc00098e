"""State changes of a comment: system verdicts, human decisions, reader reports.

Each change is a conditional UPDATE of the comment plus an appended action in the same
transaction, so concurrent workers or moderators cannot both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from service.domain import ActionKind, Comment, Reason, Status
from service.errors import StaleDecisionError
from service.models import ActionRow, CommentRow, ReportRow, ScoreRow
from service.store.comments import get_comment_row
from service.store.convert import to_comment


def pending_comments(session: Session, comment_ids: Sequence[str]) -> list[Comment]:
    """The comments among ``comment_ids`` that still await classification."""
    rows = session.scalars(
        select(CommentRow).where(
            CommentRow.id.in_(list(comment_ids)), CommentRow.status == Status.PENDING.value
        )
    ).all()
    return [to_comment(r) for r in rows]


def record_system_verdict(
    session: Session,
    comment_id: str,
    to_status: Status,
    reasons: Sequence[str],
    scores: Mapping[str, float],
    model_version: str | None,
    now: datetime,
) -> bool:
    """Move a pending comment to the verdict's status; False if it was no longer pending."""
    result = session.execute(
        update(CommentRow)
        .where(CommentRow.id == comment_id, CommentRow.status == Status.PENDING.value)
        .values(
            status=to_status.value,
            reasons=list(reasons),
            risk=max(scores.values()) if scores else None,
            model_version=model_version,
            decided_at=now,
            version=CommentRow.version + 1,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        return False
    session.add(
        ActionRow(
            comment_id=comment_id,
            kind=ActionKind.CLASSIFIED.value,
            actor=None,
            from_status=Status.PENDING.value,
            to_status=to_status.value,
            reasons=list(reasons),
            model_version=model_version,
            scores=dict(scores),
            created_at=now,
        )
    )
    if model_version is not None:
        session.add_all(
            ScoreRow(comment_id=comment_id, model_version=model_version, label=k, value=v)
            for k, v in scores.items()
        )
    return True


def apply_decision(
    session: Session,
    comment_id: str,
    *,
    to_status: Status,
    actor: str,
    reasons: Sequence[str],
    note: str | None,
    expected_version: int | None,
    now: datetime,
) -> Comment:
    """Record a moderator's decision, refusing one made on a stale view of the comment."""
    row = get_comment_row(session, comment_id)
    if expected_version is not None and row.version != expected_version:
        raise StaleDecisionError(
            f"comment is at version {row.version}, the decision was made on {expected_version}"
        )
    previous = _last_human_decision(session, comment_id)
    if previous is not None and expected_version is None:
        if previous.actor == actor and previous.to_status == to_status.value:
            return to_comment(row)  # the same moderator repeating the same decision
        raise StaleDecisionError(
            f"{previous.actor} already decided this comment ({previous.to_status}); "
            "send expected_version to overturn it"
        )
    _update_status(session, row, to_status, list(reasons), now)
    session.add(
        ActionRow(
            comment_id=comment_id,
            kind=ActionKind.DECIDED.value,
            actor=actor,
            from_status=row.status,
            to_status=to_status.value,
            reasons=list(reasons),
            model_version=None,
            scores={},
            note=note,
            created_at=now,
        )
    )
    session.flush()
    session.refresh(row)
    return to_comment(row)


def _update_status(
    session: Session, row: CommentRow, to_status: Status, reasons: list[str], now: datetime
) -> None:
    result = session.execute(
        update(CommentRow)
        .where(CommentRow.id == row.id, CommentRow.version == row.version)
        .values(status=to_status.value, reasons=reasons, decided_at=now, version=row.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDecisionError("another decision on this comment landed first")


def _last_human_decision(session: Session, comment_id: str) -> ActionRow | None:
    return session.scalars(
        select(ActionRow)
        .where(ActionRow.comment_id == comment_id, ActionRow.kind == ActionKind.DECIDED.value)
        .order_by(ActionRow.id.desc())
        .limit(1)
    ).first()


def add_report(
    session: Session,
    comment_id: str,
    *,
    reporter_id: str,
    reason: str,
    note: str | None,
    threshold: int,
    now: datetime,
) -> tuple[bool, Comment]:
    """Record a reader's report once per reporter; enough of them re-open an approved comment."""
    row = get_comment_row(session, comment_id)
    duplicate = session.scalars(
        select(ReportRow.id).where(
            ReportRow.comment_id == comment_id, ReportRow.reporter_id == reporter_id
        )
    ).first()
    if duplicate is not None:
        return False, to_comment(row)
    session.add(
        ReportRow(
            comment_id=comment_id, reporter_id=reporter_id, reason=reason, note=note, created_at=now
        )
    )
    row.report_count += 1
    if row.report_count >= threshold and row.status == Status.APPROVED.value:
        _reopen_reported(session, row, reason, now)
    session.flush()
    return True, to_comment(row)


def _reopen_reported(session: Session, row: CommentRow, reason: str, now: datetime) -> None:
    reasons = [Reason.REPORTED.value, reason]
    session.add(
        ActionRow(
            comment_id=row.id,
            kind=ActionKind.REPORTED.value,
            actor=None,
            from_status=row.status,
            to_status=Status.REPORTED.value,
            reasons=reasons,
            scores={},
            created_at=now,
        )
    )
    row.status = Status.REPORTED.value
    row.reasons = reasons
    row.version += 1
