"""Migration 0017 stores event ids as 16 bytes and packs payloads, and the downgrade gives the
rows back exactly; what sites receive is the same before, after and in between (issue 10)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from service.domain.changes import OutboxEvent
from service.models import OutboxRow
from service.store import outbox
from tests.migrations import connection_at, migrate
from tests.outbox_events import every_kind

REVISION = "0017"
BEFORE = "0017-1"  # whatever 0017 follows once merged
_EVENT = """INSERT INTO outbox (event_id, site_id, kind, comment_id, payload, created_at, seq)
 VALUES (:event_id, :site_id, :kind, :comment_id, :payload, :created_at, :seq)"""
_ENDPOINT = """INSERT INTO webhook_endpoints (id, site_id, url, events, secret, created_by,
 created_at, consecutive_failures) VALUES ('e1', 'news-site', 'http://127.0.0.1:9/h', '[]',
 'whsec_x', 'test', '2026-01-01', 0)"""
_DELIVERY = """INSERT INTO webhook_deliveries (endpoint_id, outbox_id, seq, comment_id, status,
 attempts, next_attempt_at, created_at) SELECT 'e1', id, seq, comment_id, 'pending', 0,
 '2026-01-01', '2026-01-01' FROM outbox WHERE seq IS NOT NULL"""
# A payload packing would not give back (a comment without parent_id): kept whole.
_ODD = {"comment": {"id": "c-odd", "article_id": "a", "status": "approved"}, "reasons": []}


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0017 (left at head again afterwards)."""
    with connection_at(
        engine, BEFORE, ("webhook_deliveries", "webhook_endpoints", "outbox")
    ) as conn:
        yield conn


def _rows_before() -> list[dict[str, Any]]:
    events = every_kind()
    rows = [
        {
            "event_id": e.event_id,
            "site_id": e.site_id,
            "kind": e.type.value,
            "comment_id": e.comment_id,
            "payload": json.dumps(dict(e.data)),  # as before 0017: whole, spaces and all
            "created_at": e.created_at.isoformat(),
            "seq": n if n % 5 else None,  # some still wait for their number
        }
        for n, e in enumerate(events, start=1)
    ]
    odd = {**rows[0], "event_id": "evt_" + "f" * 32, "payload": json.dumps(_ODD)}
    return [*rows, {**odd, "kind": "comment.decided", "comment_id": "c-odd", "seq": 99}]


_SELECT = {  # the payload column is "payload" before 0017, "packed" after
    "payload": "SELECT id, event_id, kind, comment_id, payload, seq FROM outbox ORDER BY id",
    "packed": "SELECT id, event_id, kind, comment_id, packed, seq FROM outbox ORDER BY id",
}


def _stored(conn: Connection, payload: str = "payload") -> list[tuple[Any, ...]]:
    rows = conn.execute(text(_SELECT[payload])).all()
    return [(i, e, k, c, _json(p), s) for i, e, k, c, p, s in rows]


def _json(value: Any) -> Any:
    # A JSON column read through text() is a str on SQLite and already decoded by psycopg.
    return json.loads(value) if isinstance(value, str) else value


def _as_sites_read_them(conn: Connection) -> list[tuple[str, str]]:
    """Every row through the store's reader: the event id and the payload's JSON, in order."""
    # The columns as 0017 left them (0019 renames ``kind``), read into the model's rows.
    columns = "event_id, site_id, kind, comment_id, packed, created_at"
    rows = conn.execute(text(f"SELECT {columns} FROM outbox ORDER BY id")).all()  # noqa: S608
    events: list[OutboxEvent] = [
        outbox.to_event(
            OutboxRow(
                event_id=bytes(r.event_id),
                site_id=r.site_id,
                kind=r.kind,
                comment_id=r.comment_id,
                packed=_json(r.packed),
                created_at=r.created_at,
            )
        )
        for r in rows
    ]
    return [(e.event_id, json.dumps(dict(e.data))) for e in events]


def test_upgrade_packs_the_outbox_and_downgrade_gives_it_back(connection: Connection) -> None:
    before = _rows_before()
    connection.execute(text(_EVENT), before)
    connection.execute(text(_ENDPOINT))
    connection.execute(text(_DELIVERY))
    stored_before = _stored(connection)
    deliveries = connection.execute(
        text("SELECT id, outbox_id, seq FROM webhook_deliveries ORDER BY id")
    ).all()

    migrate(connection, REVISION)
    packed = _stored(connection, "packed")
    read = _as_sites_read_them(connection)
    with pytest.raises(DBAPIError), connection.begin_nested():
        # What a process of the release before reads: it fails rather than send packed JSON.
        connection.execute(text("SELECT event_id, payload FROM outbox"))
    migrate(connection, BEFORE, down=True)
    restored = _stored(connection)

    assert read == [(r["event_id"], json.dumps(json.loads(r["payload"]))) for r in before]
    for (*_, event_id, _k, _c, payload, _s), row in zip(packed, before, strict=True):
        assert bytes(event_id) == bytes.fromhex(row["event_id"][4:])
        if row["comment_id"] not in (None, "c-odd"):
            assert "id" not in payload["comment"]
    assert packed[-1][4] == _ODD
    # Every member back, in its order (json.dumps keeps it), and the ids and numbers.
    assert [(*r[:4], json.dumps(r[4]), r[5]) for r in restored] == [
        (*r[:4], json.dumps(r[4]), r[5]) for r in stored_before
    ]
    after = connection.execute(
        text("SELECT id, outbox_id, seq FROM webhook_deliveries ORDER BY id")
    ).all()
    assert after == deliveries
    assert _unsequenced_index(connection)


def test_an_event_id_that_is_not_evt_hex_stops_the_upgrade(connection: Connection) -> None:
    row = {**_rows_before()[0], "event_id": "evt_made-up"}
    connection.execute(text(_EVENT), [row])

    with pytest.raises(RuntimeError, match="evt_made-up"), connection.begin_nested():
        migrate(connection, REVISION)


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
