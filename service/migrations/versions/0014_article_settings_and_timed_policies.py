"""article settings, timed author policies, and an index for an author's recent comments

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-30 05:30:00

Issue 12. ``article_settings`` holds what a site or its moderators set for one article
(premoderate, premoderate links, closed); an article without a row takes the defaults.
``author_policies.expires_at`` lets a policy end on its own (a suspension always does): readers
compare it with now, so nothing runs when it passes. The comments index serves the first-comments
count and the recent-history trigger, which each read a bounded slice of one author's comments.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "article_settings",
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("article_id", sa.String(length=200), nullable=False),
        sa.Column("premoderate", sa.Boolean(), nullable=False),
        sa.Column("premoderate_links", sa.Boolean(), nullable=False),
        sa.Column("closed", sa.Boolean(), nullable=False),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "article_id", name=op.f("pk_article_settings")),
    )
    with op.batch_alter_table("author_policies") as batch_op:
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
    # ``id`` last: the first comments are ordered (created_at, id), and an index in that order
    # lets each author's LIMIT stop after N rows instead of sorting all of them.
    op.create_index(
        "ix_comments_site_author_created",
        "comments",
        ["site_id", "author_key", "created_at", "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_comments_site_author_created", table_name="comments")
    with op.batch_alter_table("author_policies") as batch_op:
        batch_op.drop_column("expires_at")
    op.drop_table("article_settings")
