"""Queries behind the ops statistics: counted in SQL where that is portable, else compact rows.

Machine-scale counts (verdicts per hour, comments the system settled) are aggregated by the
database. Human-scale rows (moderator decisions and undos in the window) are fetched whole,
because pairing each decision with its undo and its system verdict is clearer in Python.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Integer,
    and_,
    exists,
    func,
    literal_column,
    select,
    type_coerce,
)
from sqlalchemy.orm import Session, aliased

from service.column_types import EPOCH
from service.domain import ActionKind, Status
from service.models import ActionRow, CommentRow

# Statuses that settle a comment; a withheld verdict hands it to a human instead.
SETTLED = (Status.APPROVED.value, Status.REJECTED.value, Status.SPAM.value)
_IN_CHUNK = 500  # ids per IN list: well under SQLite's bound-parameter limit
_MICROSECONDS_PER_HOUR = 3_600_000_000


@dataclasses.dataclass(frozen=True)
class HumanAction:
    """A moderator's decision or undo in the window, with what the stats need of it."""

    id: int
    comment_id: str
    kind: ActionKind
    actor: str | None
    to_status: str | None
    created_at: datetime
    comment_created_at: datetime


def hourly_verdicts(session: Session, since: datetime) -> list[tuple[datetime, int]]:
    """``(hour, count)`` of system verdicts (classified actions) since ``since``, UTC hours."""
    hour = _hour_bucket(session)
    rows = session.execute(
        select(hour, func.count())
        .where(ActionRow.created_at >= since, ActionRow.kind == ActionKind.CLASSIFIED.value)
        .group_by(hour)
    ).all()
    return [(_parse_hour(h), n) for h, n in rows]


def _hour_bucket(session: Session) -> ColumnElement[Any]:
    """The UTC hour of an action: text ``YYYY-MM-DD HH`` on PostgreSQL, on SQLite the whole
    hours since 1970 (its timestamps are microseconds since then; the one dialect-specific part).
    """
    if session.get_bind().dialect.name == "postgresql":
        utc = ActionRow.created_at.op("AT TIME ZONE")(literal_column("'UTC'"))
        return func.to_char(func.date_trunc("hour", utc), "YYYY-MM-DD HH24")
    return type_coerce(ActionRow.created_at, Integer) // _MICROSECONDS_PER_HOUR


def _parse_hour(bucket: str | int) -> datetime:
    if isinstance(bucket, int):
        return EPOCH + timedelta(hours=bucket)
    return datetime.strptime(bucket[:13], "%Y-%m-%d %H").replace(tzinfo=UTC)


def settled_by_system(session: Session, since: datetime) -> int:
    """Comments the system approved or rejected since ``since`` that no moderator decided."""
    human = aliased(ActionRow)
    decided_later = exists().where(
        and_(human.comment_id == ActionRow.comment_id, human.kind == ActionKind.DECIDED.value)
    )
    count = session.scalar(
        select(func.count(func.distinct(ActionRow.comment_id))).where(
            ActionRow.created_at >= since,
            ActionRow.kind == ActionKind.CLASSIFIED.value,
            ActionRow.to_status.in_(SETTLED),
            ~decided_later,
        )
    )
    return int(count or 0)


def human_actions(session: Session, since: datetime) -> list[HumanAction]:
    """Moderator decisions and undos since ``since``, oldest first, with comment ages."""
    kinds = (ActionKind.DECIDED.value, ActionKind.UNDONE.value)
    rows = session.execute(
        select(
            ActionRow.id,
            ActionRow.comment_id,
            ActionRow.kind,
            ActionRow.actor,
            ActionRow.to_status,
            ActionRow.created_at,
            CommentRow.created_at,
        )
        .join(CommentRow, CommentRow.id == ActionRow.comment_id)
        .where(ActionRow.created_at >= since, ActionRow.kind.in_(kinds))
        .order_by(ActionRow.id)
    ).all()
    return [
        HumanAction(id_, comment_id, ActionKind(kind), actor, to_status, at, comment_at)
        for id_, comment_id, kind, actor, to_status, at, comment_at in rows
    ]


def system_verdicts(session: Session, comment_ids: Sequence[str]) -> dict[str, str]:
    """Comment id → the status its latest system verdict gave it."""
    verdicts: dict[str, str] = {}
    ids = sorted(set(comment_ids))
    for start in range(0, len(ids), _IN_CHUNK):
        rows = session.execute(
            select(ActionRow.comment_id, ActionRow.to_status)
            .where(
                ActionRow.kind == ActionKind.CLASSIFIED.value,
                ActionRow.comment_id.in_(ids[start : start + _IN_CHUNK]),
            )
            .order_by(ActionRow.id)
        ).all()
        verdicts.update({comment_id: status for comment_id, status in rows if status})
    return verdicts
