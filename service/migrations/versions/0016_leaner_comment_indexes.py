"""drop the comments indexes by author that the (site, author key, time) index makes redundant

Revision ID: 0016
Revises: 0017
Create Date: 2026-11-30 08:45:00

Issue 10: the indexes were a fifth of the comments table's bytes.

- ``ix_comments_author_key_body``: the repeat-post rule looks for the same body among an
  author's comments of the last window; ``ix_comments_site_author_created`` finds those by
  (site, author key, time) and the rule compares ``body_sha256`` on the rows it reads.
- ``ix_comments_author_created``: the author filters (queue, author panel, bulk, erasure,
  export) find an author id's comments by ``site_id``, ``author_key`` (the id's key) and the id
  itself on ``ix_comments_site_author_created``. That needs every row's ``author_key`` to be
  the key of its ``author_id``, which an erasure broke: it replaced the id and kept the old key
  (a digest of the erased id). Rows whose key is not their id's are given it, before the index
  they are found by goes.

Downgrade builds both indexes again; the keys of erased authors stay the new ones (the old ones
were a digest of the id the erasure removed).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.identity import author_key

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_BATCH = 500


def upgrade() -> None:
    _rekey_comments()
    op.drop_index("ix_comments_author_created", table_name="comments")
    op.drop_index("ix_comments_author_key_body", table_name="comments")


def _rekey_comments() -> None:
    """Give each comment the key of its author id where it has another (computed in Python, as
    migration 0006 did: it needs Unicode tables SQL lacks)."""
    connection = op.get_bind()
    pairs = connection.execute(sa.text("SELECT DISTINCT author_id, author_key FROM comments"))
    wrong = [
        {"id": author_id, "old": old, "key": author_key(author_id)}
        for author_id, old in pairs
        if author_key(author_id) != old
    ]
    update = sa.text(
        "UPDATE comments SET author_key = :key WHERE author_id = :id AND author_key = :old"
    )
    for start in range(0, len(wrong), _BATCH):
        connection.execute(update, wrong[start : start + _BATCH])


def downgrade() -> None:
    op.create_index("ix_comments_author_key_body", "comments", ["author_key", "body_sha256"])
    op.create_index("ix_comments_author_created", "comments", ["author_id", "created_at"])
