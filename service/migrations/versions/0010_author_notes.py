"""author notes: moderators' private notes on an author of a site

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-30 03:00:00

Notes are personal data about the author: the GDPR export lists them and an erasure deletes them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "author_notes",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("author_id", sa.String(length=200), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("written_by", sa.String(length=200), nullable=False),
        sa.Column("written_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_author_notes")),
    )
    op.create_index("ix_author_notes_author", "author_notes", ["site_id", "author_id", "id"])


def downgrade() -> None:
    op.drop_index("ix_author_notes_author", table_name="author_notes")
    op.drop_table("author_notes")
