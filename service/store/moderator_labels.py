"""Moderators' decisions as training labels: the latest human decision on each comment."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from service.domain import ModeratorLabel, Status
from service.models import ActionRow, CommentRow
from service.store.standing import standing_decision


def moderator_labels(session: Session, upto_action_id: int | None = None) -> list[ModeratorLabel]:
    """Each decided comment once, with its latest moderator decision, oldest decision first.

    ``upto_action_id`` fixes the data a training run used, so it can be reproduced.
    """
    latest = select(func.max(ActionRow.id).label("id")).where(
        standing_decision(), ActionRow.actor.is_not(None)
    )
    if upto_action_id is not None:
        latest = latest.where(ActionRow.id <= upto_action_id)
    latest_ids = latest.group_by(ActionRow.comment_id).subquery()
    rows = session.execute(
        select(
            ActionRow.id,
            ActionRow.to_status,
            ActionRow.reasons,
            CommentRow.body,
            CommentRow.site_id,
        )
        .join(latest_ids, latest_ids.c.id == ActionRow.id)
        .join(CommentRow, CommentRow.id == ActionRow.comment_id)
        .where(CommentRow.erased_at.is_(None))  # an erased text is no training example
        .order_by(ActionRow.id)
    ).all()
    return [
        ModeratorLabel(
            row.id, row.body, Status(row.to_status), tuple(row.reasons or ()), row.site_id
        )
        for row in rows
        if row.to_status is not None
    ]
