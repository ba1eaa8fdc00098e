"""Queue views over comments, the audit log, and an author's record."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import (
    ColumnElement,
    Select,
    Text,
    and_,
    bindparam,
    cast,
    exists,
    func,
    literal_column,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from service.domain import SUBMISSION_ID, Action, ActionKind, Comment, Page, Status
from service.domain.authors import AuthorRecord
from service.domain.queues import AuditFilter, QueueFilter
from service.models import ActionRow, CommentRow, ScoreRow
from service.store import action_scores, by_author
from service.store.comment_keys import equals_comment_id
from service.store.convert import submission, to_comment, with_submission
from service.store.cursor import (
    created_after,
    decode_cursor,
    encode_cursor,
    moment,
    number,
    row_id,
    sequence,
)
from service.store.prebuilt import read_rows

Sort = Literal["risk", "age"]

# Unscored comments (pending, classifier errors) sort above every real score: unknown risk is
# looked at first, never last.
_UNSCORED_RISK = 2.0


@dataclasses.dataclass(frozen=True)
class QueueSummary:
    """How much work a queue holds and how long its oldest item has waited."""

    status: Status
    count: int
    oldest_created_at: datetime | None


def summarise_queues(session: Session) -> dict[Status, QueueSummary]:
    """Count and oldest item per status."""
    rows = session.execute(
        select(CommentRow.status, func.count(), func.min(CommentRow.created_at)).group_by(
            CommentRow.status
        )
    ).all()
    found = {Status(status): (count, oldest) for status, count, oldest in rows}
    return {status: QueueSummary(status, *found.get(status, (0, None))) for status in Status}


def oldest_pending(session: Session) -> datetime | None:
    """The ``created_at`` of the oldest pending comment (ix_comments_status_created)."""
    return session.scalar(
        select(func.min(CommentRow.created_at)).where(CommentRow.status == Status.PENDING.value)
    )


def list_queue(
    session: Session,
    status: Status,
    filters: QueueFilter,
    sort: Sort,
    cursor: str | None,
    limit: int,
) -> Page[Comment]:
    """One page of comments in ``status``, by risk (highest first) or age (oldest first)."""
    query = _filtered(select(CommentRow).where(CommentRow.status == status.value), filters)
    if sort == "risk":
        risk = queue_risk()
        query = query.order_by(risk.desc(), CommentRow.id.desc())
        if cursor:
            last_risk, last_id = decode_cursor(cursor, number, row_id)
            # Typed as the columns: the id is bound as its bytes (issue 10), not as text.
            after = tuple_(last_risk, last_id, types=[risk.type, CommentRow.id.type])
            query = query.where(tuple_(risk, CommentRow.id) < after)
    else:
        query = query.order_by(CommentRow.created_at, CommentRow.id)
        if cursor:
            query = query.where(created_after(*decode_cursor(cursor, moment, row_id)))
    rows = session.scalars(query.limit(limit + 1)).all()
    page = [to_comment(r) for r in rows[:limit]]
    if len(rows) <= limit:
        return Page(page, None)
    last = rows[limit - 1]
    key: tuple[Any, str] = (
        (last.risk if last.risk is not None else _UNSCORED_RISK, last.id)
        if sort == "risk"
        else (last.created_at.isoformat(), last.id)
    )
    return Page(page, encode_cursor(*key))


def queue_risk() -> Any:
    """The risk sort key, spelled exactly as ix_comments_status_risk indexes it (a bound
    parameter instead of the literal would not match the index expression)."""
    return func.coalesce(CommentRow.risk, literal_column(repr(_UNSCORED_RISK)))


def _filtered(query: Select[CommentRow], filters: QueueFilter) -> Select[CommentRow]:
    if filters.article_id is not None:
        query = query.where(CommentRow.article_id == filters.article_id)
    if filters.author_id is not None:
        query = query.where(*by_author.on_any_site(filters.author_id))
    if filters.text is not None:
        query = query.where(CommentRow.body.icontains(filters.text, autoescape=True))
    if filters.reason is not None:
        query = query.where(_has_reason(filters.reason))
    if filters.label is not None:
        # The deciding version's score of that label (at least min_score, when given).
        value = ScoreRow.scores[filters.label].as_float()
        score = select(ScoreRow.comment_id).where(
            ScoreRow.comment_id == CommentRow.id,
            ScoreRow.model_version == CommentRow.model_version,
            value.is_not(None) if filters.min_score is None else value >= filters.min_score,
        )
        query = query.where(exists(score))
    elif filters.min_score is not None:
        # Any label of the deciding version at min_score or above: the highest of them is the
        # comment's risk, written with the scores by the same verdict.
        query = query.where(CommentRow.risk >= filters.min_score)
    return query


def _has_reason(code: str) -> ColumnElement[bool]:
    """Whether ``comments.reasons`` (a JSON array of codes) holds ``code``.

    Matched on the array's JSON text, which both backends keep as written: a code is
    ``[a-z_]`` (checked at the boundary), so it is written as ``"code"`` and nothing else
    can contain that quoted form. Both predicates here are residual filters on the status
    index the sort walks, so paging stays a keyset scan.
    """
    quoted = f'"{code}"'
    return cast(CommentRow.reasons, Text).contains(quoted, autoescape=True)


def scores_for(session: Session, comment_id: str) -> dict[str, dict[str, float]]:
    """Every model version's scores for a comment: {version: {label: value}}."""
    rows = session.scalars(select(ScoreRow).where(ScoreRow.comment_id == comment_id)).all()
    return {row.model_version: dict(row.scores) for row in rows}


