"""model artifacts in the database: the bytes of each registered artifact, keyed by sha256

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 12:00:00

Versions registered before this revision keep their ``artifact_path`` (a file on the host that
registered them); ``commentdesk migrate`` copies every such file still present into this table,
and workers fall back to the path while a version's bytes are missing here.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_artifacts",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_model_artifacts")),
    )


def downgrade() -> None:
    op.drop_table("model_artifacts")
