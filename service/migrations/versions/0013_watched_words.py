"""watched words: per-site banned and suspect words and phrases

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-30 05:20:00

``watch_lists`` holds one row per site with a list (its version, bumped by every change);
``watched_words`` the entries, unique per site by the words they fold to.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "watch_lists",
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("updated_by", sa.String(length=200), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site_id", name=op.f("pk_watch_lists")),
    )
    op.create_table(
        "watched_words",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("phrase", sa.String(length=400), nullable=False),
        sa.Column("folded", sa.String(length=1200), nullable=False),
        sa.Column("added_by", sa.String(length=200), nullable=False),
        sa.Column("added_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["site_id"],
            ["watch_lists.site_id"],
            name=op.f("fk_watched_words_site_id_watch_lists"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watched_words")),
        sa.UniqueConstraint("site_id", "folded", name=op.f("uq_watched_words_site_id_folded")),
    )


def downgrade() -> None:
    op.drop_table("watched_words")
    op.drop_table("watch_lists")
