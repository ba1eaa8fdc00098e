"""author keys: the normalised author id bans and the repeat-post rule compare

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-29 23:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.identity import author_key

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BATCH = 1000


def upgrade() -> None:
    for table in ("comments", "author_policies"):
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("author_key", sa.String(length=64), nullable=True))
        _backfill(table)
        with op.batch_alter_table(table) as batch_op:
            batch_op.alter_column("author_key", existing_type=sa.String(64), nullable=False)
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_index("ix_comments_author_body")
        batch_op.create_index(
            "ix_comments_author_key_body", ["author_key", "body_sha256"], unique=False
        )
    with op.batch_alter_table("author_policies") as batch_op:
        batch_op.create_index(
            "ix_author_policies_site_key", ["site_id", "author_key"], unique=False
        )
    _restore_risk_index()


def _restore_risk_index() -> None:
    """SQLite's batch mode rebuilt ``comments`` from reflection, which cannot see an index on
    an expression: make the risk-order index of 0004 again."""
    if op.get_bind().dialect.name != "sqlite":
        return
    op.execute("DROP INDEX IF EXISTS ix_comments_status_risk")
    op.create_index(
        "ix_comments_status_risk", "comments", ["status", sa.text("coalesce(risk, 2.0)"), "id"]
    )


def _backfill(table: str) -> None:
    """One key per distinct author id (computed in Python: it needs Unicode tables SQL lacks)."""
    connection = op.get_bind()
    ids = [row[0] for row in connection.execute(sa.text(f"SELECT DISTINCT author_id FROM {table}"))]  # noqa: S608 (table names are ours)
    update = sa.text(f"UPDATE {table} SET author_key = :key WHERE author_id = :id")  # noqa: S608
    for start in range(0, len(ids), _BATCH):
        chunk = ids[start : start + _BATCH]
        connection.execute(update, [{"key": author_key(i), "id": i} for i in chunk])


def downgrade() -> None:
    with op.batch_alter_table("author_policies") as batch_op:
        batch_op.drop_index("ix_author_policies_site_key")
        batch_op.drop_column("author_key")
    with op.batch_alter_table("comments") as batch_op:
        batch_op.drop_index("ix_comments_author_key_body")
        batch_op.create_index("ix_comments_author_body", ["author_id", "body_sha256"], unique=False)
        batch_op.drop_column("author_key")
