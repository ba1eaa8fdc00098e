"""statements of reasons and appeals (EU Digital Services Act, art. 17 and 20)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 05:30:00

Comments and moderation actions get a ``statement`` (code, explanation, automated) while a
rejection stands; appeals get their own table. Comments rejected before this revision are given
the statement their latest rejecting action implies, so every rejection a site reads has one.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

from service.domain import Status
from service.domain.changes import Decider, decision_statement

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
Time = sa.DateTime(timezone=True)
Json = sa.JSON(none_as_null=True)
CHUNK = 500


def upgrade() -> None:
    # Plain ADD COLUMN (nullable): no batch copy of the two largest tables on SQLite.
    op.add_column("comments", sa.Column("statement", Json, nullable=True))
    op.add_column("moderation_actions", sa.Column("statement", Json, nullable=True))
    op.create_table(
        "appeals",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("comment_id", sa.String(length=36), nullable=False),
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("filed_by", sa.String(length=200), nullable=False),
        sa.Column("filed_at", Time, nullable=False),
        sa.Column("original_action_id", BigId, nullable=False),
        sa.Column("decided_by", sa.String(length=200), nullable=True),
        sa.Column("decided_at", Time, nullable=True),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name=op.f("fk_appeals_comment_id_comments")
        ),
        sa.ForeignKeyConstraint(
            ["original_action_id"],
            ["moderation_actions.id"],
            name=op.f("fk_appeals_original_action_id_moderation_actions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    op.create_index(
        "uq_appeals_open_comment",
        "appeals",
        ["comment_id"],
        unique=True,
        sqlite_where=sa.text("status = 'open'"),
        postgresql_where=sa.text("status = 'open'"),
    )
    op.create_index("ix_appeals_status_id", "appeals", ["status", "id"])
    op.create_index("ix_appeals_comment", "appeals", ["comment_id", "id"])
    _backfill(op.get_bind())


def downgrade() -> None:
    op.drop_index("ix_appeals_comment", table_name="appeals")
    op.drop_index("ix_appeals_status_id", table_name="appeals")
    op.drop_index("uq_appeals_open_comment", table_name="appeals")
    op.drop_table("appeals")
    # Plain DROP COLUMN (SQLite >= 3.35 has it): a batch copy of comments would have to drop a
    # table other rows reference, which SQLite's foreign keys refuse once there is data.
    op.drop_column("moderation_actions", "statement")
    op.drop_column("comments", "statement")


_comments = sa.table(
    "comments",
    sa.column("id", sa.String),
    sa.column("status", sa.String),
    sa.column("reasons", sa.JSON),
    sa.column("statement", Json),
)
_actions = sa.table(
    "moderation_actions",
    sa.column("id", sa.Integer),
    sa.column("comment_id", sa.String),
    sa.column("to_status", sa.String),
    sa.column("actor", sa.String),
    sa.column("model_version", sa.String),
)


def _backfill(bind: sa.Connection) -> None:
    """Give every standing rejection the statement its latest rejecting action implies."""
    for chunk in _rejected_chunks(bind):
        updates = [_statement_row(bind, row) for row in chunk]
        bind.execute(
            _comments.update()
            .where(_comments.c.id == sa.bindparam("b_id"))
            .values(statement=sa.bindparam("b_statement")),
            updates,
        )


def _rejected_chunks(bind: sa.Connection) -> Iterator[list[Any]]:
    rejected = [Status.REJECTED.value, Status.SPAM.value]
    after = ""
    while True:
        rows = bind.execute(
            sa.select(_comments.c.id, _comments.c.status, _comments.c.reasons)
            .where(_comments.c.status.in_(rejected), _comments.c.id > after)
            .order_by(_comments.c.id)
            .limit(CHUNK)
        ).all()
        if not rows:
            return
        yield list(rows)
        after = rows[-1].id


def _statement_row(bind: sa.Connection, row: Any) -> dict[str, Any]:
    action = bind.execute(
        sa.select(_actions.c.actor, _actions.c.model_version)
        .where(_actions.c.comment_id == row.id, _actions.c.to_status == row.status)
        .order_by(_actions.c.id.desc())
        .limit(1)
    ).first()
    if action is not None and action.actor is not None:
        decider, model_version = Decider.MODERATOR, None
    else:
        model_version = action.model_version if action is not None else None
        decider = Decider.MODEL if model_version else Decider.SYSTEM
    statement = decision_statement(Status(row.status), row.reasons or [], decider, model_version)
    return {"b_id": row.id, "b_statement": statement.as_json() if statement else None}
