"""Appeals against rejections: filing, the appeals queue, deciding, and what sites read.

Every step appends an action to the moderation log in the transaction that makes it; the
``appeals`` row holds the author's text and the outcome. One open appeal per comment is a
partial unique index, so two sites' racing requests cannot both open one.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import func, or_, select, union, update
from sqlalchemy.orm import Session

from service.domain import ActionKind, Page, Reason, Role, Status
from service.domain.appeals import (
    Appeal,
    AppealCard,
    AppealDecision,
    AppealOutcome,
    AppealStatus,
    OriginalDecision,
    appeal_event,
)
from service.domain.changes import Decider, EventType, Transition
from service.domain.statements import REJECTED, Statement
from service.errors import (
    AppealDecidedError,
    AppealOpenError,
    NotFoundError,
    NotRejectedError,
    SameModeratorError,
    StaleDecisionError,
)
from service.models import ActionRow, ApiKeyRow, AppealRow, CommentRow, UserRow
from service.store import outbox
from service.store.comments import get_comment_row
from service.store.convert import to_comment
from service.store.cursor import decode_cursor, encode_cursor, sequence
from service.store.standing import standing_decision

_REJECTED = [s.value for s in REJECTED]
_MODERATING = [Role.MODERATOR.value, Role.OPS.value]


def file_appeal(
    session: Session, comment_id: str, site_id: str, text: str, filed_by: str, now: datetime
) -> Appeal:
    """Open an appeal against the comment's standing rejection (the site's own comment)."""
    row = get_comment_row(session, comment_id, site_id)
    if row.status not in _REJECTED:
        raise NotRejectedError(
            f"comment {comment_id!r} is {row.status}; only a rejection is appealed"
        )
    if _open_appeal_id(session, comment_id) is not None:
        raise AppealOpenError(f"comment {comment_id!r} already has an open appeal")
    original = _original_action(session, row)
    appeal = AppealRow(
        comment_id=comment_id,
        site_id=row.site_id,
        status=AppealStatus.OPEN.value,
        body=text,
        filed_by=filed_by,
        filed_at=now,
        original_action_id=original.id,
    )
    # A racing request that opened one since the check fails this flush on the unique index
    # (IntegrityError); the use case reports it as AppealOpenError after the rollback.
    session.add(appeal)
    session.flush()
    _log(session, row, ActionKind.APPEALED, row.status, filed_by, f"appeal {appeal.id}", now)
    filed = _appeal(appeal, original)
    outbox.add_events(
        session,
        [appeal_event(EventType.COMMENT_APPEALED, filed, outbox.ref_of(row), Status(row.status))],
    )
    return filed


def decide_appeal(
    session: Session, appeal_id: int, decision: AppealDecision, now: datetime
) -> Appeal:
    """Uphold or overturn an open appeal; overturning approves (publishes) the comment."""
    appeal = _appeal_row(session, appeal_id)
    original = session.get_one(ActionRow, appeal.original_action_id)
    _check_decidable(appeal, original, decision)
    row = get_comment_row(session, appeal.comment_id)
    before = Status(row.status)
    changed = session.execute(
        update(AppealRow)
        .where(AppealRow.id == appeal_id, AppealRow.status == AppealStatus.OPEN.value)
        .values(
            status=decision.outcome.status.value,
            decided_by=decision.actor,
            decided_at=now,
            reply=decision.reply,
        )
        .execution_options(synchronize_session=False)
    )
    if changed.rowcount != 1:  # type: ignore[attr-defined]
        raise AppealDecidedError(f"appeal {appeal_id} was decided meanwhile")
    note = f"appeal {appeal_id}" + (f": {decision.reply}" if decision.reply else "")
    if decision.outcome is AppealOutcome.OVERTURNED:
        _publish(session, row, before, decision.actor, note, now)
    else:
        _log(session, row, ActionKind.UPHELD, row.status, decision.actor, note, now)
    session.refresh(appeal)
    decided = _appeal(appeal, original)
    event = appeal_event(
        EventType.COMMENT_APPEAL_DECIDED, decided, outbox.ref_of(row), Status(row.status)
    )
    outbox.add_events(session, [event])
    return decided


def _check_decidable(appeal: AppealRow, original: ActionRow, decision: AppealDecision) -> None:
    if appeal.status != AppealStatus.OPEN.value:
        raise AppealDecidedError(f"appeal {appeal.id} was already {appeal.status}")
    # The rule needs a second person: a one-moderator team decides its own appeals.
    if decision.team_size > 1 and original.actor == decision.actor:
        raise SameModeratorError(
            f"{decision.actor} made the decision this appeal contests; "
            "another moderator must decide it"
        )


def _publish(
    session: Session, row: CommentRow, before: Status, actor: str, note: str, now: datetime
) -> None:
    """Overturn: the comment is approved, as a moderator's approval would, and the site told."""
    if before not in REJECTED:
        raise NotRejectedError(
            f"comment {row.id!r} is {before.value} now; only a standing rejection is overturned"
        )
    reasons = [Reason.MODERATOR.value]
    result = session.execute(
        update(CommentRow)
        .where(CommentRow.id == row.id, CommentRow.version == row.version)
        .values(
            status=Status.APPROVED.value,
            reasons=reasons,
            decided_at=now,
            version=row.version + 1,
            statement=None,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDecisionError("the comment changed meanwhile; nothing was decided")
    session.refresh(row)
    _log(session, row, ActionKind.OVERTURNED, before.value, actor, note, now)
    change = Transition(
        outbox.ref_of(row), before, Status.APPROVED, reasons, Decider.MODERATOR, now
    )
    outbox.record(session, [change])


def _log(
    session: Session,
    row: CommentRow,
    kind: ActionKind,
    before: str,
    actor: str,
    note: str,
    now: datetime,
) -> None:
    session.add(
        ActionRow(
            comment_id=row.id,
            kind=kind.value,
            actor=actor,
            from_status=before,
            to_status=row.status,
            reasons=list(row.reasons or []),
            scores={},
            note=note,
            created_at=now,
            statement=row.statement,
        )
    )
    session.flush()


def _original_action(session: Session, row: CommentRow) -> ActionRow:
    """The action whose rejection stands: the latest verdict or standing decision that set it."""
    action = session.scalars(
        select(ActionRow)
        .where(
            ActionRow.comment_id == row.id,
            ActionRow.to_status == row.status,
            or_(ActionRow.kind == ActionKind.CLASSIFIED.value, standing_decision()),
        )
        .order_by(ActionRow.id.desc())
        .limit(1)
    ).first()
    if action is None:
        raise NotRejectedError(f"comment {row.id!r} has no rejection on record to appeal")
    return action


def _open_appeal_id(session: Session, comment_id: str) -> int | None:
    return session.scalar(
        select(AppealRow.id).where(
            AppealRow.comment_id == comment_id, AppealRow.status == AppealStatus.OPEN.value
        )
    )


def _appeal_row(session: Session, appeal_id: int) -> AppealRow:
    row = session.get(AppealRow, appeal_id)
    if row is None:
        raise NotFoundError(f"appeal {appeal_id} does not exist")
    return row


def list_appeals(
    session: Session, status: AppealStatus, cursor: str | None, limit: int
) -> Page[AppealCard]:
    """Appeals of one status, oldest first (the order they were filed in), with their comments."""
    query = (
        select(AppealRow, CommentRow)
        .join(CommentRow, CommentRow.id == AppealRow.comment_id)
        .where(AppealRow.status == status.value)
        .order_by(AppealRow.id)
    )
    if cursor:
        (after,) = decode_cursor(cursor, sequence)
        query = query.where(AppealRow.id > after)
    rows = session.execute(query.limit(limit + 1)).all()
    shown = rows[:limit]
    originals = _originals(session, [a.original_action_id for a, _ in shown])
    cards = [
        AppealCard(_appeal(a, originals[a.original_action_id]), to_comment(c)) for a, c in shown
    ]
    next_cursor = encode_cursor(shown[-1][0].id) if len(rows) > limit else None
    return Page(cards, next_cursor)


def latest_appeals(session: Session, comment_ids: Sequence[str]) -> dict[str, Appeal]:
    """Each comment's latest appeal (comments never appealed are left out)."""
    if not comment_ids:
        return {}
    latest = (
        select(func.max(AppealRow.id))
        .where(AppealRow.comment_id.in_(list(comment_ids)))
        .group_by(AppealRow.comment_id)
    )
    rows = session.scalars(select(AppealRow).where(AppealRow.id.in_(latest))).all()
    originals = _originals(session, [r.original_action_id for r in rows])
    return {r.comment_id: _appeal(r, originals[r.original_action_id]) for r in rows}


def team_size(session: Session) -> int:
    """How many moderators the service knows: enabled accounts and live keys that moderate."""
    names = union(
        select(UserRow.username.label("name")).where(
            UserRow.role.in_(_MODERATING), UserRow.disabled_at.is_(None)
        ),
        select(ApiKeyRow.name.label("name")).where(
            ApiKeyRow.role.in_(_MODERATING), ApiKeyRow.revoked_at.is_(None)
        ),
    ).subquery()
    return int(session.scalar(select(func.count()).select_from(names)) or 0)


def _originals(session: Session, action_ids: Sequence[int]) -> dict[int, ActionRow]:
    if not action_ids:
        return {}
    rows = session.scalars(select(ActionRow).where(ActionRow.id.in_(list(action_ids)))).all()
    return {r.id: r for r in rows}


def _appeal(row: AppealRow, original: ActionRow) -> Appeal:
    return Appeal(
        id=row.id,
        comment_id=row.comment_id,
        site_id=row.site_id,
        status=AppealStatus(row.status),
        text=row.body,
        filed_at=row.filed_at,
        original=OriginalDecision(
            action_id=original.id,
            status=Status(original.to_status or Status.REJECTED.value),
            reasons=tuple(original.reasons or ()),
            statement=Statement.from_json(original.statement),
            decided_by=original.actor,
            decided_at=original.created_at,
        ),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        reply=row.reply,
    )
