"""State changes of a comment: system verdicts and human decisions (reports: store/reports.py).

Each change is a conditional UPDATE of the comment plus an appended action in the same
transaction, so concurrent workers or moderators cannot both win, on SQLite or PostgreSQL.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Integer, bindparam, func, insert, select, update
from sqlalchemy.orm import Session

from service.domain import ActionKind, Comment, Status
from service.domain.changes import CommentRef, Decider, Transition, decision_statement
from service.domain.decisions import Decided
from service.domain.reports import outcome_of
from service.domain.scores import stored_scores
from service.domain.statements import Statement
from service.errors import CommentDeletedError, StaleDecisionError
from service.models import ACTIONS, COMMENTS, SCORES, ActionRow, CommentRow
from service.store import outbox, reports, verdict_events
from service.store.action_scores import IN_COMMENT_SCORES
from service.store.comment_keys import comment_ids_only
from service.store.comments import get_comment_row
from service.store.convert import COMMENT_COLUMNS, to_comment
from service.store.prebuilt import read_rows


def pending_comments(session: Session, comment_ids: Sequence[str]) -> list[Comment]:
    """The comments among ``comment_ids`` that still await classification."""
    # Plain rows of a statement built once (service/store/prebuilt.py), not entities: a worker
    # reads a batch of these per job and changes them with its own UPDATE, so the session's
    # identity map and the ORM's query building only cost time. A job's ids are the service's;
    # another string (a hand-made job) names no comment.
    rows = read_rows(session, _PENDING_COMMENTS, {"ids": comment_ids_only(comment_ids)})
    return [to_comment(r) for r in rows]


_PENDING_COMMENTS = select(*(COMMENTS.c[column.key] for column in COMMENT_COLUMNS)).where(
    COMMENTS.c.id.in_(bindparam("ids", expanding=True)),
    COMMENTS.c.status == Status.PENDING.value,
)


@dataclasses.dataclass(frozen=True)
class SystemVerdict:
    """What the policy decided for one comment, ready to record."""

    comment_id: str
    status: Status
    reasons: list[str]
    scores: Mapping[str, float]
    model_version: str | None
    evidence: Mapping[str, Any] | None = None
    # The revision that was scored: a verdict never lands on a body edited since (None: any).
    revision: int | None = None

    @property
    def decider(self) -> Decider:
        """The model when its scores decided, else the rules and author policies."""
        return Decider.MODEL if self.scores and self.model_version else Decider.SYSTEM

    @functools.cached_property
    def statement(self) -> Statement | None:
        """The statement of reasons of a rejecting verdict (None otherwise)."""
        return decision_statement(self.status, self.reasons, self.decider, self.model_version)


class PartialBatchError(Exception):
    """Some comments of a batch were decided by someone else meanwhile; record one by one."""


def record_system_verdicts(
    session: Session, verdicts: Sequence[SystemVerdict], now: datetime
) -> int:
    """Record a batch of verdicts with three executemany statements.

    Raises PartialBatchError (the caller rolls back) when not every comment was still pending,
    because executemany reports only the total of rows it changed, not which ones.
    """
    if not verdicts:
        return 0
    # Each statement of reasons as JSON once: the comment and its action store the same copy.
    statements = [v.statement.as_json() if v.statement is not None else None for v in verdicts]
    changed = session.execute(
        _CONDITIONAL_VERDICT,
        [_verdict_params(v, s, now) for v, s in zip(verdicts, statements, strict=True)],
    )
    if changed.rowcount != len(verdicts):  # type: ignore[attr-defined]
        raise PartialBatchError(f"{changed.rowcount} of {len(verdicts)} were still pending")  # type: ignore[attr-defined]
    session.execute(
        _INSERT_ACTION,
        [_classified_action(v, s, now) for v, s in zip(verdicts, statements, strict=True)],
    )
    scores = [_score_row(v) for v in verdicts if v.scores]
    if scores:
        session.execute(_INSERT_SCORES, scores)
    refs = outbox.comment_refs(session, [v.comment_id for v in verdicts])
    verdict_events.record_verdicts(
        session, [_verdict_change(v, refs[v.comment_id], now) for v in verdicts]
    )
    return len(verdicts)


def _verdict_change(verdict: SystemVerdict, ref: CommentRef, now: datetime) -> Transition:
    return Transition(
        ref,
        Status.PENDING,
        verdict.status,
        verdict.reasons,
        verdict.decider,
        now,
        verdict.model_version,
        verdict.statement,
    )


_CONDITIONAL_VERDICT = (
    update(COMMENTS)
    .where(
        COMMENTS.c.id == bindparam("b_id"),
        COMMENTS.c.status == Status.PENDING.value,
        COMMENTS.c.revision
        == func.coalesce(bindparam("b_revision", type_=Integer), COMMENTS.c.revision),
    )
    .values(
        status=bindparam("b_status"),
        reasons=bindparam("b_reasons"),
        risk=bindparam("b_risk"),
        model_version=bindparam("b_model_version"),
        decided_at=bindparam("b_now"),
        version=COMMENTS.c.version + 1,
        statement=bindparam("b_statement"),
    )
)


# Built once, so their cache keys are computed once (the UPDATE above likewise).
_INSERT_ACTION = insert(ACTIONS)
_INSERT_SCORES = insert(SCORES)


def _verdict_params(
    verdict: SystemVerdict, statement: dict[str, Any] | None, now: datetime
) -> dict[str, Any]:
    return {
        "b_id": verdict.comment_id,
        "b_status": verdict.status.value,
        "b_reasons": verdict.reasons,
        "b_risk": max(verdict.scores.values()) if verdict.scores else None,
        "b_model_version": verdict.model_version,
        "b_now": now,
        "b_revision": verdict.revision,
        "b_statement": statement,
    }


def _classified_action(
    verdict: SystemVerdict, statement: dict[str, Any] | None, now: datetime
) -> dict[str, Any]:
    return {
        "comment_id": verdict.comment_id,
        "kind": ActionKind.CLASSIFIED.value,
        "actor": None,
        "from_status": Status.PENDING.value,
        "to_status": verdict.status.value,
        "reasons": verdict.reasons,
        "model_version": verdict.model_version,
        # The scores row written with it holds them (service/store/action_scores.py).
        "scores": IN_COMMENT_SCORES if verdict.scores else {},
        "note": None,
        "created_at": now,
        "evidence": dict(verdict.evidence) if verdict.evidence is not None else None,
        "statement": statement,
    }


def _score_row(verdict: SystemVerdict) -> dict[str, Any]:
    return {
        "comment_id": verdict.comment_id,
        "model_version": verdict.model_version,
        "scores": stored_scores(verdict.scores),
    }


def apply_decision(
    session: Session,
    comment_id: str,
    *,
    to_status: Status,
    actor: str,
    reasons: Sequence[str],
    note: str | None,
    expected_version: int | None,
    now: datetime,
    batch_id: str | None = None,
    statement: Statement | None = None,
) -> Decided:
    """Record a moderator's decision, refusing one made on a stale view of the comment.

    A repeat of the same moderator's standing decision records nothing and answers with the
    original's batch, so undoing the repeat undoes the original. A rejection without a
    ``statement`` gets the one its reasons imply.
    """
    row = get_comment_row(session, comment_id)
    if row.status == Status.DELETED.value:
        raise CommentDeletedError(f"comment {comment_id!r} was deleted by its author")
    if _is_repeated_decision(session, row, actor, to_status, expected_version):
        previous = _last_human_decision(session, row.id)
        assert previous is not None  # a repeat is a repeat of something
        return Decided(to_comment(row), previous.batch_id, previous.created_at)
    from_status = row.status
    if statement is None:
        statement = decision_statement(to_status, reasons, Decider.MODERATOR, None)
    stored = statement.as_json() if statement is not None else None
    _update_status(session, row, to_status, list(reasons), now, stored)
    # After the UPDATE, which holds the row: a report arriving now waits and sees the decision.
    reports.resolve_reports(session, [comment_id], outcome_of(to_status), batch_id, now)
    session.add(
        ActionRow(
            comment_id=comment_id,
            kind=ActionKind.DECIDED.value,
            actor=actor,
            from_status=from_status,
            to_status=to_status.value,
            reasons=list(reasons),
            model_version=None,
            scores={},
            note=note,
            created_at=now,
            batch_id=batch_id,
            statement=stored,
        )
    )
    session.flush()
    session.refresh(row)
    ref = outbox.ref_of(row)
    change = Transition(
        ref, Status(from_status), to_status, reasons, Decider.MODERATOR, now, statement=statement
    )
    outbox.record(session, [change])
    return Decided(to_comment(row), batch_id, now)


def _is_repeated_decision(
    session: Session, row: CommentRow, actor: str, to_status: Status, expected_version: int | None
) -> bool:
    """True when the same moderator repeats the same decision (a no-op); raises
    StaleDecisionError when the decision was made on a view someone else has since changed."""
    if expected_version is not None:
        if row.version != expected_version:
            raise StaleDecisionError(
                f"comment is at version {row.version}, the decision was made on {expected_version}"
            )
        return False
    previous = _last_human_decision(session, row.id)
    if previous is None:
        return False
    if previous.actor == actor and previous.to_status == to_status.value:
        return True
    raise StaleDecisionError(
        f"{previous.actor} already decided this comment ({previous.to_status}); "
        "send expected_version to overturn it"
    )


def _update_status(
    session: Session,
    row: CommentRow,
    to_status: Status,
    reasons: list[str],
    now: datetime,
    statement: dict[str, Any] | None,
) -> None:
    result = session.execute(
        update(CommentRow)
        .where(CommentRow.id == row.id, CommentRow.version == row.version)
        .values(
            status=to_status.value,
            reasons=reasons,
            decided_at=now,
            version=row.version + 1,
            statement=statement,
        )
        .execution_options(synchronize_session=False)
    )
    if result.rowcount != 1:  # type: ignore[attr-defined]
        raise StaleDecisionError("another decision on this comment landed first")


def _last_human_decision(session: Session, comment_id: str) -> ActionRow | None:
    """The latest moderator decision still standing: an undo takes the one before it back, and
    an overturned appeal is a decision of its own (the rejection before it no longer stands)."""
    standing = (ActionKind.DECIDED.value, ActionKind.OVERTURNED.value)
    kinds = (*standing, ActionKind.UNDONE.value)
    latest = session.scalars(
        select(ActionRow)
        .where(ActionRow.comment_id == comment_id, ActionRow.kind.in_(kinds))
        .order_by(ActionRow.id.desc())
        .limit(1)
    ).first()
    return latest if latest is not None and latest.kind in standing else None
