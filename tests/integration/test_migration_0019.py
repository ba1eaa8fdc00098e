"""Migration 0019 stores outbox kinds as their numbers, and the downgrade gives the rows back
exactly; what sites receive is the same before and after (issue 10)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from service.domain import stored_events
from service.domain.changes import OutboxEvent
from service.models import OutboxRow
from service.store import outbox
from tests.migrations import connection_at, migrate
from tests.outbox_events import every_kind

REVISION = "0019"
BEFORE = "0019-1"  # whatever 0019 follows once merged
_EVENT = """INSERT INTO outbox (event_id, site_id, kind, comment_id, packed, created_at, seq)
 VALUES (:event_id, :site_id, :kind, :comment_id, :packed, :created_at, :seq)"""
_ENDPOINT = """INSERT INTO webhook_endpoints (id, site_id, url, events, secret, created_by,
 created_at, consecutive_failures) VALUES ('e1', 'news-site', 'http://127.0.0.1:9/h', '[]',
 'whsec_x', 'test', '2026-01-01', 0)"""
_DELIVERY = """INSERT INTO webhook_deliveries (endpoint_id, outbox_id, seq, comment_id, status,
 attempts, next_attempt_at, created_at) SELECT 'e1', id, seq, comment_id, 'pending', 0,
 '2026-01-01', '2026-01-01' FROM outbox WHERE seq IS NOT NULL"""
_COLUMNS = "id, event_id, site_id, comment_id, packed, created_at, seq"


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0019 (left at head again afterwards)."""
    with connection_at(
        engine, BEFORE, ("webhook_deliveries", "webhook_endpoints", "outbox")
    ) as conn:
        yield conn


def _rows_before(events: list[OutboxEvent]) -> list[dict[str, Any]]:
    return [
        {
            "event_id": stored_events.id_bytes(e.event_id),
            "site_id": e.site_id,
            "kind": e.type.value,
            "comment_id": e.comment_id,
            "packed": json.dumps(stored_events.pack(e.type.value, e.comment_id, e.data)),
            "created_at": e.created_at.isoformat(),
            "seq": n if n % 5 else None,  # some still wait for their number
        }
        for n, e in enumerate(events, start=1)
    ]


def _stored(conn: Connection, kind: str) -> list[tuple[Any, ...]]:
    rows = conn.execute(text(f"SELECT {kind}, {_COLUMNS} FROM outbox ORDER BY id")).all()  # noqa: S608
    return [(k, i, bytes(e), s, c, _json(p), str(t), q) for k, i, e, s, c, p, t, q in rows]


def _json(value: Any) -> str:
    # A JSON column read through text() is a str on SQLite and already decoded by psycopg.
    return json.dumps(json.loads(value) if isinstance(value, str) else value)


def _as_sites_read_them(conn: Connection) -> list[tuple[str, str, str]]:
    """Every row through the store's reader: id, kind and the payload's JSON, in order."""
    with Session(bind=conn) as session:
        events = [outbox.to_event(row) for row in session.query(OutboxRow).order_by(OutboxRow.id)]
    return [(e.event_id, e.type.value, json.dumps(dict(e.data))) for e in events]


def test_upgrade_numbers_the_kinds_and_downgrade_gives_them_back(connection: Connection) -> None:
    events = every_kind()
    before = _rows_before(events)
    connection.execute(text(_EVENT), before)
    connection.execute(text(_ENDPOINT))
    connection.execute(text(_DELIVERY))
    stored_before = _stored(connection, "kind")
    deliveries = connection.execute(
        text("SELECT id, outbox_id, seq FROM webhook_deliveries ORDER BY id")
    ).all()

    migrate(connection, REVISION)
    numbered = _stored(connection, "kind_code")
    read = _as_sites_read_them(connection)
    with pytest.raises(DBAPIError), connection.begin_nested():
        # What a process of the release before reads: it fails rather than misread a number.
        connection.execute(text("SELECT kind FROM outbox"))
    migrate(connection, BEFORE, down=True)
    restored = _stored(connection, "kind")

    assert [r[0] for r in numbered] == [stored_events.KIND_CODES[r["kind"]] for r in before]
    assert [r[1:] for r in numbered] == [r[1:] for r in stored_before]
    assert read == [(e.event_id, e.type.value, json.dumps(dict(e.data))) for e in events]
    assert restored == stored_before
    after = connection.execute(
        text("SELECT id, outbox_id, seq FROM webhook_deliveries ORDER BY id")
    ).all()
    assert after == deliveries
    assert _unsequenced_index(connection)


def test_a_kind_without_a_number_stops_the_upgrade(connection: Connection) -> None:
    row = {**_rows_before(every_kind())[0], "kind": "comment.liked"}
    connection.execute(text(_EVENT), [row])

    with pytest.raises(RuntimeError, match=r"comment\.liked"), connection.begin_nested():
        migrate(connection, REVISION)
    assert connection.execute(text("SELECT kind FROM outbox")).scalars().all() == ["comment.liked"]


def _unsequenced_index(conn: Connection) -> bool:
    (index,) = [
        i for i in inspect(conn).get_indexes("outbox") if i["name"] == "ix_outbox_unsequenced"
    ]
    if conn.dialect.name == "sqlite":
        sql = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = 'ix_outbox_unsequenced'")
        ).scalar()
        return "seq IS NULL" in str(sql)
    return "seq IS NULL" in str(index.get("dialect_options", {}).get("postgresql_where"))
