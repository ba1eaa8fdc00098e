"""Migration 0012 gives reports a state (stored ones start open), reporters their record and
the listing its index of hidden thread roots, and takes them back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, inspect, text

from tests.migrations import connection_at, migrate

BEFORE = "0012-1"  # whatever 0012 follows once merged
# Digests as the service writes them: 64 lowercase hex digits (migration 0021 needs them).
_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_name, body,
 body_sha256, status, reasons, report_count, version, created_at, author_key)
 VALUES ('c0', 's', 'a', 'c0', 'u', 'N', 'b',
 'abababababababababababababababababababababababababababababababab',
 'approved', '[]', 1, 2, '2026-01-01',
 'cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd')"""
_REPORT = """INSERT INTO reports (comment_id, reporter_id, reason, note, created_at)
 VALUES ('c0', 'reader-1', 'abuse', NULL, '2026-01-02')"""


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0012 (left at head again afterwards)."""
    with connection_at(engine, BEFORE, ("reports", "comments")) as conn:
        yield conn


def test_stored_reports_start_open_and_downgrade_drops_the_records(
    connection: Connection,
) -> None:
    connection.execute(text(_COMMENT))
    connection.execute(text(_REPORT))

    migrate(connection, "0012")
    states = connection.execute(text("SELECT state, resolved_at FROM reports")).all()
    assert [tuple(row) for row in states] == [("open", None)]
    assert connection.execute(text("SELECT count(*) FROM reporters")).scalar() == 0
    connection.execute(
        text("INSERT INTO reporters (site_id, reporter_id) VALUES ('s', 'reader-1')")
    )
    judged = connection.execute(text("SELECT upheld, dismissed FROM reporters")).one()
    assert tuple(judged) == (0, 0)
    assert "ix_comments_hidden_roots" in _indexes(connection)

    migrate(connection, BEFORE, down=True)
    inspector = inspect(connection)
    assert "reporters" not in inspector.get_table_names()
    columns = {c["name"] for c in inspector.get_columns("reports")}
    assert not columns & {"state", "resolved_at", "resolved_batch_id"}
    assert connection.execute(text("SELECT count(*) FROM reports")).scalar() == 1
    assert "ix_comments_hidden_roots" not in _indexes(connection)


def _indexes(connection: Connection) -> set[str]:
    return {str(i["name"]) for i in inspect(connection).get_indexes("comments")}
