"""Migration 0015 deletes the stored ``submitted`` actions (the comment rows keep their facts) and
its downgrade writes them back from the comments, below every other action."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, text

from tests.migrations import connection_at, migrate

REVISION = "0015"
BEFORE = "0015-1"  # whatever 0015 follows once merged
# Digests as the service writes them: 64 lowercase hex digits (migration 0021 needs them).
_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_name, body,
 body_sha256, status, reasons, report_count, version, created_at, author_key)
 VALUES (:id, 's', 'a', :id, 'u', 'N', 'b',
 'abababababababababababababababababababababababababababababababab',
 :status, '[]', 0, 2, :at,
 'cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd')"""
_ACTION = """INSERT INTO moderation_actions (id, comment_id, kind, actor, from_status, to_status,
 reasons, scores, created_at, batch_id)
 VALUES (:id, :comment_id, :kind, :actor, :from_status, :to_status, :reasons, '{}', :at, :batch)"""
_HISTORY = """SELECT id, comment_id, kind, actor, from_status, to_status, reasons, scores,
 model_version, note, created_at, evidence, batch_id, statement
 FROM moderation_actions ORDER BY comment_id, id"""


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0015 (left at head again afterwards)."""
    with connection_at(engine, BEFORE, ("moderation_actions", "comments")) as conn:
        yield conn


def _comment(conn: Connection, comment_id: str, status: str, at: str) -> None:
    conn.execute(text(_COMMENT), {"id": comment_id, "status": status, "at": at})


def _action(conn: Connection, action_id: int, comment_id: str, kind: str, **kw: Any) -> None:
    values = {"actor": None, "from_status": None, "to_status": "pending", "batch": None}
    values |= {"reasons": "[]", "at": "2026-01-01 00:00:00"} | kw
    conn.execute(text(_ACTION), {"id": action_id, "comment_id": comment_id, "kind": kind} | values)


def _rows(conn: Connection) -> list[dict[str, Any]]:
    rows = [dict(r._mapping) for r in conn.execute(text(_HISTORY))]
    for row in rows:  # SQLite hands back JSON and times as text, PostgreSQL as values
        for name in ("reasons", "scores"):
            row[name] = json.loads(row[name]) if isinstance(row[name], str) else row[name]
        row["created_at"] = str(row["created_at"])[:19]
    return rows


def _partial(conn: Connection) -> set[str]:
    """The partial indexes on moderation_actions."""
    if conn.dialect.name == "postgresql":
        query = """SELECT indexname, indexdef FROM pg_indexes
         WHERE tablename = 'moderation_actions' AND schemaname = current_schema()"""
    else:
        query = "SELECT name, sql FROM sqlite_master WHERE tbl_name = 'moderation_actions'"
    rows = conn.execute(text(query)).all()
    return {str(name) for name, sql in rows if sql and " WHERE " in str(sql).upper()}


def test_upgrade_deletes_submissions_and_downgrade_writes_them_back_first(
    connection: Connection,
) -> None:
    _comment(connection, "c0", "withheld", "2026-01-01 10:00:00")
    _comment(connection, "c1", "rejected", "2026-01-01 11:00:00")
    _action(connection, 1, "c0", "submitted", at="2026-01-01 10:00:00")
    _action(connection, 2, "c1", "submitted", at="2026-01-01 11:00:00")
    classified = {"from_status": "pending", "to_status": "withheld", "reasons": '["spam"]'}
    _action(connection, 3, "c0", "classified", at="2026-01-01 10:00:01", **classified)
    decided = {"from_status": "pending", "to_status": "rejected", "reasons": '["insult"]'}
    _action(
        connection, 4, "c1", "decided", actor="ann", batch="b-1", at="2026-01-01 11:05", **decided
    )
    before = _rows(connection)

    assert not _partial(connection)
    migrate(connection, REVISION)
    assert _partial(connection) == {"ix_actions_actor", "ix_actions_batch"}
    after = _rows(connection)
    assert [(r["id"], r["kind"]) for r in after] == [(3, "classified"), (4, "decided")]
    assert after == [r for r in before if r["kind"] != "submitted"]  # the rest untouched

    migrate(connection, BEFORE, down=True)
    assert not _partial(connection)
    restored = _rows(connection)
    # Each comment's submission sorts below its other actions, the newest submission at -1.
    assert [(r["id"], r["comment_id"], r["kind"]) for r in restored] == [
        (-2, "c0", "submitted"),
        (3, "c0", "classified"),
        (-1, "c1", "submitted"),
        (4, "c1", "decided"),
    ]
    written = {r["comment_id"]: r for r in restored if r["kind"] == "submitted"}
    stored = {r["comment_id"]: r for r in before if r["kind"] == "submitted"}
    for comment_id, row in written.items():  # what intake wrote, but for the id
        assert {**row, "id": None} == {**stored[comment_id], "id": None}


def test_downgrade_keeps_a_submission_a_previous_release_stored_after_the_upgrade(
    connection: Connection,
) -> None:
    migrate(connection, REVISION)
    # API processes of the previous release keep writing submissions until they are replaced.
    _comment(connection, "c0", "pending", "2026-01-01 10:00:00")
    _comment(connection, "c1", "pending", "2026-01-01 11:00:00")
    _action(connection, 7, "c1", "submitted", at="2026-01-01 11:00:00")

    migrate(connection, BEFORE, down=True)
    assert [(r["id"], r["comment_id"]) for r in _rows(connection)] == [(-1, "c0"), (7, "c1")]
