"""Bulk decisions: select comments of one queue, count them, decide them together.

A bulk action is confirmed against a count the moderator saw, and applied with one conditional
UPDATE per comment (executemany), so anything that changed since it was read fails the whole
batch instead of being overwritten.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVarTuple

from sqlalchemy import Select, bindparam, false, func, insert, select, update
from sqlalchemy.orm import Session

from service.domain import ActionKind, Status
from service.domain.changes import Decider, Transition, decision_statement
from service.domain.decisions import BULK_MAX, Selection
from service.domain.reports import outcome_of
from service.errors import CountChangedError, StaleDecisionError
from service.models import ACTIONS, COMMENTS, CommentRow
from service.store import by_author, outbox, reports
from service.store.comment_keys import in_comment_ids

Ts = TypeVarTuple("Ts")


@dataclasses.dataclass(frozen=True)
class BulkDecision:
    """What to record for every selected comment."""

    to_status: Status
    actor: str
    reasons: Sequence[str]
    note: str | None
    batch_id: str


def preview(
    session: Session, status: Status, selection: Selection, limit: int = BULK_MAX
) -> tuple[int, list[str]]:
    """How many comments of the queue the selection matches, and the first ``limit`` ids."""
    query = _selected(select(CommentRow.id), status, selection)
    count = session.scalar(
        _selected(select(func.count()).select_from(CommentRow), status, selection)
    )
    ids = session.scalars(query.order_by(CommentRow.created_at, CommentRow.id).limit(limit)).all()
    return int(count or 0), list(ids)


def apply_bulk(
    session: Session,
    status: Status,
    selection: Selection,
    decision: BulkDecision,
    *,
    expected_count: int,
    now: datetime,
) -> list[str]:
    """Decide every selected comment; CountChangedError unless exactly ``expected_count``."""
    query = _selected(select(CommentRow.id, CommentRow.version), status, selection)
    rows = session.execute(query.order_by(CommentRow.created_at, CommentRow.id)).all()
    if len(rows) != expected_count:
        raise CountChangedError(len(rows), expected_count)
    if not rows:
        return []
    statement = decision_statement(decision.to_status, decision.reasons, Decider.MODERATOR, None)
    stored = statement.as_json() if statement is not None else None
    params = [
        {"b_id": cid, "b_version": version, "b_status": decision.to_status.value,
         "b_reasons": list(decision.reasons), "b_now": now, "b_statement": stored}
        for cid, version in rows
    ]  # fmt: skip
    changed = session.execute(_CONDITIONAL_DECISION, params)
    if changed.rowcount != len(rows):  # type: ignore[attr-defined]
        raise StaleDecisionError("a selected comment changed meanwhile; nothing was decided")
    session.execute(
        insert(ACTIONS),
        [_decided_action(cid, status, decision, now) | {"statement": stored} for cid, _ in rows],
    )
    reports.resolve_reports(
        session, [cid for cid, _ in rows], outcome_of(decision.to_status), decision.batch_id, now
    )
    refs = outbox.comment_refs(session, [cid for cid, _ in rows])
    outbox.record(
        session,
        (
            Transition(ref, status, decision.to_status, decision.reasons, Decider.MODERATOR, now)
            for ref in refs.values()
        ),
    )
    return [cid for cid, _ in rows]


_CONDITIONAL_DECISION = (
    update(COMMENTS)
    .where(COMMENTS.c.id == bindparam("b_id"), COMMENTS.c.version == bindparam("b_version"))
    .values(
        status=bindparam("b_status"),
        reasons=bindparam("b_reasons"),
        decided_at=bindparam("b_now"),
        version=COMMENTS.c.version + 1,
        statement=bindparam("b_statement"),
    )
)


def _selected(query: Select[*Ts], status: Status, selection: Selection) -> Select[*Ts]:
    query = query.where(CommentRow.status == status.value)
    if selection.ids is not None:
        query = query.where(in_comment_ids(CommentRow.id, selection.ids))
    if selection.author_id is not None:
        # An author without a site (the boundary refuses it) matches nothing, as it always did.
        site = selection.site_id
        found = by_author.on_site(site, selection.author_id) if site is not None else [false()]
        query = query.where(*found)
    if selection.link is not None:
        pattern = f"%{_escape_like(selection.link.casefold())}%"
        query = query.where(func.lower(CommentRow.body).like(pattern, escape="\\"))
    return query


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _decided_action(
    comment_id: str, from_status: Status, decision: BulkDecision, now: datetime
) -> dict[str, Any]:
    return {
        "comment_id": comment_id,
        "kind": ActionKind.DECIDED.value,
        "actor": decision.actor,
        "from_status": from_status.value,
        "to_status": decision.to_status.value,
        "reasons": list(decision.reasons),
        "model_version": None,
        "scores": {},
        "note": decision.note,
        "created_at": now,
        "evidence": None,
        "batch_id": decision.batch_id,
    }
