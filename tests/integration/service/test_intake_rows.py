"""Intake stores the same rows as before its issue 10 shortcuts, byte for byte, on each backend.

``insert_comments`` leaves the always-null columns out of its INSERT and writes the
``comment.accepted`` events with ``outbox.record_accepted``. The golden path below is the code
before that change, kept word for word: every column of every comment and outbox row, as the
database holds it (raw driver values, and SQLite's storage class), must be equal. Ids, event ids
and the clock are fixed so both paths get the same values to store.
"""

from __future__ import annotations

import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import insert
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Author, Envelope, NewComment, Status
from service.domain.changes import CommentRef, Decider, EventType, Transition, transition_events
from service.identity import author_key
from service.models import COMMENTS, OUTBOX
from service.store import comments, outbox
from service.store.comments import body_digest, insert_comments
from tests.factories import new_comment

COLUMNS = {"comments": set(COMMENTS.c.keys()), "outbox": {c.name for c in OUTBOX.c}}
NOW = datetime(2026, 11, 30, 17, 5, 9, 123456, tzinfo=UTC)
COMMENT_IDS = [f"019ad5f0-{n:04x}-7abc-8def-{n:012x}" for n in range(1, 40)]


def _old_insert(session: Session, items: Sequence[NewComment], now: datetime) -> None:
    """What insert_comments wrote for new comments before (its refusals and replays apart)."""
    roots = comments._parent_roots(session, items)
    rows = [_old_values(item, roots, now) for item in items]
    session.execute(insert(COMMENTS), rows)
    outbox.record(session, map(_old_accepted, rows), EventType.COMMENT_ACCEPTED)


def _old_accepted(row: dict[str, Any]) -> Transition:
    ref = CommentRef(row["id"], row["site_id"], row["article_id"], row["parent_id"], 1, 1)
    return Transition(ref, None, Status.PENDING, [], Decider.SITE, row["created_at"])


def _old_values(item: NewComment, roots: dict[str, str], now: datetime) -> dict[str, Any]:
    comment_id = comments.new_comment_id()
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
        "risk": None,
        "model_version": None,
        "report_count": 0,
        "version": 1,
        "created_at": now,
        "decided_at": None,
        "idempotency_key": item.idempotency_key,
        "request_hash": item.request_hash,
        "envelope_ip": item.envelope.ip,
        "envelope_user_agent": item.envelope.user_agent,
        "envelope_referrer": item.envelope.referrer,
        "envelope_permalink": item.envelope.permalink,
        "envelope_purged_at": None,
        "revision": 1,
        "intake_hold": item.hold,
        "deleted_at": None,
        "erased_at": None,
    }


def _top_level() -> list[NewComment]:
    """Top-level comments of every shape (the replies below answer the first two)."""
    return [
        new_comment(),
        new_comment(
            article_id="news-0179",
            author=Author("\uff35-ban", "Zoë «Z»", "ab" * 32, 12.5, -3),
            body="Ça « marche » ? Ünïcode, emoji 🙂 and\nnew lines\ttabs.",
            language=None,
            envelope=Envelope("2001:db8::1", "Mozilla/5.0", "https://ex.org/a", "https://ex.org/p"),
            idempotency_key="idem-1",
            request_hash="cd" * 32,
            hold="flood",
        ),
        new_comment(author=Author("a-0", "A", None, 0.0, 0), envelope=Envelope()),
    ]


def _replies(top: Sequence[str]) -> list[NewComment]:
    return [
        new_comment(parent_id=top[0]),
        new_comment(parent_id=top[1], article_id="news-0179", language="fr"),
        new_comment(parent_id=top[0], body="x" * 10_000),
    ]


def _restart(monkeypatch: pytest.MonkeyPatch) -> None:
    """Comment ids and event ids from the same fixed sequences for each path."""
    ids = iter(COMMENT_IDS)
    events = (uuid.UUID(int=(n << 64) | n, version=4) for n in itertools.count(1))
    monkeypatch.setattr(comments, "new_comment_id", lambda: next(ids))
    monkeypatch.setattr(uuid, "uuid4", lambda: next(events))


