"""moderation action evidence

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-29 13:05:30.151995
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain, nullable ADD COLUMN on every backend: no batch copy of the (large, append-only)
    # moderation log, and existing rows simply have no evidence.
    op.add_column("moderation_actions", sa.Column("evidence", sa.JSON(), nullable=True))


def downgrade() -> None:
    op.drop_column("moderation_actions", "evidence")  # SQLite >= 3.35 drops columns in place
