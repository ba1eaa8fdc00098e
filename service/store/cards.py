"""What a queue card shows beyond the comment, for a whole page at once (three queries)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain import ActionKind, Comment
from service.domain.queues import CardDetails
from service.models import ActionRow, CommentRow, ScoreRow
from service.store.convert import to_comment


def card_details(session: Session, page: Sequence[Comment]) -> dict[str, CardDetails]:
    """Details of every comment of a page, keyed by comment id."""
    ids = [c.id for c in page]
    scores = _scores(session, page)
    evidence = _latest_evidence(session, ids)
    parents = _parents(session, [c.parent_id for c in page if c.parent_id is not None])
    return {
        c.id: CardDetails(
            scores.get(c.id, {}),
            evidence.get(c.id),
            parents.get(c.parent_id) if c.parent_id is not None else None,
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


def _latest_evidence(session: Session, ids: list[str]) -> dict[str, dict[str, Any] | None]:
    rows = session.execute(
        select(ActionRow.comment_id, ActionRow.evidence)
        .where(ActionRow.comment_id.in_(ids), ActionRow.kind == ActionKind.CLASSIFIED.value)
        .order_by(ActionRow.id)
    ).all()
    return dict(rows)  # ordered by id: the latest classification of each comment wins


def _parents(session: Session, parent_ids: list[str]) -> dict[str, Comment]:
    if not parent_ids:
        return {}
    rows = session.scalars(select(CommentRow).where(CommentRow.id.in_(parent_ids))).all()
    return {row.id: to_comment(row) for row in rows}
