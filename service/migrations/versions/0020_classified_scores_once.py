"""classified actions refer to comment_scores instead of copying it

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-30 12:30:00

Issue 10. Every ``classified`` action repeated the scores its verdict wrote to
``comment_scores`` (100 to 150 bytes a comment). Such an action now stores JSON ``null``, read as
"the ``comment_scores`` row of my comment and model version" (service/store/action_scores.py);
an edit writes the copy back into the action before it deletes that row for the new revision.

The upgrade sets ``null`` only where the row holds exactly the action's scores (the same JSON
text): an action about an earlier revision, whose scores the row no longer holds, keeps its
copy, and so does any action the comparison is unsure of. The downgrade writes every referred
copy back from ``comment_scores``. Neither changes the column (it stays NOT NULL JSON), so
neither rebuilds the action log.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None

# The scores row of the action's comment and model version (a probe of its primary key).
_ROW = """FROM comment_scores AS s WHERE s.comment_id = moderation_actions.comment_id
 AND s.model_version = moderation_actions.model_version"""


def upgrade() -> None:
    null = _json("null")
    op.execute(
        sa.text(
            f"UPDATE moderation_actions SET scores = {null} WHERE kind = 'classified' "  # noqa: S608
            f"AND EXISTS (SELECT 1 {_ROW} "
            "AND CAST(s.scores AS TEXT) = CAST(moderation_actions.scores AS TEXT))"
        )
    )


def downgrade() -> None:
    op.execute(
        sa.text(
            f"UPDATE moderation_actions SET scores = COALESCE((SELECT s.scores {_ROW}), "  # noqa: S608
            f"{_json('{}')}) WHERE kind = 'classified' AND CAST(scores AS TEXT) = 'null'"
        )
    )


def _json(literal: str) -> str:
    # SQLite keeps JSON as its text; PostgreSQL's json type takes the text cast.
    return f"'{literal}'" if op.get_bind().dialect.name == "sqlite" else f"'{literal}'::json"