def actions_for(session: Session, comment: Comment) -> list[Action]:
    """A comment's moderation history, oldest first: its submission (derived from the comment),
    then its stored actions."""
    rows = session.scalars(
        select(ActionRow).where(ActionRow.comment_id == comment.id).order_by(ActionRow.id)
    ).all()
    return with_submission(comment.id, comment.created_at, action_scores.to_actions(session, rows))


def author_record(session: Session, author_id: str, site_id: str, recent: int = 10) -> AuthorRecord:
    """Counts of the author's comments by status, and their latest few."""
    counts = dict(
        session.execute(
            select(CommentRow.status, func.count())
            .where(*by_author.on_site(site_id, author_id))
            .group_by(CommentRow.status)
        ).all()
    )
    rows = session.scalars(
        select(CommentRow)
        .where(*by_author.on_site(site_id, author_id))
        .order_by(CommentRow.created_at.desc(), CommentRow.id.desc())
        .limit(recent)
    ).all()
    return AuthorRecord(
        author_id, {str(k): int(v) for k, v in counts.items()}, [to_comment(r) for r in rows]
    )


def list_actions(
    session: Session, filters: AuditFilter, cursor: str | None, limit: int
) -> Page[Action]:
    """The action log, newest first.

    Listed for one comment (``filters.comment_id``), the log ends with the comment's
    ``submitted`` entry, derived from the comment row (id 0, below every stored id, so the
    id keyset pages over it too); across comments it lists the stored actions only.
    """
    before_id = decode_cursor(cursor, sequence)[0] if cursor else None
    query = select(ActionRow).order_by(ActionRow.id.desc())
    if filters.comment_id is not None:
        query = query.where(equals_comment_id(ActionRow.comment_id, filters.comment_id))
    if filters.actor == "system":
        query = query.where(ActionRow.actor.is_(None))
    elif filters.actor is not None:
        query = query.where(ActionRow.actor == filters.actor)
    if filters.kind is not None:
        query = query.where(ActionRow.kind == filters.kind)
    if before_id is not None:
        query = query.where(ActionRow.id < before_id)
    rows = session.scalars(query.limit(limit + 1)).all()
    items = action_scores.to_actions(session, rows)
    if len(rows) <= limit:  # the stored actions end on this page: the submission comes last
        items += _derived_submission(session, filters, before_id)
    next_cursor = encode_cursor(items[limit - 1].id) if len(items) > limit else None
    return Page(items[:limit], next_cursor)


def _derived_submission(
    session: Session, filters: AuditFilter, before_id: int | None
) -> list[Action]:
    """The ``submitted`` entry of the filtered comment, when it passes the filters and cursor."""
    wanted = (
        filters.comment_id is not None
        and filters.actor in (None, "system")
        and filters.kind in (None, ActionKind.SUBMITTED.value)
        and (before_id is None or before_id > SUBMISSION_ID)
    )
    if not wanted:
        return []
    stored = exists().where(
        ActionRow.comment_id == CommentRow.id, ActionRow.kind == ActionKind.SUBMITTED.value
    )
    found = session.execute(
        select(CommentRow.created_at, stored).where(
            equals_comment_id(CommentRow.id, str(filters.comment_id))
        )
    ).first()
    # A stored submission (written by an API process of an earlier release) was listed already.
    if found is None or found[1]:
        return []
    return [submission(str(filters.comment_id), found[0])]


# Built once (service/store/prebuilt.py), on named Core aliases: fresh aliases per call made
# SQLAlchemy build and compile the query every batch (its statement cache keys on the alias), a
# tenth of a worker's CPU, and an ORM query still cost building, a cache key and ORM result
# handling every batch. Takes ``ids`` (the batch) and ``since`` (the earliest moment that counts).
_THIS, _OTHER = CommentRow.__table__.alias("this"), CommentRow.__table__.alias("other")
_REPEATS = (
    select(_THIS.c.id, _THIS.c.created_at, _OTHER.c.created_at)
    .join(
        _OTHER,
        and_(
            _OTHER.c.author_key == _THIS.c.author_key,  # look-alike ids are one author
            _OTHER.c.site_id == _THIS.c.site_id,
            _OTHER.c.body_sha256 == _THIS.c.body_sha256,
            _OTHER.c.id != _THIS.c.id,
            _OTHER.c.created_at <= _THIS.c.created_at,
        ),
    )
    .where(
        _THIS.c.id.in_(bindparam("ids", expanding=True)),
        _OTHER.c.created_at >= bindparam("since", type_=_OTHER.c.created_at.type),
    )
)


def repeat_posts(session: Session, batch: Sequence[Comment], window: timedelta) -> set[str]:
    """Ids in ``batch`` whose author posted the same body (ignoring case and spacing) recently.

    One query for the whole batch: a worker records a batch of verdicts in one transaction.
    """
    if not batch:
        return set()
    rows: Sequence[Any] = read_rows(
        session,
        _REPEATS,
        {"ids": [c.id for c in batch], "since": min(c.created_at for c in batch) - window},
    )
    return {cid for cid, created, seen in rows if seen >= created - window}
