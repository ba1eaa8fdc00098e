"""What every migration test does around its own checks: work in one transaction taken to just
before the revision under test, migrate it up or down, and leave the database at head again
for the other tests of the session."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from alembic import command
from sqlalchemy import Connection, Engine, text
from sqlalchemy.types import TypeEngine

from service.migrate import alembic_config
from service.models import Base


@contextmanager
def connection_at(
    engine: Engine, revision: str, emptied: Sequence[str] = ()
) -> Iterator[Connection]:
    """A connection whose transaction starts at ``revision``; afterwards the ``emptied`` tables
    are cleared (in that order) and the database is upgraded to head again."""
    with engine.begin() as conn:
        migrate(conn, revision, down=True)
        yield conn
        for table in emptied:
            conn.execute(text(f"DELETE FROM {table}"))  # noqa: S608 (the test's own names)
        migrate(conn, "head")


def migrate(conn: Connection, revision: str, *, down: bool = False) -> None:
    """Upgrade (or downgrade) the database of ``conn`` to ``revision``, in its transaction."""
    config = alembic_config()
    config.attributes["connection"] = conn
    if down:
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


def columns_of_type(column_type: type[TypeEngine[Any]]) -> set[tuple[str, str]]:
    """(table, column) of every model column of ``column_type``: what a migration that
    converts such columns must list."""
    return {
        (table.name, column.name)
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, column_type)
    }
