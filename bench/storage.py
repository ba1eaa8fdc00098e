"""How many bytes the service's database holds, in all and per table (indexes included)."""

from __future__ import annotations

from sqlalchemy import Connection, text

from service.db import create_db_engine

# SQLite: dbstat lists every b-tree (tables and their indexes) with the bytes of its pages;
# sqlite_schema says which table an index belongs to.
_SQLITE_SIZES = text(
    "SELECT m.tbl_name, SUM(s.pgsize) FROM dbstat AS s "
    "JOIN sqlite_schema AS m ON m.name = s.name GROUP BY m.tbl_name"
)
# PostgreSQL: every table of the schema first on the search path, with its indexes and TOAST.
_POSTGRES_SIZES = text(
    "SELECT c.relname, pg_total_relation_size(c.oid) FROM pg_class AS c "
    "WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
)


class DatabaseSize:
    """Reads the size of the benchmarked database by table."""

    def __init__(self, database_url: str) -> None:
        self._engine = create_db_engine(database_url)

    def by_table(self) -> dict[str, int]:
        """Bytes of each table with its indexes (SQLite: pages in use, free pages excluded)."""
        with self._engine.connect() as conn:
            return {str(name): int(size) for name, size in self._sizes(conn)}

    def _sizes(self, conn: Connection) -> list[tuple[str, int]]:
        query = _POSTGRES_SIZES if conn.dialect.name == "postgresql" else _SQLITE_SIZES
        return [(row[0], row[1]) for row in conn.execute(query).all()]

    def compact(self) -> bool:
        """PostgreSQL: rewrite every table of the schema without its dead row versions
        (``VACUUM FULL``), so the next :meth:`by_table` counts live rows only; True when it did.

        A comment's row is updated once when it is decided and an event's once when it is
        numbered; PostgreSQL keeps the old versions until autovacuum makes their space reusable,
        which a minute's run does not wait for. SQLite updates in place: nothing to do.
        """
        if self._engine.dialect.name != "postgresql":
            return False
        with self._engine.connect() as conn:
            tables = [row[0] for row in self._sizes(conn)]
        with self._engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in tables:
                conn.execute(text(f'VACUUM FULL "{table}"'))
        return True

    def close(self) -> None:
        """Release the connection pool."""
        self._engine.dispose()


# Tables the workers' hourly purge keeps to a time window (near-duplicate keys live for the
# longest burst window): they grow with the rate, not with the comments kept, so they are listed
# but left out of ``total``, the bytes a site's history costs.
WINDOWED = frozenset({"comment_fingerprints"})


def growth_per_1000(before: dict[str, int], after: dict[str, int], comments: int) -> dict[str, int]:
    """Bytes added per 1,000 comments, by table (those that grew), and in ``total`` the tables
    that keep them (all but the :data:`WINDOWED` ones)."""
    grown = {name: after[name] - before.get(name, 0) for name in after}
    lasting = sum(b for name, b in grown.items() if name not in WINDOWED)
    per = {
        name: round(1000 * grown_bytes / max(1, comments)) for name, grown_bytes in grown.items()
    }
    kept = dict(sorted(((n, b) for n, b in per.items() if b > 0), key=lambda nb: -nb[1]))
    return {"total": round(1000 * lasting / max(1, comments)), **kept}
