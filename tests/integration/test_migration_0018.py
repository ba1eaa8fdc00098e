"""Migration 0018 stores SQLite's timestamps as integer microseconds since 1970 and the downgrade
writes back the exact text SQLAlchemy wrote; PostgreSQL keeps ``timestamptz`` (issue 10)."""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any, cast

import pytest
from sqlalchemy import Connection, Engine, column, inspect, select, table, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, sessionmaker

from service.column_types import UTCDateTime, microseconds
from service.models import WebhookEndpointRow
from service.moderation import Moderation
from service.settings import Settings
from tests.factories import new_comment, scores
from tests.intake import submit
from tests.migrations import connection_at, migrate

REVISION = "0018"
BEFORE = "0018-1"  # whatever 0018 follows once merged
TIMESTAMPS: dict[str, tuple[str, ...]] = importlib.import_module(
    "service.migrations.versions.0018_integer_timestamps"
).TIMESTAMPS
# A moment with every digit of the fraction in use.
NOW = datetime(2026, 11, 30, 12, 34, 56, 789012, tzinfo=UTC)
# What SQLAlchemy wrote on SQLite before 0018, the exact text the downgrade must give back.
_AS_WRITTEN = cast(
    Callable[[datetime | None], str | None],
    sqlite.DATETIME().bind_processor(sqlite.dialect()),  # type: ignore[no-untyped-call]
)

Column = tuple[str, str]


def _row_order(conn: Connection) -> str:
    # SQLite rewrites in place, keeping rowids; PostgreSQL's no-op leaves every row where it was.
    return "rowid" if conn.dialect.name == "sqlite" else "ctid"


def _stored(conn: Connection) -> dict[Column, list[Any]]:
    """Every timestamp value as the database holds it, by column, in row order."""
    order = _row_order(conn)
    return {
        (name, c): list(
            conn.exec_driver_sql(f"SELECT {c} FROM {name} ORDER BY {order}").scalars()  # noqa: S608
        )
        for name, columns in TIMESTAMPS.items()
        for c in columns
    }


def _read(conn: Connection) -> dict[Column, list[datetime | None]]:
    """Every timestamp value as the service reads it, by column, in row order."""
    return {
        (name, c): list(
            conn.scalars(
                select(column(c, UTCDateTime()))
                .select_from(table(name))
                .order_by(text(_row_order(conn)))
            )
        )
        for name, columns in TIMESTAMPS.items()
        for c in columns
    }


def _history(moderation: Moderation, sessions: sessionmaker[Session]) -> None:
    """Comments, verdicts, a decision, events, near-duplicate keys and a webhook endpoint with
    every one of its seven timestamps, written at head by the service itself."""
    stored = submit(
        moderation,
        [
            new_comment(body=f"A long enough comment number {n} here, about rates and the bank.")
            for n in range(3)
        ],
    )
    ids = [s.comment_id for s in stored]
    moderation.record_classifications([scores(i, spam=0.5) for i in ids], moderation.pending(ids))
    with sessions.begin() as session:
        session.add(
            WebhookEndpointRow(
                id="e1",
                site_id="news-site",
                url="http://127.0.0.1:9/h",
                secret="whsec_x",
                created_by="test",
                created_at=NOW,
                previous_secret_until=NOW + timedelta(days=1),
                disabled_at=None,
                retry_at=NOW - timedelta(microseconds=1),
                lease_until=datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC),
                last_success_at=datetime(2000, 2, 29, tzinfo=UTC),
                last_failure_at=NOW,
            )
        )


@pytest.fixture
def at_head(
    engine: Engine, sessions: sessionmaker[Session], settings: Settings
) -> tuple[dict[Column, list[Any]], dict[Column, list[datetime | None]]]:
    """The history written at head: as stored, and as the service reads it."""
    _history(Moderation(sessions, settings, clock=lambda: NOW), sessions)
    with engine.connect() as conn:
        return _stored(conn), _read(conn)


