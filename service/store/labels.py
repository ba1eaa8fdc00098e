"""Moderator-labelled comments: the latest human decision of each, for export and import."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from service.domain import Status
from service.domain.labels import CurrentDecision, LabelRecord
from service.models import ActionRow, CommentRow
from service.store.comment_keys import comment_ids_only
from service.store.standing import standing_decision

_ID_CHUNK = 500  # ids per IN list, well inside every backend's bound-parameter limit


def labelled_page(session: Session, after_action_id: int, limit: int) -> list[LabelRecord]:
    """Latest human decisions with action id above ``after_action_id``, in action id order."""
    later = aliased(ActionRow)
    superseded = exists().where(
        later.comment_id == ActionRow.comment_id,
        standing_decision(later),
        later.id > ActionRow.id,
    )
    rows = session.execute(
        select(ActionRow, CommentRow.site_id, CommentRow.article_id, CommentRow.body)
        .join(CommentRow, CommentRow.id == ActionRow.comment_id)
        .where(
            standing_decision(),
            ActionRow.id > after_action_id,
            ~superseded,
            CommentRow.erased_at.is_(None),  # an erased text is no training example
        )
        .order_by(ActionRow.id)
        .limit(limit)
    ).all()
    return [
        LabelRecord(
            action_id=action.id,
            comment_id=action.comment_id,
            site_id=site_id,
            article_id=article_id,
            body=body,
            status=Status(str(action.to_status)),
            reasons=tuple(action.reasons or ()),
            moderator=action.actor or "",
            decided_at=action.created_at,
        )
        for action, site_id, article_id, body in rows
    ]


def current_decisions(session: Session, comment_ids: Sequence[str]) -> dict[str, CurrentDecision]:
    """The version and latest human decision of each existing comment among ``comment_ids``."""
    found: dict[str, CurrentDecision] = {}
    known_form = comment_ids_only(comment_ids)  # a file's other strings name no comment
    for start in range(0, len(known_form), _ID_CHUNK):
        chunk = known_form[start : start + _ID_CHUNK]
        versions = session.execute(
            select(CommentRow.id, CommentRow.version).where(CommentRow.id.in_(chunk))
        ).all()
        latest = _latest_decisions(session, chunk)
        for comment_id, version in versions:
            status, reasons = latest.get(comment_id, (None, ()))
            found[comment_id] = CurrentDecision(version, status, reasons)
    return found


def _latest_decisions(
    session: Session, comment_ids: list[str]
) -> dict[str, tuple[Status, tuple[str, ...]]]:
    rows = session.execute(
        select(ActionRow.comment_id, ActionRow.to_status, ActionRow.reasons)
        .where(ActionRow.comment_id.in_(comment_ids), standing_decision())
        .order_by(ActionRow.id)
    ).all()
    # Ordered by id, so the last write for each comment is its latest decision.
    return {cid: (Status(str(status)), tuple(reasons or ())) for cid, status, reasons in rows}
