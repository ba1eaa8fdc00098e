"""The benchmark's database sizes: PostgreSQL's dead row versions are not a comment's cost."""

from __future__ import annotations

from sqlalchemy import Engine, text

from bench.storage import DatabaseSize


def _churn(engine: Engine) -> None:
    # Every row updated once on an indexed column, as deciding a comment does: the old versions
    # stay in the table until vacuumed.
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO outbox_sequence (name, value, purged_through) "
                "SELECT 'n' || g, 0, 0 FROM generate_series(1, 20000) AS g"
            )
            if conn.dialect.name == "postgresql"
            else text(
                "WITH RECURSIVE g(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM g WHERE n < 20000) "
                "INSERT INTO outbox_sequence (name, value, purged_through) "
                "SELECT 'n' || n, 0, 0 FROM g"
            )
        )
        conn.execute(text("UPDATE outbox_sequence SET name = name || 'x'"))


def test_compact_counts_live_rows_only_on_postgresql(database_url: str, engine: Engine) -> None:
    _churn(engine)
    size = DatabaseSize(database_url)
    try:
        churned = size.by_table()["outbox_sequence"]
        compacted = size.compact()
        live = size.by_table()["outbox_sequence"]
    finally:
        size.close()

    if engine.dialect.name == "postgresql":
        assert compacted
        assert live < 0.75 * churned
    else:  # SQLite rewrote the rows in place: there is nothing to compact
        assert not compacted
        assert live == churned
