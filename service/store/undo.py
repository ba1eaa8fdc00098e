"""Taking back a batch of decisions: every comment returns to where it stood, or none does.

The log stays append-only: an undo changes the comments and appends an ``undone`` action per
comment with the batch's id; the decisions it takes back stay in the log.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from service.domain import ActionKind, Status
from service.domain.changes import Decider, Transition, decision_statement
from service.domain.statements import Statement
from service.errors import (
    ConflictError,
    NotFoundError,
    PermissionDeniedError,
    StaleDecisionError,
    UndoExpiredError,
)
from service.models import ActionRow, CommentRow
from service.store import outbox, reports


def undo_batch(
    session: Session, batch_id: str, *, actor: str, window: timedelta, now: datetime
) -> list[str]:
    """Restore each comment of the batch to its status before the batch; returns their ids."""
    decided = _batch_decisions(session, batch_id, actor, window, now)
    ids = [a.comment_id for a in decided]
    rows = {r.id: r for r in session.scalars(select(CommentRow).where(CommentRow.id.in_(ids)))}
    _check_unchanged(session, decided)
    previous = _previous_actions(session, decided)
    for action in decided:
        _restore(session, rows[action.comment_id], action, previous.get(action.comment_id), now)
    reports.reopen_reports(session, batch_id)  # the batch's judgement of reports goes too
    session.flush()
    return ids


def _batch_decisions(
    session: Session, batch_id: str, actor: str, window: timedelta, now: datetime
) -> Sequence[ActionRow]:
    actions = session.scalars(
        select(ActionRow).where(ActionRow.batch_id == batch_id).order_by(ActionRow.id)
    ).all()
    decided = [a for a in actions if a.kind == ActionKind.DECIDED.value]
    if not decided:
        raise NotFoundError(f"there is no decision batch {batch_id!r}")
    if len(decided) != len(actions):
        raise ConflictError("this batch was already undone")
    if any(a.actor != actor for a in decided):
        raise PermissionDeniedError("only the moderator who decided may undo")
    if now - min(a.created_at for a in decided) > window:
        raise UndoExpiredError(f"decisions can be undone for {window.total_seconds():g} seconds")
    return decided


def _check_unchanged(session: Session, decided: Sequence[ActionRow]) -> None:
    """Refuse when anything happened to a comment after the batch decided it."""
    latest = dict(
        session.execute(
            select(ActionRow.comment_id, func.max(ActionRow.id))
            .where(ActionRow.comment_id.in_([a.comment_id for a in decided]))
            .group_by(ActionRow.comment_id)
        ).all()
    )
    changed = [a.comment_id for a in decided if latest.get(a.comment_id) != a.id]
    if changed:
        raise StaleDecisionError(
            f"{len(changed)} comment(s) changed after this decision (first: {changed[0]}); "
            "nothing was undone"
        )


def _previous_actions(session: Session, decided: Sequence[ActionRow]) -> dict[str, ActionRow]:
    """The action before each decision: the batch's decisions are each comment's latest.

    A comment decided before anything else happened to it has none (its submission is not
    stored, issue 10).
    """
    before = (
        select(func.max(ActionRow.id))
        .where(
            ActionRow.comment_id.in_([a.comment_id for a in decided]),
            ActionRow.id.not_in([a.id for a in decided]),
        )
        .group_by(ActionRow.comment_id)
    )
    rows = session.scalars(select(ActionRow).where(ActionRow.id.in_(before))).all()
    return {r.comment_id: r for r in rows}


def _restore(
    session: Session,
    row: CommentRow,
    action: ActionRow,
    previous: ActionRow | None,
    now: datetime,
) -> None:
    status, reasons, decided_at = _restored_state(row, action, previous)
    fits = previous is not None and previous.to_status == status
    statement = _restored_statement(Status(status), reasons, previous if fits else None)
    stored = statement.as_json() if statement is not None else None
    result = session.execute(
        update(CommentRow)
        .where(CommentRow.id == row.id, CommentRow.version == row.version)
        .values(
            status=status,
            reasons=reasons,
            decided_at=decided_at,
            version=row.version + 1,
            statement=stored,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDecisionError("another change to this comment landed first; nothing was undone")
    session.add(
        ActionRow(
            comment_id=row.id,
            kind=ActionKind.UNDONE.value,
            actor=action.actor,
            from_status=row.status,
            to_status=status,
            reasons=reasons,
            model_version=None,
            scores={},
            note=f"undid batch {action.batch_id}",
            created_at=now,
            batch_id=action.batch_id,
            statement=stored,
        )
    )
    ref = dataclasses.replace(outbox.ref_of(row), version=row.version + 1)
    change = Transition(
        ref,
        Status(row.status),
        Status(status),
        reasons,
        Decider.MODERATOR,
        now,
        statement=statement,
    )
    outbox.record(session, [change])


def _restored_state(
    row: CommentRow, action: ActionRow, previous: ActionRow | None
) -> tuple[str, list[str], datetime | None]:
    """The status, reasons and decision time the comment had before ``action``."""
    status = action.from_status or Status.PENDING.value
    # The reasons the comment had are those of the action that gave it its previous status;
    # with no action before the decision, its submission (pending, no reasons; not stored).
    if previous is not None and previous.to_status == status:
        reasons = list(previous.reasons or [])
    elif previous is None and status == Status.PENDING.value:
        reasons = []
    else:
        reasons = list(row.reasons)
    decided_at = None
    if status != Status.PENDING.value and previous is not None:
        decided_at = previous.created_at
    return status, reasons, decided_at


def _restored_statement(
    status: Status, reasons: list[str], previous: ActionRow | None
) -> Statement | None:
    """The statement the comment had under its restored status: the one its action gave."""
    if previous is not None and previous.statement is not None:
        return Statement.from_json(previous.statement)
    decider = Decider.MODERATOR if previous is not None and previous.actor else Decider.SYSTEM
    model_version = previous.model_version if previous is not None else None
    if decider is Decider.SYSTEM and model_version:
        decider = Decider.MODEL
    return decision_statement(status, reasons, decider, model_version)
