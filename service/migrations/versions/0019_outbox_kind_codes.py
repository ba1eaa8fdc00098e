"""outbox kinds as numbers

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-30 12:00:00

Issue 10. Every outbox row kept its kind as text ("comment.entered_queue", ~17 characters, two
or three rows per comment); it becomes the kind's fixed number (service/domain/stored_events.py,
``KIND_CODES``), one byte or none on SQLite, in a column renamed ``kind_code``: a process of the
release before fails on the table (an error, retried) rather than write text there or read a
number as a kind. What sites receive does not change.

One UPDATE maps every row; a kind without a number (none: every one came from the EventType
enum) stops the upgrade with its row id, before anything is changed. The downgrade writes the
texts back.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from service.domain import stored_events

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

_TEXT, _CODE = "kind", "kind_code"


def upgrade() -> None:
    _refuse_unknown_kinds()
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column(_CODE, sa.SmallInteger(), nullable=True))
    _fill(_CODE, _case(_TEXT, dict(stored_events.KIND_CODES)))
    _replace(_TEXT, _CODE, sa.SmallInteger())


def downgrade() -> None:
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.add_column(sa.Column(_TEXT, sa.String(length=32), nullable=True))
    _fill(_TEXT, _case(_CODE, {code: kind for kind, code in stored_events.KIND_CODES.items()}))
    _replace(_CODE, _TEXT, sa.String(length=32))


def _refuse_unknown_kinds() -> None:
    outbox = sa.table("outbox", sa.column("id", sa.BigInteger), sa.column(_TEXT, sa.String))
    unknown = (
        op.get_bind()
        .execute(
            sa.select(outbox.c.id, outbox.c[_TEXT])
            .where(outbox.c[_TEXT].not_in(list(stored_events.KIND_CODES)))
            .order_by(outbox.c.id)
            .limit(1)
        )
        .first()
    )
    if unknown is not None:
        raise RuntimeError(
            f"outbox row {unknown.id}: no stored number for the event kind {unknown[1]!r}; "
            "nothing was changed"
        )


def _case(source: str, mapping: dict[str, int] | dict[int, str]) -> sa.Case[Any]:
    column: sa.ColumnClause[Any] = sa.column(source)
    return sa.case(*((column == key, sa.literal(value)) for key, value in mapping.items()))


def _fill(target: str, value: sa.Case[Any]) -> None:
    outbox = sa.table("outbox", sa.column(target))
    op.get_bind().execute(sa.update(outbox).values({target: value}))


def _replace(old: str, new: str, new_type: sa.types.TypeEngine[Any]) -> None:
    # SQLite rebuilds the table here; the partial index is made again by hand, so its WHERE
    # clause does not depend on how the rebuild reflects it (as in 0017).
    op.drop_index("ix_outbox_unsequenced", table_name="outbox")
    with _deliveries_set_aside(), op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column(old)
        batch_op.alter_column(new, existing_type=new_type, nullable=False)
    op.create_index(
        "ix_outbox_unsequenced",
        "outbox",
        ["id"],
        postgresql_where=sa.text("seq IS NULL"),
        sqlite_where=sa.text("seq IS NULL"),
    )


@contextlib.contextmanager
def _deliveries_set_aside() -> Iterator[None]:
    """On SQLite, keep webhook deliveries aside while ``outbox`` is rebuilt (as in 0017).

    Dropping the old table would orphan their foreign keys, which SQLite refuses inside the
    migration's transaction (where ``PRAGMA foreign_keys`` cannot be turned off). PostgreSQL
    alters the table in place and needs none of this.
    """
    connection = op.get_bind()
    if connection.dialect.name != "sqlite":
        yield
        return
    connection.exec_driver_sql(
        "CREATE TEMP TABLE deliveries_0019 AS SELECT * FROM webhook_deliveries"
    )
    connection.exec_driver_sql("DELETE FROM webhook_deliveries")
    yield
    connection.exec_driver_sql("INSERT INTO webhook_deliveries SELECT * FROM deliveries_0019")
    connection.exec_driver_sql("DROP TABLE deliveries_0019")
