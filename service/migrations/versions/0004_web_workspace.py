"""web workspace: users, sessions, author policies, decision batches, risk index

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-29 13:29:02.895336
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "author_policies",
        sa.Column("site_id", sa.String(length=100), nullable=False),
        sa.Column("author_id", sa.String(length=200), nullable=False),
        sa.Column("policy", sa.String(length=16), nullable=False),
        sa.Column("trust_threshold", sa.Float(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("set_by", sa.String(length=200), nullable=False),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("site_id", "author_id", name=op.f("pk_author_policies")),
    )
    op.create_table(
        "users",
        sa.Column("id", BigId, autoincrement=True, nullable=False),
        sa.Column("username", sa.String(length=100), nullable=False),
        sa.Column("password_hash", sa.String(length=255), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
        sa.UniqueConstraint("username", name=op.f("uq_users_username")),
    )
    op.create_table(
        "web_sessions",
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", BigId, nullable=False),
        sa.Column("csrf_token", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_web_sessions_user_id_users")
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_web_sessions")),
    )
    op.create_index("ix_web_sessions_expires", "web_sessions", ["expires_at"])
    # Plain ADD COLUMN and CREATE INDEX on every backend: no batch copy of the moderation log.
    op.add_column("moderation_actions", sa.Column("batch_id", sa.String(length=36), nullable=True))
    op.create_index("ix_actions_batch", "moderation_actions", ["batch_id"])
    # The risk sort orders by coalesce(risk, 2.0); an index on that expression serves it.
    op.create_index(
        "ix_comments_status_risk",
        "comments",
        ["status", sa.text("coalesce(risk, 2.0)"), "id"],
    )


def downgrade() -> None:
    op.drop_index("ix_comments_status_risk", table_name="comments")
    op.drop_index("ix_actions_batch", table_name="moderation_actions")
    op.drop_column("moderation_actions", "batch_id")
    op.drop_index("ix_web_sessions_expires", table_name="web_sessions")
    op.drop_table("web_sessions")
    op.drop_table("users")
    op.drop_table("author_policies")
