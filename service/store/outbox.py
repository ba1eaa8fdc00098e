"""The outbox: events written in the transaction of the change they describe, and their order.

Writers append rows without a ``seq``. :func:`sequence` numbers them later, under the row lock
of ``outbox_sequence``, in the order they became visible: a reader of ``seq > cursor`` therefore
never skips a row whose transaction committed after a later-numbered one (ids are assigned at
INSERT, not at COMMIT, so ordering by id alone could).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, delete, exists, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.domain import Status, stored_events
from service.domain.changes import CommentRef, EventType, OutboxEvent, Transition, transition_events
from service.models import OUTBOX, CommentRow, OutboxRow, OutboxSequenceRow, WebhookDeliveryRow
from service.store.prebuilt import read_rows

SEQUENCE = "outbox"
_ACCEPTED = EventType.COMMENT_ACCEPTED.value
_PENDING = Status.PENDING.value
_INSERT = insert(OUTBOX)  # built once: intake and the workers run it for every batch


def add_events(session: Session, events: Sequence[OutboxEvent]) -> None:
    """Append events (one executemany); they commit or roll back with the caller's change."""
    if events:
        session.execute(_INSERT, [_row(e) for e in events])


def record(session: Session, changes: Iterable[Transition], cause: EventType | None = None) -> None:
    """Append the events of these status changes."""
    add_events(session, [e for change in changes for e in transition_events(change, cause)])


def record_accepted(session: Session, comments: Iterable[CommentRef], at: datetime) -> None:
    """Append the ``comment.accepted`` event of each newly stored comment (pending, no reasons).

    The rows are those :func:`record` writes for ``Transition(ref, None, PENDING, [], SITE, at)``
    with ``EventType.COMMENT_ACCEPTED``, built directly: intake writes one per comment, and the
    general path builds the full payload, packs it and checks the packing with two JSON
    encodings per event (issue 10; tests/integration/service/test_intake_rows.py compares).
    """
    add_packed(session, [_accepted_row(ref, at) for ref in comments])


def add_packed(session: Session, rows: Sequence[dict[str, Any]]) -> None:
    """Append rows built in their stored (packed) form by :func:`packed_row` (one executemany)."""
    if rows:
        # A Core INSERT of a table: session.execute would not autoflush either.
        session.connection().execute(_INSERT, rows)


def _accepted_row(ref: CommentRef, at: datetime) -> dict[str, Any]:
    return packed_row(ref, _ACCEPTED, {"comment": packed_comment(ref, _PENDING)}, at)


def packed_comment(ref: CommentRef, status: str) -> dict[str, Any]:
    """What stored_events.pack keeps of an event's comment: all of it but its id (and its
    parent_id when null)."""
    comment: dict[str, Any] = {"article_id": ref.article_id}
    if ref.parent_id is not None:
        comment["parent_id"] = ref.parent_id
    comment.update(status=status, revision=ref.revision, version=ref.version)
    return comment


def packed_row(ref: CommentRef, kind: str, packed: dict[str, Any], at: datetime) -> dict[str, Any]:
    """The outbox row of a new event about ``ref`` whose payload is already packed."""
    return {
        # new_event's id is "evt_" + uuid4().hex, stored as those 16 bytes.
        "event_id": uuid.uuid4().bytes,
        "site_id": ref.site_id,
        "kind": kind,
        "comment_id": ref.id,
        "packed": packed,
        "created_at": at,
        "seq": None,
    }


def _row(event: OutboxEvent) -> dict[str, Any]:
    return {
        "event_id": stored_events.id_bytes(event.event_id),
        "site_id": event.site_id,
        "kind": event.type.value,
        "comment_id": event.comment_id,
        "packed": stored_events.pack(event.type.value, event.comment_id, event.data),
        "created_at": event.created_at,
        "seq": None,
    }


def comment_refs(session: Session, comment_ids: Sequence[str]) -> dict[str, CommentRef]:
    """What events say about each comment, as stored now (after the caller's updates)."""
    if not comment_ids:
        return {}
    rows: Sequence[Any] = read_rows(session, _REFS, {"ids": list(comment_ids)})
    return {row.id: CommentRef(*row) for row in rows}


# Every recorded batch reads it: built once, Core rows (service/store/prebuilt.py).
_COMMENTS = CommentRow.__table__.c
_REFS = select(
    _COMMENTS.id,
    _COMMENTS.site_id,
    _COMMENTS.article_id,
    _COMMENTS.parent_id,
    _COMMENTS.revision,
    _COMMENTS.version,
).where(_COMMENTS.id.in_(bindparam("ids", expanding=True)))


def ref_of(row: CommentRow) -> CommentRef:
    """The reference of a loaded comment row."""
    return CommentRef(row.id, row.site_id, row.article_id, row.parent_id, row.revision, row.version)


