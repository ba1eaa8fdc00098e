"""Near-duplicate cluster keys: stored per comment, counted per site key within a window."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.orm import Session

from service.domain import ActionKind, Reason, Status
from service.domain.changes import Decider, Transition
from service.models import FINGERPRINTS, ActionRow, CommentRow, FingerprintRow
from service.store import outbox
from service.store.prebuilt import read_rows


@dataclasses.dataclass(frozen=True)
class Sketch:
    """One comment's cluster keys."""

    comment_id: str
    site_id: str
    author_id: str
    values: frozenset[int]
    created_at: datetime


@dataclasses.dataclass(frozen=True)
class Cluster:
    """How many comments, by how many authors, share one key in the window."""

    comments: int
    authors: int


_KEYS = FINGERPRINTS.c
# Every batch a worker records stores its keys and counts them: statements built once, the reads
# on the session's connection (service/store/prebuilt.py), not an ORM query and its cache key
# each time.
_INSERT = insert(FINGERPRINTS)
_COMMENTS_WITH_KEY = func.count()
_AUTHORS_WITH_KEY = func.count(func.distinct(_KEYS.author_id))
_CLUSTERS = (
    select(
        _KEYS.value,
        _COMMENTS_WITH_KEY.label("comments"),
        _AUTHORS_WITH_KEY.label("authors"),
    )
    .where(
        _KEYS.site_id == bindparam("site_id"),
        _KEYS.value.in_(bindparam("values", expanding=True)),
        _KEYS.created_at >= bindparam("since"),
    )
    .group_by(_KEYS.value)
    # Most keys of a batch are shared by no other comment: only the clusters that reach the
    # thresholds come back, not a row (and a Cluster) for every key.
    .having(
        bindparam("comments") <= _COMMENTS_WITH_KEY,
        bindparam("authors") <= _AUTHORS_WITH_KEY,
    )
)
_MEMBERS = select(_KEYS.comment_id).where(
    _KEYS.site_id == bindparam("site_id"),
    _KEYS.value == bindparam("value"),
    _KEYS.created_at >= bindparam("since"),
)


def add(session: Session, sketches: Sequence[Sketch]) -> None:
    """Store the keys of a batch (one row per key)."""
    rows = [
        {"comment_id": s.comment_id, "site_id": s.site_id, "author_id": s.author_id,
         "value": v, "created_at": s.created_at}
        for s in sketches
        for v in s.values
    ]  # fmt: skip
    if rows:
        session.execute(_INSERT, rows)


def clusters(
    session: Session, site_id: str, values: set[int], since: datetime, at_least: Cluster
) -> dict[int, Cluster]:
    """Per key: the site's comments (and distinct authors) since ``since`` that have it, for
    the keys with at least ``at_least`` comments and authors."""
    parameters = {
        "site_id": site_id,
        "values": sorted(values),
        "since": since,
        "comments": at_least.comments,
        "authors": at_least.authors,
    }
    rows = read_rows(session, _CLUSTERS, parameters)
    return {int(row.value): Cluster(int(row.comments), int(row.authors)) for row in rows}


def members(session: Session, site_id: str, value: int, since: datetime) -> list[str]:
    """The site's comments since ``since`` that have this key."""
    parameters = {"site_id": site_id, "value": value, "since": since}
    return [row.comment_id for row in read_rows(session, _MEMBERS, parameters)]


# The batch in which a cluster crosses holds its earlier members: built once as well.
_EARLIER = CommentRow.id.in_(bindparam("ids", expanding=True))
_MARK_PENDING = (
    update(CommentRow)
    .where(_EARLIER, CommentRow.status == Status.PENDING.value)
    .values(intake_hold=Reason.FLOOD.value)
    .execution_options(synchronize_session=False)
)
_PUBLISHED = select(CommentRow).where(_EARLIER, CommentRow.status == Status.APPROVED.value)


def hold(session: Session, comment_ids: Sequence[str], now: datetime) -> list[str]:
    """Hold for review what is still published, and mark what is pending to be held; returns
    the ids that left the site."""
    if not comment_ids:
        return []
    session.execute(_MARK_PENDING, {"ids": list(comment_ids)})
    published = session.scalars(_PUBLISHED, {"ids": list(comment_ids)}).all()
    for row in published:
        _withhold(session, row, now)
    return [row.id for row in published]


def _withhold(session: Session, row: CommentRow, now: datetime) -> None:
    reasons = [Reason.FLOOD.value]
    session.add(
        ActionRow(
            comment_id=row.id, kind=ActionKind.HELD.value, actor=None,
            from_status=Status.APPROVED.value, to_status=Status.WITHHELD.value, reasons=reasons,
            scores={}, note="held with a burst of near-duplicate comments", created_at=now,
        )
    )  # fmt: skip
    row.status, row.reasons, row.version = Status.WITHHELD.value, reasons, row.version + 1
    session.flush()
    change = Transition(
        outbox.ref_of(row), Status.APPROVED, Status.WITHHELD, reasons, Decider.SYSTEM, now
    )
    outbox.record(session, [change])


def purge(session: Session, older_than: datetime, limit: int) -> int:
    """Delete up to ``limit`` keys of comments created before ``older_than``, oldest first.

    Keys are inserted in about the order their comments arrived, so the oldest sit at the
    lowest ids: the scan in id order finds them at once, with no index on the time.
    """
    oldest = (
        select(FingerprintRow.id)
        .where(FingerprintRow.created_at < older_than)
        .order_by(FingerprintRow.id)
        .limit(limit)
    )
    result = session.execute(
        delete(FingerprintRow)
        .where(FingerprintRow.id.in_(oldest.scalar_subquery()))
        .execution_options(synchronize_session=False)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