def _stored(conn: Connection) -> dict[str, list[tuple[Any, ...]]]:
    """Every column of both tables as the driver returns it (less the outbox's serial id), the
    JSON columns also as their text (psycopg parses json, and dicts compare in any order), and on
    SQLite each value's storage class."""
    tables = {"comments": ("id", "reasons, statement"), "outbox": ("event_id", "packed")}
    found: dict[str, list[tuple[Any, ...]]] = {}
    for table, (order, json_columns) in tables.items():
        text = ", ".join(f"CAST({c} AS TEXT)" for c in json_columns.split(", "))
        result = conn.exec_driver_sql(f"SELECT *, {text} FROM {table} ORDER BY {order}")  # noqa: S608
        names = list(result.keys())
        rows = [
            tuple(v for n, v in zip(names, row, strict=True) if n != "id" or table == "comments")
            for row in result
        ]
        if conn.dialect.name == "sqlite":
            types = ", ".join(f"typeof({c})" for c in names if c in COLUMNS[table])
            rows += conn.exec_driver_sql(f"SELECT {types} FROM {table} ORDER BY {order}").all()  # noqa: S608
        found[table] = [tuple(r) for r in rows]
    return found


def _write(
    sessions: sessionmaker[Session],
    monkeypatch: pytest.MonkeyPatch,
    batches: Sequence[Sequence[NewComment]],
    old: bool,
) -> dict[str, list[tuple[Any, ...]]]:
    _restart(monkeypatch)
    for batch in batches:
        with sessions.begin() as session:
            if old:
                _old_insert(session, batch, NOW)
            else:
                insert_comments(session, batch, NOW)
    with sessions.begin() as session:
        return _stored(session.connection())


def _empty(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        session.connection().exec_driver_sql("DELETE FROM outbox")
        session.connection().exec_driver_sql("DELETE FROM comments WHERE parent_id IS NOT NULL")
        session.connection().exec_driver_sql("DELETE FROM comments")


def test_intake_stores_the_rows_it_stored_before(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    batches = [_top_level(), _replies(COMMENT_IDS[:2])]  # the same submissions for both paths
    before = _write(sessions, monkeypatch, batches, old=True)
    _empty(sessions)
    after = _write(sessions, monkeypatch, batches, old=False)

    assert before["comments"][5][0] is not None  # six rows (and, on SQLite, their types)
    assert after == before


def test_accepted_rows_are_the_rows_record_builds(monkeypatch: pytest.MonkeyPatch) -> None:
    """record_accepted's rows against record's for the same transitions (no database)."""
    refs = [
        CommentRef(COMMENT_IDS[0], "site-a", "art «1»", None, 1, 1),
        CommentRef(COMMENT_IDS[1], "site-b", "art-2", COMMENT_IDS[0], 1, 1),
        CommentRef(COMMENT_IDS[2], "site-b", "", COMMENT_IDS[1], 3, 7),
    ]
    for ref in refs:
        _restart(monkeypatch)
        [event] = transition_events(
            Transition(ref, None, Status.PENDING, [], Decider.SITE, NOW),
            EventType.COMMENT_ACCEPTED,
        )
        old = outbox._row(event)
        _restart(monkeypatch)
        new = outbox._accepted_row(ref, NOW)
        assert new == old
        assert list(new["packed"]["comment"]) == list(old["packed"]["comment"])


def test_accepted_event_ids_are_fresh_version_4_uuids() -> None:
    ids = {
        bytes(
            outbox._accepted_row(CommentRef(COMMENT_IDS[0], "s", "a", None, 1, 1), NOW)["event_id"]
        )
        for _ in range(50)
    }
    assert len(ids) == 50
    assert all(
        uuid.UUID(bytes=i).version == 4 and uuid.UUID(bytes=i).variant == uuid.RFC_4122 for i in ids
    )
