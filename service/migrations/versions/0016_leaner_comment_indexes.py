"""drop the comments indexes that the (site, author key, time) index makes redundant

Revision ID: 0016
Revises: 0014
Create Date: 2026-11-30 08:45:00

Issue 10. The repeat-post rule looks for the same body among an author's comments of the last
window: ``ix_comments_site_author_created`` finds those by (site, author key, time) and the rule
compares ``body_sha256`` on the few rows it reads, so ``ix_comments_author_key_body`` (two 64
character hex strings per comment, a sixth of the table's bytes) bought nothing. Downgrade
builds it again.
"""

from __future__ import annotations

from alembic import op

revision = "0016"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_comments_author_key_body", table_name="comments")


def downgrade() -> None:
    op.create_index("ix_comments_author_key_body", "comments", ["author_key", "body_sha256"])
