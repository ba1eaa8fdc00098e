"""Writing and reading comments: intake, lookups and the published listing."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import time
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, func, insert, or_, select
from sqlalchemy.orm import Session

from service.domain import Comment, NewComment, Page, Status
from service.domain.changes import CommentRef
from service.domain.comment_ids import canonical, is_comment_id
from service.domain.threads import ThreadEntry
from service.errors import (
    CommentDeskError,
    FieldError,
    IdempotencyConflictError,
    NotFoundError,
    ValidationError,
)
from service.identity import author_key
from service.models import COMMENTS, CommentRow
from service.store import admission, outbox, threads
from service.store.comment_keys import in_comment_ids
from service.store.convert import to_comment
from service.store.cursor import created_after, decode_cursor, encode_cursor, moment, row_id

# Built once: the statement is the same for every batch (its compiled form is cached anyway).
_INSERT = insert(COMMENTS)


@dataclasses.dataclass(frozen=True)
class Stored:
    """The outcome of storing one submission; ``is_new`` is False for an idempotent replay.

    ``refusal`` is set (and nothing stored, ``comment_id`` empty) when the submission may not be
    stored: its article is closed or its author suspended. Refusals are outcomes, not raised, so
    one refused submission does not make intake write the rest of its batch one by one.
    """

    comment_id: str
    status: Status
    is_new: bool
    refusal: CommentDeskError | None = None


def new_comment_id() -> str:
    """A time-ordered UUID (v7 layout) so ids sort roughly by arrival."""
    # Formatted by hand from 10 random bytes: building two uuid.UUID objects (uuid4, then the
    # result) and a datetime cost three times as much, once per comment (issue 10).
    millis = time.time_ns() // 1_000_000
    rand = int.from_bytes(os.urandom(10)) & ((1 << 74) - 1)
    value = (
        (millis << 80)
        | (0x7 << 76)
        | ((rand >> 62) << 64)
        | (0b10 << 62)
        | (rand & ((1 << 62) - 1))
    )
    return canonical(f"{value:032x}")


def body_digest(body: str) -> str:
    """Fingerprint of a body for repeat-post detection."""
    return hashlib.sha256(" ".join(body.casefold().split()).encode()).hexdigest()


def insert_comments(session: Session, items: Sequence[NewComment], now: datetime) -> list[Stored]:
    """Insert a batch of submissions, replaying earlier ones that reuse an Idempotency-Key."""
    replays = _existing_by_key(session, items)
    refused = admission.refusals(
        session, [(i.site_id, i.article_id, i.author.id) for i in items], now
    )
    roots = _parent_roots(session, items)
    results: list[Stored] = []
    seen: dict[tuple[str, str], Stored] = {}
    rows: list[dict[str, Any]] = []
    for index, item in enumerate(items):
        key = (item.site_id, item.idempotency_key) if item.idempotency_key else None
        if key and key in replays:  # a retry of a stored comment gets it, closed or not
            results.append(_replay(replays[key], item))
        elif index in refused:
            results.append(Stored("", Status.PENDING, is_new=False, refusal=refused[index]))
        elif key and key in seen:
            results.append(dataclasses.replace(seen[key], is_new=False))
        else:
            row = _comment_values(item, roots, now)
            rows.append(row)
            results.append(Stored(row["id"], Status.PENDING, is_new=True))
            if key:
                seen[key] = results[-1]
    if rows:
        # Core executemany: one statement for the batch instead of a unit-of-work flush per row.
        # No ``submitted`` action: the comment row holds every fact one would (created_at,
        # status pending, no actor), and the log derives it (store.convert.submission).
        # On the session's connection: a Core INSERT of a table, which session.execute would
        # pass there without a flush either, less the ORM's dispatch (issue 10).
        session.connection().execute(_INSERT, rows)
        outbox.record_accepted(session, map(_accepted, rows), now)
    return results


def _accepted(row: dict[str, Any]) -> CommentRef:
    return CommentRef(row["id"], row["site_id"], row["article_id"], row["parent_id"], 1, 1)


def _comment_values(item: NewComment, roots: dict[str, str], now: datetime) -> dict[str, Any]:
    # The columns a new comment leaves null that have no default (risk, model_version,
    # decided_at, envelope_purged_at, deleted_at, erased_at) are left out of the INSERT: stored
    # null all the same, without a parameter to process for each in every row (issue 10;
    # tests/integration/service/test_intake_rows.py compares the stored rows).
    comment_id = new_comment_id()
    return {
        "id": comment_id,
        "site_id": item.site_id,
        "article_id": item.article_id,
        "parent_id": item.parent_id,
        "root_id": roots[item.parent_id] if item.parent_id else comment_id,
        "author_id": item.author.id,
        "author_key": author_key(item.author.id),
        "author_name": item.author.display_name,
        "author_email_hash": item.author.email_hash,
        "author_account_age_days": item.author.account_age_days,
        "author_karma": item.author.karma,
        "body": item.body,
        "body_sha256": body_digest(item.body),
        "language": item.language,
        "status": Status.PENDING.value,
        "reasons": [],
        "report_count": 0,
        "version": 1,
        "created_at": now,
        "idempotency_key": item.idempotency_key,
        "request_hash": item.request_hash,
        "envelope_ip": item.envelope.ip,
        "envelope_user_agent": item.envelope.user_agent,
        "envelope_referrer": item.envelope.referrer,
        "envelope_permalink": item.envelope.permalink,
        "revision": 1,
        "intake_hold": item.hold,
    }


def _replay(row: CommentRow, item: NewComment) -> Stored:
    if row.request_hash != item.request_hash:
        raise IdempotencyConflictError(
            f"Idempotency-Key {item.idempotency_key!r} was first used for a different comment"
        )
    return Stored(row.id, Status(row.status), is_new=False)


def _existing_by_key(
    session: Session, items: Sequence[NewComment]
) -> dict[tuple[str, str], CommentRow]:
    keyed = [(i.site_id, i.idempotency_key) for i in items if i.idempotency_key]
    if not keyed:
        return {}
    clauses = [
        and_(CommentRow.site_id == site, CommentRow.idempotency_key == key) for site, key in keyed
    ]
    rows = session.scalars(select(CommentRow).where(or_(*clauses))).all()
    return {(r.site_id, r.idempotency_key or ""): r for r in rows}


def _parent_roots(session: Session, items: Sequence[NewComment]) -> dict[str, str]:
    parent_ids = {i.parent_id for i in items if i.parent_id}
    if not parent_ids:
        return {}
    rows = session.execute(
        select(CommentRow.id, CommentRow.root_id, CommentRow.site_id, CommentRow.article_id).where(
            in_comment_ids(CommentRow.id, parent_ids)
        )
    ).all()
    found = {r.id: r for r in rows}
    for item in items:
        parent = found.get(item.parent_id) if item.parent_id else None
        if item.parent_id and (
            parent is None or parent.site_id != item.site_id or parent.article_id != item.article_id
        ):
            raise ValidationError(
                [FieldError("/parent_id", "must be a comment on the same article")]
            )
    return {r.id: r.root_id for r in rows}


def get_comment(session: Session, comment_id: str, site_id: str | None = None) -> Comment:
    """One comment; a site only sees its own comments."""
    return to_comment(get_comment_row(session, comment_id, site_id))


def get_comment_row(session: Session, comment_id: str, site_id: str | None = None) -> CommentRow:
    """The row itself, for use cases that update it inside the store (a site: only its own)."""
    row = session.get(CommentRow, comment_id) if is_comment_id(comment_id) else None
    if row is None or (site_id is not None and row.site_id != site_id):
        raise NotFoundError(f"comment {comment_id!r} does not exist")
    return row


def list_published_threads(
    session: Session,
    site_id: str,
    article_id: str,
    cursor: str | None,
    limit: int,
    newest_first: bool = False,
) -> Page[ThreadEntry]:
    """Approved top-level comments of an article, oldest (or newest) first, with their approved
    replies (always oldest first under their thread); an unpublished comment above an approved
    reply keeps its place as ``Unavailable`` (service/store/threads.py).

    The page is over threads; each thread's entries follow their root in the items.
    """
    after = _after_cursor(cursor, newest_first) if cursor else None
    roots = threads.shown_roots(session, site_id, article_id, after, newest_first, limit + 1)
    has_more = len(roots) > limit
    roots = roots[:limit]
    items = threads.thread_entries(session, roots)
    next_cursor = None
    if has_more:
        key = (roots[-1].created_at.isoformat(), roots[-1].id)
        next_cursor = encode_cursor(*key, "newest") if newest_first else encode_cursor(*key)
    return Page(items, next_cursor)


def _newest(value: Any) -> str:
    """The order part of a newest-first cursor."""
    if value != "newest":
        raise ValueError("not a listing order")
    return str(value)


def _after_cursor(cursor: str, newest_first: bool) -> ColumnElement[bool]:
    """Rows after the cursor's (created_at, id) in the listing's order."""
    if newest_first:
        at, last_id, _ = decode_cursor(cursor, moment, row_id, _newest)
    else:
        at, last_id = decode_cursor(cursor, moment, row_id)
    return created_after(at, last_id, newest_first=newest_first)


def article_counts(session: Session, site_id: str, article_id: str) -> tuple[int, int]:
    """Approved comments of an article, and how many of them start a thread."""
    row = session.execute(
        select(func.count(), func.count(CommentRow.parent_id)).where(
            CommentRow.site_id == site_id,
            CommentRow.article_id == article_id,
            CommentRow.status == Status.APPROVED.value,
        )
    ).one()
    total, replies = int(row[0]), int(row[1])
    return total, total - replies


def site_comments(session: Session, site_id: str, comment_ids: Sequence[str]) -> list[Comment]:
    """The site's comments among ``comment_ids`` (others' and unknown ids are left out)."""
    rows = session.scalars(
        select(CommentRow).where(
            in_comment_ids(CommentRow.id, comment_ids), CommentRow.site_id == site_id
        )
    ).all()
    return [to_comment(r) for r in rows]
