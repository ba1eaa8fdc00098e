"""report weights: each report's state, how each site's reporters were judged, and an index of
the top-level comments not shown (the listing keeps their place above published replies)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-30 05:30:00

Reports already stored start ``open`` and every reporter starts unjudged (weight 1): the old
decisions never said which reports they upheld, so none is guessed.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


# ix_comments_hidden_roots: top-level comments not shown (service/store/threads.py).
HIDDEN_ROOT = sa.text("parent_id IS NULL AND status != 'approved'")


def upgrade() -> None:
    op.add_column(
        "reports",
        sa.Column("state", sa.String(length=16), server_default="open", nullable=False),
    )
    op.add_column("reports", sa.Column("resolved_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("reports", sa.Column("resolved_batch_id", sa.String(length=36), nullable=True))
    op.create_index("ix_reports_resolved_batch", "reports", ["resolved_batch_id"])
    op.create_table(
        "reporters",
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("reporter_id", sa.String(length=200), nullable=False),
        sa.Column("upheld", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.Column("dismissed", sa.Integer(), server_default=sa.text("0"), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "reporter_id", name=op.f("pk_reporters")),
    )
    op.create_index(
        "ix_comments_hidden_roots",
        "comments",
        ["article_id", "created_at", "id"],
        sqlite_where=HIDDEN_ROOT,
        postgresql_where=HIDDEN_ROOT,
    )


def downgrade() -> None:
    op.drop_index("ix_comments_hidden_roots", table_name="comments")
    op.drop_table("reporters")
    op.drop_index("ix_reports_resolved_batch", table_name="reports")
    # SQLite >= 3.35 drops columns in place (as 0002's downgrade does).
    op.drop_column("reports", "resolved_batch_id")
    op.drop_column("reports", "resolved_at")
    op.drop_column("reports", "state")