# -- sequencing ---------------------------------------------------------------------------------


def has_unsequenced(session: Session) -> bool:
    """Whether any committed event still waits for its number (a cheap, lock-free check)."""
    return bool(session.scalar(select(exists().where(OutboxRow.seq.is_(None)))))


def sequence(session: Session, limit: int) -> list[tuple[int, int]]:
    """Number up to ``limit`` waiting events in id order; returns ``(outbox id, seq)`` pairs.

    The counter row is locked first, so a second sequencer waits for this one to commit and
    then sees its numbers: every seq it assigns is greater than every seq committed before.
    """
    last = _lock_counter(session)
    ids = session.scalars(
        select(OutboxRow.id).where(OutboxRow.seq.is_(None)).order_by(OutboxRow.id).limit(limit)
    ).all()
    numbered = [(outbox_id, last + n) for n, outbox_id in enumerate(ids, start=1)]
    if numbered:
        session.execute(
            update(OUTBOX)
            .where(OUTBOX.c.id == bindparam("b_id"), OUTBOX.c.seq.is_(None))
            .values(seq=bindparam("b_seq")),
            [{"b_id": i, "b_seq": s} for i, s in numbered],
        )
        session.execute(
            update(OutboxSequenceRow)
            .where(OutboxSequenceRow.name == SEQUENCE)
            .values(value=numbered[-1][1])
        )
    return numbered


def _lock_counter(session: Session) -> int:
    # An UPDATE takes the row lock on PostgreSQL and the write lock on SQLite before we read.
    locked = session.execute(
        update(OutboxSequenceRow)
        .where(OutboxSequenceRow.name == SEQUENCE)
        .values(value=OutboxSequenceRow.value)
        .returning(OutboxSequenceRow.value)
    ).scalar()
    if locked is not None:
        return int(locked)
    _create_counter(session)
    return _lock_counter(session)


def _create_counter(session: Session) -> None:
    values = {"name": SEQUENCE, "value": 0, "purged_through": 0}
    if session.get_bind().dialect.name == "postgresql":
        statement: Any = postgresql.insert(OutboxSequenceRow).values(values)
    else:
        statement = sqlite.insert(OutboxSequenceRow).values(values)
    session.execute(statement.on_conflict_do_nothing(index_elements=["name"]))


# -- reading ------------------------------------------------------------------------------------


def read_feed(
    session: Session, site_id: str, after_seq: int, upto_seq: int, limit: int
) -> list[tuple[OutboxEvent, int]]:
    """The site's events numbered after ``after_seq`` and up to ``upto_seq``, in seq order."""
    rows = session.scalars(
        select(OutboxRow)
        .where(OutboxRow.site_id == site_id, OutboxRow.seq > after_seq, OutboxRow.seq <= upto_seq)
        .order_by(OutboxRow.seq)
        .limit(limit)
    ).all()
    return [(to_event(row), int(row.seq or 0)) for row in rows]


def last_seq(session: Session) -> int:
    """The highest number assigned so far (0 before the first)."""
    return int(
        session.scalar(select(OutboxSequenceRow.value).where(OutboxSequenceRow.name == SEQUENCE))
        or 0
    )


def purged_through(session: Session) -> int:
    """The highest seq the retention purge removed (0 when nothing was purged)."""
    value = session.scalar(
        select(OutboxSequenceRow.purged_through).where(OutboxSequenceRow.name == SEQUENCE)
    )
    return int(value or 0)


def to_event(row: OutboxRow) -> OutboxEvent:
    """A stored row as an event."""
    return OutboxEvent(
        event_id=stored_events.id_text(row.event_id),
        site_id=row.site_id,
        type=EventType(row.kind),
        comment_id=row.comment_id,
        data=stored_events.unpack(row.kind, row.comment_id, row.packed or {}),
        created_at=row.created_at,
    )


# -- retention ----------------------------------------------------------------------------------


def purge(session: Session, older_than: datetime) -> int:
    """Delete sequenced events created before ``older_than`` and their deliveries."""
    newest = session.scalar(
        select(OutboxRow.seq)
        .where(OutboxRow.seq.is_not(None), OutboxRow.created_at < older_than)
        .order_by(OutboxRow.seq.desc())
        .limit(1)
    )
    if newest is None:
        return 0
    doomed = select(OutboxRow.id).where(OutboxRow.seq <= newest)
    session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.outbox_id.in_(doomed)))
    result = session.execute(delete(OutboxRow).where(OutboxRow.seq <= newest))
    _lock_counter(session)
    session.execute(
        update(OutboxSequenceRow)
        .where(OutboxSequenceRow.name == SEQUENCE)
        .values(purged_through=newest)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
