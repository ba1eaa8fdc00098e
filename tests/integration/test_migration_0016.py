"""Migration 0016 drops the comments indexes that ix_comments_site_author_created makes
redundant, keeping every row, and builds them again on downgrade."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text

from service.migrate import alembic_config

BEFORE = "0016-1"  # whatever 0016 follows once merged
DROPPED = {"ix_comments_author_key_body"}
_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_name, body,
 body_sha256, status, reasons, report_count, version, created_at, author_key)
 VALUES (:id, 's', 'a', :id, 'u', 'N', 'b', 'h', 'approved', '[]', 0, 2, '2026-01-01', 'k')"""


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0016 (left at head again afterwards)."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, BEFORE)
        yield conn
        conn.execute(text("DELETE FROM comments"))
        command.upgrade(config, "head")


def _migrate(conn: Connection, up: bool) -> None:
    config = alembic_config()
    config.attributes["connection"] = conn
    if up:
        command.upgrade(config, "0016")
    else:
        command.downgrade(config, BEFORE)


def _indexes(conn: Connection) -> set[str]:
    if conn.dialect.name == "postgresql":
        query = "SELECT indexname FROM pg_indexes WHERE tablename = 'comments'"
    else:
        query = "SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'comments'"
    return set(conn.scalars(text(query)))


def _ids(conn: Connection) -> list[str]:
    return list(conn.scalars(text("SELECT id FROM comments ORDER BY id")))


def test_the_indexes_go_and_come_back_and_every_comment_stays(connection: Connection) -> None:
    connection.execute(text(_COMMENT), [{"id": f"c{n}"} for n in range(3)])
    assert _indexes(connection) >= DROPPED

    _migrate(connection, up=True)
    assert not DROPPED & _indexes(connection)
    assert "ix_comments_site_author_created" in _indexes(connection)
    assert _ids(connection) == ["c0", "c1", "c2"]

    _migrate(connection, up=False)
    assert _indexes(connection) >= DROPPED
    assert _ids(connection) == ["c0", "c1", "c2"]
