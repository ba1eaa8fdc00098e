"""What a site changes on its author's behalf: edits (a new revision) and deletions.

An edit keeps the previous body in ``comment_revisions``, puts the comment back to ``pending``
with the next revision number, and so starts moderation again; a verdict for an older revision
no longer matches (service/store/decisions.py). Each change appends an action and its outbox
events in the same transaction.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime, timedelta

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from service.domain import ActionKind, Comment, Status
from service.domain.changes import Decider, EventType, Transition
from service.domain.revisions import Revision
from service.errors import CommentDeletedError, EditWindowClosedError, StaleDecisionError
from service.models import ActionRow, CommentRevisionRow, CommentRow, ScoreRow
from service.store import action_scores, admission, outbox
from service.store.comments import body_digest, get_comment_row
from service.store.convert import to_comment


@dataclasses.dataclass(frozen=True)
class Changed:
    """A comment after a site's change; ``is_new`` is False when nothing had to change."""

    comment: Comment
    is_new: bool


def edit_comment(
    session: Session,
    comment_id: str,
    site_id: str,
    body: str,
    *,
    window: timedelta,
    now: datetime,
) -> Changed:
    """Replace the body (a new revision) and start moderation again."""
    row = _own_row(session, comment_id, site_id)
    if window <= timedelta(0):
        raise EditWindowClosedError("this site's comments cannot be edited")
    if now - row.created_at > window:
        raise EditWindowClosedError(
            f"comments can be edited for {window.total_seconds():g} seconds after submission"
        )
    if body == row.body:
        return Changed(to_comment(row), is_new=False)
    # New text under the article: refused like a new comment on a closed article, or by a
    # suspended author.
    admission.check_posting(session, (site_id, row.article_id, row.author_id), now)
    session.add(
        CommentRevisionRow(
            comment_id=row.id,
            revision=row.revision,
            body=row.body,
            created_at=_submitted_at(session, row),
            replaced_at=now,
        )
    )
    before = Status(row.status)
    # The scores were for the old text: the classified actions that refer to them keep a copy,
    # and the new revision gets its own, from the same model version too.
    action_scores.keep_copies(session, row.id)
    session.execute(delete(ScoreRow).where(ScoreRow.comment_id == row.id))
    _conditional_update(
        session,
        row,
        body=body,
        body_sha256=body_digest(body),
        revision=row.revision + 1,
        status=Status.PENDING.value,
        reasons=[],
        risk=None,
        model_version=None,
        decided_at=None,
        statement=None,
    )
    _log(session, row, ActionKind.EDITED, before, site_id, now, f"revision {row.revision}")
    change = Transition(outbox.ref_of(row), before, Status.PENDING, [], Decider.SITE, now)
    outbox.record(session, [change], EventType.COMMENT_EDITED)
    return Changed(to_comment(row), is_new=True)


def delete_comment(session: Session, comment_id: str, site_id: str, now: datetime) -> Changed:
    """Hide a comment for good (its author deleted it); repeating it changes nothing."""
    row = get_comment_row(session, comment_id, site_id)
    if row.status == Status.DELETED.value:
        return Changed(to_comment(row), is_new=False)
    before = Status(row.status)
    _conditional_update(session, row, status=Status.DELETED.value, deleted_at=now)
    _log(session, row, ActionKind.DELETED, before, site_id, now, "deleted by its author")
    change = Transition(outbox.ref_of(row), before, Status.DELETED, [], Decider.SITE, now)
    outbox.record(session, [change], EventType.COMMENT_DELETED)
    return Changed(to_comment(row), is_new=True)


def revisions(session: Session, comment_id: str) -> list[Revision]:
    """Every body the comment had, oldest first, the current one last."""
    row = get_comment_row(session, comment_id)
    earlier = session.scalars(
        select(CommentRevisionRow)
        .where(CommentRevisionRow.comment_id == comment_id)
        .order_by(CommentRevisionRow.revision)
    ).all()
    found = [Revision(r.revision, r.body, r.created_at, r.replaced_at) for r in earlier]
    current = Revision(row.revision, row.body, _submitted_at(session, row), None)
    return [*found, current]


def _own_row(session: Session, comment_id: str, site_id: str) -> CommentRow:
    row = get_comment_row(session, comment_id, site_id)
    if row.status == Status.DELETED.value:
        raise CommentDeletedError(f"comment {comment_id!r} was deleted")
    return row


def _submitted_at(session: Session, row: CommentRow) -> datetime:
    """When the current body was submitted: the last edit, or the comment's creation."""
    last = session.scalar(
        select(func.max(CommentRevisionRow.replaced_at)).where(
            CommentRevisionRow.comment_id == row.id
        )
    )
    return last if last is not None else row.created_at


def _conditional_update(session: Session, row: CommentRow, **values: object) -> None:
    result = session.execute(
        update(CommentRow)
        .where(CommentRow.id == row.id, CommentRow.version == row.version)
        .values(**values, version=row.version + 1)
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDecisionError("the comment changed meanwhile; try again")
    session.refresh(row)


def _log(
    session: Session,
    row: CommentRow,
    kind: ActionKind,
    before: Status,
    actor: str,
    now: datetime,
    note: str,
) -> None:
    session.add(
        ActionRow(
            comment_id=row.id,
            kind=kind.value,
            actor=actor,
            from_status=before.value,
            to_status=row.status,
            reasons=[],
            scores={},
            note=note,
            created_at=now,
        )
    )
