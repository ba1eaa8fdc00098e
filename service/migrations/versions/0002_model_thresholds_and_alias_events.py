"""model thresholds and alias events

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29 12:22:17.721017
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "model_alias_events",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            autoincrement=True,
            nullable=False,
        ),
        sa.Column("alias", sa.String(length=32), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("version_id", sa.String(length=80), nullable=True),
        sa.Column("previous_version_id", sa.String(length=80), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["previous_version_id"],
            ["model_versions.id"],
            name=op.f("fk_model_alias_events_previous_version_id_model_versions"),
        ),
        sa.ForeignKeyConstraint(
            ["version_id"],
            ["model_versions.id"],
            name=op.f("fk_model_alias_events_version_id_model_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_model_alias_events")),
    )
    with op.batch_alter_table("model_alias_events", schema=None) as batch_op:
        batch_op.create_index("ix_model_alias_events_alias", ["alias", "id"], unique=False)

    # A plain ADD COLUMN on every backend: SQLite's batch mode would copy model_versions, which
    # aliases reference, and its foreign-key check refuses to drop the original.
    op.add_column(
        "model_versions",
        sa.Column("thresholds", sa.JSON(), server_default=sa.text("'{}'"), nullable=False),
    )

    # Aliases set before this revision start the history, so a rollback has a place to go.
    op.execute(
        "INSERT INTO model_alias_events (alias, kind, version_id, previous_version_id, actor, "
        "created_at) SELECT name, 'set', version_id, NULL, NULL, updated_at FROM model_aliases"
    )


def downgrade() -> None:
    op.drop_column("model_versions", "thresholds")  # SQLite >= 3.35 drops columns in place

    with op.batch_alter_table("model_alias_events", schema=None) as batch_op:
        batch_op.drop_index("ix_model_alias_events_alias")

    op.drop_table("model_alias_events")
