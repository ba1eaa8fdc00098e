"""compact outbox: event ids as 16 bytes, payloads packed

Revision ID: 0017
Revises: 0014
Create Date: 2026-11-30 09:00:00

Issue 10. The outbox kept every event id as the 36 characters "evt_<32 hex>" (in the row and
again in its unique index) and every payload whole, the comment's id included though the row
has it. ``event_id`` becomes the 16 bytes of the hex and payloads are packed by
service/domain/stored_events.py, which gives back the same JSON, member for member, so what
sites receive does not change for any event, stored before or after this revision. The payload
column becomes ``packed``: a process of the release before fails on the table (an error, retried)
rather than sending a packed payload to a site as it is.

Rows are rewritten in Python, in id order and in batches; an event id that is not
"evt_<32 hex>" (none is: every one came from uuid4) stops the upgrade with its row id rather
than lose it. The downgrade unpacks every payload and writes the ids as text again.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from service.domain import stored_events

revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None

_BATCH = 1000

# The payload column is renamed too (``payload`` whole, ``packed`` packed), so a process of the
# other release fails on the table instead of reading a payload in a shape it does not know.
_WHOLE, _PACKED = "payload", "packed"


def _outbox(payload: str) -> sa.TableClause:
    return sa.table(
        "outbox",
        sa.column("id", sa.BigInteger),
        # Text before the upgrade, bytes before the downgrade: both read back as stored.
        sa.column("event_id"),
        sa.column("new_event_id"),
        sa.column("kind", sa.String),
        sa.column("comment_id", sa.String),
        sa.column(payload, sa.JSON),
    )


def upgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("new_event_id", sa.LargeBinary(length=16), nullable=True))
    _rewrite(_packed, _WHOLE, sa.LargeBinary(length=16))
    _replace_event_id(sa.LargeBinary(length=16), _WHOLE, _PACKED)


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column("new_event_id", sa.String(length=36), nullable=True))
    _rewrite(_unpacked, _PACKED, sa.String(length=36))
    _replace_event_id(sa.String(length=36), _PACKED, _WHOLE)


def _packed(row: Any) -> dict[str, Any]:
    try:
        event_id = stored_events.id_bytes(row.event_id)
    except ValueError as error:
        raise RuntimeError(f"outbox row {row.id}: {error}; nothing was changed") from error
    return {
        "b_event_id": event_id,
        "b_payload": stored_events.pack(row.kind, row.comment_id, row.payload or {}),
    }


def _unpacked(row: Any) -> dict[str, Any]:
    return {
        "b_event_id": stored_events.id_text(row.event_id),
        "b_payload": stored_events.unpack(row.kind, row.comment_id, row.payload or {}),
    }


def _rewrite(
    convert: Callable[[Any], dict[str, Any]], payload: str, type_: sa.types.TypeEngine[Any]
) -> None:
    """Fill ``new_event_id`` and rewrite the payload of every row, a batch of ids at a time."""
    connection = op.get_bind()
    table = _outbox(payload)
    columns = [table.c.id, table.c.event_id, table.c.kind, table.c.comment_id]
    statement = (
        sa.update(table)
        .where(table.c.id == sa.bindparam("b_id"))
        .values(
            {
                "new_event_id": sa.bindparam("b_event_id", type_=type_),
                payload: sa.bindparam("b_payload", type_=sa.JSON),
            }
        )
    )
    last = -1
    while True:
        rows = connection.execute(
            sa.select(*columns, table.c[payload].label("payload"))
            .where(table.c.id > last)
            .order_by(table.c.id)
            .limit(_BATCH)
        ).all()
        if not rows:
            return
        connection.execute(statement, [{"b_id": row.id, **convert(row)} for row in rows])
        last = rows[-1].id


def _replace_event_id(type_: sa.types.TypeEngine[Any], payload: str, renamed: str) -> None:
    # SQLite rebuilds the table here; the partial index is made again by hand, so its WHERE
    # clause does not depend on how the rebuild reflects it.
    op.drop_index("ix_outbox_unsequenced", table_name="outbox")
    with _deliveries_set_aside():
        _swap_columns(type_, payload, renamed)
    op.create_index(
        "ix_outbox_unsequenced",
        "outbox",
        ["id"],
        postgresql_where=sa.text("seq IS NULL"),
        sqlite_where=sa.text("seq IS NULL"),
    )


@contextlib.contextmanager
def _deliveries_set_aside() -> Iterator[None]:
    """On SQLite, keep webhook deliveries aside while ``outbox`` is rebuilt.

    Dropping the old table would orphan their foreign keys, which SQLite refuses inside the
    migration's transaction (where ``PRAGMA foreign_keys`` cannot be turned off). PostgreSQL
    alters the table in place and needs none of this.
    """
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql(
        "CREATE TEMP TABLE deliveries_0017 AS SELECT * FROM webhook_deliveries"
    )
    connection.exec_driver_sql("DELETE FROM webhook_deliveries")
    yield
    connection.exec_driver_sql("INSERT INTO webhook_deliveries SELECT * FROM deliveries_0017")
    connection.exec_driver_sql("DROP TABLE deliveries_0017")


def _swap_columns(type_: sa.types.TypeEngine[Any], payload: str, renamed: str) -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.alter_column(payload, new_column_name=renamed, existing_type=sa.JSON())
        batch_op.drop_constraint("uq_outbox_event_id", type_="unique")
        batch_op.drop_column("event_id")
        # Made on the new column before its rename: SQLite's rebuild loses a constraint named
        # on the renamed column in the same batch.
        batch_op.create_unique_constraint("uq_outbox_event_id", ["new_event_id"])
        batch_op.alter_column(
            "new_event_id", new_column_name="event_id", existing_type=type_, nullable=False
        )
