"""What a queue card shows beyond the comment, for a whole page at once (five queries at most)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.orm import Session

from service.domain import ActionKind, Comment
from service.domain.queues import CardDetails, CardReport
from service.domain.reports import ReporterRecord, ReportState
from service.models import ActionRow, CommentRow, ReporterRow, ReportRow, ScoreRow
from service.store import articles
from service.store.convert import to_comment


def card_details(session: Session, page: Sequence[Comment]) -> dict[str, CardDetails]:
    """Details of every comment of a page, keyed by comment id."""
    ids = [c.id for c in page]
    scores = _scores(session, page)
    classified = _latest_classification(session, ids)
    parents = _parents(session, [c.parent_id for c in page if c.parent_id is not None])
    reports = reports_of(session, ids)
    pages = articles.settings_for(session, {(c.site_id, c.article_id) for c in page})
    return {
        c.id: CardDetails(
            scores.get(c.id, {}),
            classified.get(c.id, (None, []))[0],
            parents.get(c.parent_id) if c.parent_id is not None else None,
            classified.get(c.id, (None, []))[1],
            reports.get(c.id, []),
            pages.get((c.site_id, c.article_id)),
        )
        for c in page
    }


def _scores(session: Session, page: Sequence[Comment]) -> dict[str, dict[str, float]]:
    version_of = {c.id: c.model_version for c in page}
    rows = session.execute(
        select(ScoreRow.comment_id, ScoreRow.model_version, ScoreRow.scores).where(
            ScoreRow.comment_id.in_(list(version_of))
        )
    ).all()
    return {
        comment_id: dict(scores)
        for comment_id, version, scores in rows
        if version == version_of[comment_id]  # not a challenger's shadow scores
    }


def _latest_classification(
    session: Session, ids: list[str]
) -> dict[str, tuple[dict[str, Any] | None, list[str]]]:
    """Each comment's latest system verdict: its evidence and its reasons."""
    rows = session.execute(
        select(ActionRow.comment_id, ActionRow.evidence, ActionRow.reasons)
        .where(ActionRow.comment_id.in_(ids), ActionRow.kind == ActionKind.CLASSIFIED.value)
        .order_by(ActionRow.id)
    ).all()
    # Ordered by id: the latest classification of each comment wins.
    return {comment_id: (evidence, list(reasons)) for comment_id, evidence, reasons in rows}


def reports_of(session: Session, ids: list[str]) -> dict[str, list[CardReport]]:
    """Readers' reports on the comments of a page, oldest first, each with its state and its
    reporter's weight now (the reporter stays out of it)."""
    if not ids:
        return {}
    rows = session.execute(
        select(
            ReportRow.comment_id,
            ReportRow.reason,
            ReportRow.note,
            ReportRow.created_at,
            ReportRow.state,
            func.coalesce(ReporterRow.upheld, 0),
            func.coalesce(ReporterRow.dismissed, 0),
        )
        .join(CommentRow, CommentRow.id == ReportRow.comment_id)
        .outerjoin(
            ReporterRow,
            and_(
                ReporterRow.site_id == CommentRow.site_id,
                ReporterRow.reporter_id == ReportRow.reporter_id,
            ),
        )
        .where(ReportRow.comment_id.in_(ids))
        .order_by(ReportRow.id)
    ).all()
    found: dict[str, list[CardReport]] = {}
    for comment_id, reason, note, created_at, state, upheld, dismissed in rows:
        weight = ReporterRecord(int(upheld), int(dismissed)).weight
        found.setdefault(comment_id, []).append(
            CardReport(reason, note, created_at, ReportState(state), round(weight, 3))
        )
    return found


def _parents(session: Session, parent_ids: list[str]) -> dict[str, Comment]:
    if not parent_ids:
        return {}
    rows = session.scalars(select(CommentRow).where(CommentRow.id.in_(parent_ids))).all()
    return {row.id: to_comment(row) for row in rows}
