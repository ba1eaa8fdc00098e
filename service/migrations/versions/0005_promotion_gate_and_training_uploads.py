"""promotion gate: the reason of a forced promotion; labelled files uploaded for training

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-29 23:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("model_alias_events", sa.Column("reason", sa.Text(), nullable=True))
    op.create_table(
        "training_uploads",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(length=200), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_training_uploads")),
    )


def downgrade() -> None:
    op.drop_table("training_uploads")
    op.drop_column("model_alias_events", "reason")
