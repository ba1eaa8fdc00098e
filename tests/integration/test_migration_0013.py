"""Migration 0013 makes the watched-word tables (one entry per folded form and site) and takes
them back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import IntegrityError

from tests.migrations import connection_at, migrate

REVISION = "0013"
BEFORE = "0013-1"  # whatever 0013 follows once merged
_LIST = """INSERT INTO watch_lists (site_id, version, updated_by, updated_at)
 VALUES ('s', 1, 'ops', '2026-01-01')"""
_WORD = """INSERT INTO watched_words (site_id, kind, phrase, folded, added_by, added_at)
 VALUES ('s', 'banned', :phrase, 'scumbag', 'ops', '2026-01-01')"""


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0013 (left at head again afterwards)."""
    with connection_at(engine, BEFORE) as conn:
        yield conn


def test_the_tables_hold_one_entry_per_folded_form_and_go_away_on_downgrade(
    connection: Connection,
) -> None:
    assert "watched_words" not in inspect(connection).get_table_names()

    migrate(connection, REVISION)
    connection.execute(text(_LIST))
    connection.execute(text(_WORD), {"phrase": "scumbag"})
    with pytest.raises(IntegrityError), connection.begin_nested():
        connection.execute(text(_WORD), {"phrase": "SCUMB@G"})  # the same words, another way
    assert connection.execute(text("SELECT count(*) FROM watched_words")).scalar() == 1

    connection.execute(text("DELETE FROM watched_words"))
    connection.execute(text("DELETE FROM watch_lists"))
    migrate(connection, BEFORE, down=True)
    tables = inspect(connection).get_table_names()
    assert "watched_words" not in tables
    assert "watch_lists" not in tables