def test_head_stores_integer_microseconds_on_sqlite_and_timestamptz_on_postgresql(
    engine: Engine, at_head: tuple[dict[Column, list[Any]], dict[Column, list[datetime | None]]]
) -> None:
    stored, read = at_head
    values = [(v, r) for k in stored for v, r in zip(stored[k], read[k], strict=True) if r]
    assert len(values) >= 20  # comments, actions, outbox, keys and the endpoint's six
    if engine.dialect.name == "sqlite":
        assert all(type(v) is int and v == microseconds(r) for v, r in values)
    else:
        assert all(isinstance(v, datetime) and v == r for v, r in values)
    assert all(r.tzinfo is UTC for _, r in values)
    assert NOW in read[("webhook_endpoints", "created_at")]
    assert read[("webhook_endpoints", "lease_until")] == [
        datetime(1969, 12, 31, 23, 59, 59, 999999, tzinfo=UTC)
    ]


def test_downgrade_writes_the_text_of_before_and_upgrade_the_same_integers_again(
    engine: Engine, at_head: tuple[dict[Column, list[Any]], dict[Column, list[datetime | None]]]
) -> None:
    stored, read = at_head
    with connection_at(engine, BEFORE) as conn:
        before = _stored(conn)
        migrate(conn, REVISION)
        upgraded = _stored(conn)
        migrate(conn, BEFORE, down=True)
        downgraded_again = _stored(conn)

    if engine.dialect.name == "sqlite":
        assert before == {k: [_AS_WRITTEN(r) for r in read[k]] for k in read}
    else:
        assert before == stored  # PostgreSQL: nothing to convert either way
    assert upgraded == stored
    assert downgraded_again == before


_ENDPOINT = """INSERT INTO webhook_endpoints (id, site_id, url, events, secret, created_by,
 created_at, retry_at, consecutive_failures) VALUES (:id, 'news-site', 'http://127.0.0.1:9/h',
 '[]', 'whsec_x', 'test', :created_at, :retry_at, 0)"""


@pytest.fixture
def before_0018(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0018 (left at head again afterwards)."""
    with connection_at(engine, BEFORE, ("webhook_endpoints",)) as conn:
        yield conn


def test_text_in_another_shape_is_read_as_the_release_before_read_it(
    before_0018: Connection,
) -> None:
    if before_0018.dialect.name != "sqlite":
        pytest.skip("PostgreSQL parses a timestamp when it is written: nothing to convert")
    rows: list[dict[str, str | None]] = [
        {"id": "e1", "created_at": "2026-01-01", "retry_at": "2026-01-01T10:00:00.5+02:00"},
        {"id": "e2", "created_at": "2026-02-30 00:00:00.000000", "retry_at": None},
    ]
    before_0018.execute(text(_ENDPOINT), rows)

    # Not a date (strftime would have moved it to March): the upgrade stops and names the row.
    stops = pytest.raises(RuntimeError, match=r"webhook_endpoints\.created_at of row 2")
    with stops, before_0018.begin_nested():
        migrate(before_0018, REVISION)
    before_0018.execute(text("DELETE FROM webhook_endpoints WHERE id = 'e2'"))
    migrate(before_0018, REVISION)

    first = before_0018.execute(
        select(column("created_at", UTCDateTime()), column("retry_at", UTCDateTime())).select_from(
            table("webhook_endpoints")
        )
    ).one()
    assert tuple(first) == (
        datetime(2026, 1, 1, tzinfo=UTC),
        datetime(2026, 1, 1, 8, 0, 0, 500000, tzinfo=UTC),
    )


def test_the_list_of_columns_is_every_timestamp_of_the_schema(engine: Engine) -> None:
    with connection_at(engine, BEFORE) as conn:
        migrate(conn, REVISION)
        schema = inspect(conn)
        timestamps = {
            (name, c["name"])
            for name in schema.get_table_names()
            for c in schema.get_columns(name)
            if "DATETIME" in str(c["type"]) or "TIMESTAMP" in str(c["type"])
        }
    assert timestamps == {(name, c) for name, columns in TIMESTAMPS.items() for c in columns}
