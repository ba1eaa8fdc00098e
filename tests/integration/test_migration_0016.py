"""Migration 0016 drops the comments indexes that ix_comments_site_author_created makes
redundant, keeping every row, and builds them again on downgrade."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text

from service.identity import author_key
from tests.migrations import connection_at, migrate

BEFORE = "0016-1"  # whatever 0016 follows once merged
DROPPED = {"ix_comments_author_key_body", "ix_comments_author_created"}
# Digests as the service writes them: 64 lowercase hex digits (migration 0021 needs them).
_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_name, body,
 body_sha256, status, reasons, report_count, version, created_at, author_key)
 VALUES (:id, 's', 'a', :id, :author, 'N', 'b',
 'abababababababababababababababababababababababababababababababab',
 'approved', '[]', 0, 2, '2026-01-01', :key)"""
# An author erased before 0016 kept the key of the id the erasure removed.
ERASED = "erased-0123456789abcdef0123"
ROWS = [
    {"id": "c0", "author": "u-1", "key": author_key("u-1")},
    {"id": "c1", "author": "U-1", "key": author_key("U-1")},
    {"id": "c2", "author": ERASED, "key": author_key("the-erased-id")},
]


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0016 (left at head again afterwards)."""
    with connection_at(engine, BEFORE, ("comments",)) as conn:
        yield conn


def _indexes(conn: Connection) -> set[str]:
    if conn.dialect.name == "postgresql":
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'comments'"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments'"
    return set(conn.scalars(text(query)))


def _keys(conn: Connection) -> dict[str, str]:
    rows = conn.execute(text("SELECT id, author_key FROM comments ORDER BY id"))
    return {str(cid): str(key) for cid, key in rows}


def test_the_indexes_go_and_come_back_and_every_comment_stays(connection: Connection) -> None:
    connection.execute(text(_COMMENT), ROWS)
    assert _indexes(connection) >= DROPPED

    migrate(connection, "0016")
    assert not DROPPED & _indexes(connection)
    assert "ix_comments_site_author_created" in _indexes(connection)
    rekeyed = {"c0": author_key("u-1"), "c1": author_key("u-1"), "c2": author_key(ERASED)}
    assert _keys(connection) == rekeyed  # the erased author's comments now carry its key

    migrate(connection, BEFORE, down=True)
    assert _indexes(connection) >= DROPPED
    assert _keys(connection) == rekeyed
