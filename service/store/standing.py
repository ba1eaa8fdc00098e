"""Which moderator decisions still stand: a decision taken back by an undo is no label."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy.orm import aliased

from service.domain import ActionKind
from service.models import ActionRow


def standing_decision(action: Any = ActionRow) -> ColumnElement[bool]:
    """True for a ``decided`` action (of ``action``, ActionRow or an alias) with no undo.

    An undo appends an ``undone`` action with the decision's batch id for the same comment;
    decisions from before batches existed have no batch id and are never undone.
    """
    undo = aliased(ActionRow)
    return and_(
        action.kind == ActionKind.DECIDED.value,
        ~exists().where(
            undo.kind == ActionKind.UNDONE.value,
            undo.comment_id == action.comment_id,
            undo.batch_id == action.batch_id,
        ),
    )
