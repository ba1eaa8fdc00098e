"""Readers' reports: recording them, weighing them, and judging them with a moderator's decision.

Every change starts by locking the comment's row (an UPDATE takes the row lock on PostgreSQL and
the write lock on SQLite before anything is read), so two reports at once, or a report and a
decision, are applied one after the other: the second sees the first's report when it weighs
the open ones, and nobody's report is left open on a comment a moderator just judged.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.domain import ActionKind, Comment, Reason, Status
from service.domain.changes import Decider, Transition
from service.domain.comment_ids import is_comment_id
from service.domain.reports import ReporterRecord, ReportState, reaches_threshold
from service.errors import NotFoundError
from service.models import REPORTERS, ActionRow, CommentRow, ReporterRow, ReportRow
from service.store import outbox
from service.store.convert import to_comment


@dataclasses.dataclass(frozen=True)
class Reported:
    """A report as recorded: whether it was new, and whether it moved the comment to review."""

    is_new: bool
    comment: Comment
    reopened: bool = False


def lock_comment(session: Session, comment_id: str, site_id: str | None = None) -> CommentRow:
    """The comment's row, locked for the rest of the transaction (a site: only its own)."""
    if not is_comment_id(comment_id):
        raise NotFoundError(f"comment {comment_id!r} does not exist")
    locked = session.execute(
        update(CommentRow)
        .where(CommentRow.id == comment_id)
        .values(report_count=CommentRow.report_count)
        .execution_options(synchronize_session=False)
    )
    row = session.get(CommentRow, comment_id, populate_existing=True)
    if locked.rowcount != 1 or row is None or (site_id is not None and row.site_id != site_id):  # type: ignore[attr-defined]
        raise NotFoundError(f"comment {comment_id!r} does not exist")
    return row


def add_report(
    session: Session,
    site_id: str,
    comment_id: str,
    *,
    reporter_id: str,
    reason: str,
    note: str | None,
    threshold: int,
    now: datetime,
) -> Reported:
    """Record a reader's report once per reporter; when the weights of the open reports reach
    ``threshold``, an approved comment goes back to review."""
    row = lock_comment(session, comment_id, site_id)
    duplicate = session.scalar(
        select(ReportRow.id).where(
            ReportRow.comment_id == comment_id, ReportRow.reporter_id == reporter_id
        )
    )
    if duplicate is not None:
        return Reported(False, to_comment(row))
    _ensure_reporters(session, site_id, [reporter_id])
    session.add(
        ReportRow(
            comment_id=comment_id,
            reporter_id=reporter_id,
            reason=reason,
            note=note,
            created_at=now,
            state=ReportState.OPEN.value,
        )
    )
    row.report_count += 1
    session.flush()
    reopened = row.status == Status.APPROVED.value and reaches_threshold(
        open_weights(session, site_id, comment_id), threshold
    )
    if reopened:
        _reopen_reported(session, row, reason, now)
        session.flush()
    return Reported(True, to_comment(row), reopened)


def open_weights(session: Session, site_id: str, comment_id: str) -> list[float]:
    """The weight of each open report on the comment (a reporter never judged weighs 1)."""
    rows = session.execute(
        select(func.coalesce(ReporterRow.upheld, 0), func.coalesce(ReporterRow.dismissed, 0))
        .select_from(ReportRow)
        .outerjoin(
            ReporterRow,
            and_(ReporterRow.site_id == site_id, ReporterRow.reporter_id == ReportRow.reporter_id),
        )
        .where(ReportRow.comment_id == comment_id, ReportRow.state == ReportState.OPEN.value)
    ).all()
    return [ReporterRecord(int(up), int(down)).weight for up, down in rows]


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
    change = Transition(
        outbox.ref_of(row), Status.APPROVED, Status.REPORTED, reasons, Decider.SYSTEM, now
    )
    outbox.record(session, [change])


def resolve_reports(
    session: Session,
    comment_ids: Sequence[str],
    outcome: ReportState,
    batch_id: str | None,
    now: datetime,
) -> int:
    """Judge the open reports on these comments (call after locking or updating them); each
    reporter's record counts the outcome. Returns how many reports were judged."""
    found = session.execute(
        select(ReportRow.id, CommentRow.site_id, ReportRow.reporter_id)
        .join(CommentRow, CommentRow.id == ReportRow.comment_id)
        .where(
            ReportRow.comment_id.in_(list(comment_ids)),
            ReportRow.state == ReportState.OPEN.value,
        )
    ).all()
    if not found:
        return 0
    session.execute(
        update(ReportRow)
        .where(ReportRow.id.in_([report_id for report_id, _, _ in found]))
        .values(state=outcome.value, resolved_at=now, resolved_batch_id=batch_id)
        .execution_options(synchronize_session=False)
    )
    _count(session, Counter((site, reporter) for _, site, reporter in found), outcome, +1)
    return len(found)


def reopen_reports(session: Session, batch_id: str) -> int:
    """Open again the reports a decision batch judged (its undo); their reporters' records
    forget that judgement. Returns how many reports were opened."""
    found = session.execute(
        select(ReportRow.id, CommentRow.site_id, ReportRow.reporter_id, ReportRow.state)
        .join(CommentRow, CommentRow.id == ReportRow.comment_id)
        .where(ReportRow.resolved_batch_id == batch_id)
    ).all()
    for state in (ReportState.UPHELD, ReportState.DISMISSED):
        judged = Counter((site, reporter) for _, site, reporter, s in found if s == state.value)
        _count(session, judged, state, -1)
    if found:
        session.execute(
            update(ReportRow)
            .where(ReportRow.id.in_([row[0] for row in found]))
            .values(state=ReportState.OPEN.value, resolved_at=None, resolved_batch_id=None)
            .execution_options(synchronize_session=False)
        )
    return len(found)


def _count(
    session: Session, judged: Counter[tuple[str, str]], outcome: ReportState, sign: int
) -> None:
    """Add ``sign`` times each reporter's number of judged reports to their record, in SQL
    (``n = n + k``), so concurrent decisions on different comments never lose a count. Rows are
    written in key order, so two decisions sharing reporters lock them in the same order and
    cannot deadlock each other on PostgreSQL."""
    if not judged:
        return
    for site in sorted({site for site, _ in judged}):
        _ensure_reporters(session, site, sorted(r for s, r in judged if s == site))
    column = REPORTERS.c[_outcome_column(outcome)]
    session.execute(
        update(REPORTERS)
        .where(
            REPORTERS.c.site_id == bindparam("b_site"),
            REPORTERS.c.reporter_id == bindparam("b_reporter"),
        )
        .values({column.name: column + bindparam("b_n")}),
        [
            {"b_site": site, "b_reporter": reporter, "b_n": sign * judged[site, reporter]}
            for site, reporter in sorted(judged)
        ],
    )


def _outcome_column(outcome: ReportState) -> str:
    """The reporters' column that counts this outcome."""
    return "upheld" if outcome is ReportState.UPHELD else "dismissed"


def _ensure_reporters(session: Session, site_id: str, reporter_ids: Sequence[str]) -> None:
    """A record for each reporter (reports stored before records existed have none yet)."""
    values = [
        {"site_id": site_id, "reporter_id": r, "upheld": 0, "dismissed": 0} for r in reporter_ids
    ]
    statement: Any
    if session.get_bind().dialect.name == "postgresql":
        statement = postgresql.insert(ReporterRow)
    else:
        statement = sqlite.insert(ReporterRow)
    session.execute(
        statement.on_conflict_do_nothing(index_elements=["site_id", "reporter_id"]), values
    )
