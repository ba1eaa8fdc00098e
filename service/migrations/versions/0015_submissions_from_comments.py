"""submissions are derived from comments, not stored as actions; partial actor and batch indexes

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 09:00:00

Issue 10. Intake stored a ``submitted`` action for every comment, holding nothing its row does
not (created_at, status pending, no actor): a row and four index entries per comment. The code
now derives that entry from the comment (service/store/convert.py, ``submission``), so upgrade
deletes the stored ones. Nothing references them: appeals point at rejecting actions only.

``ix_actions_actor`` and ``ix_actions_batch`` become partial (``IS NOT NULL``): system actions,
most of the log, have neither, and no query looks them up by a NULL (undo finds a batch by its
id, the audit log's actor filter names a client; its ``system`` filter walks the primary key,
where system actions are the dense part). The plans and timings are in docs/operations.md.

Downgrade writes them back from the comments, one per comment that has none. Their ids are
negative (the newest submission -1, the oldest -N): the previous release orders a history and
the log by id, and its undo takes the action just below a decision for what it restores, so a
submission must sort below every stored action, as it did when intake wrote it first. The only
thing that differs: that release's audit cursor refuses a negative id, so paging the whole log
from newest to oldest stops where the submissions begin (filters still reach them).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # The two indexes go first, so the DELETE does not maintain entries about to be dropped.
    op.drop_index("ix_actions_actor", table_name="moderation_actions")
    op.drop_index("ix_actions_batch", table_name="moderation_actions")
    op.execute("DELETE FROM moderation_actions WHERE kind = 'submitted'")
    _create_indexes(partial=True)


def _create_indexes(*, partial: bool) -> None:
    actor = sa.text("actor IS NOT NULL") if partial else None
    batch = sa.text("batch_id IS NOT NULL") if partial else None
    op.create_index(
        "ix_actions_actor",
        "moderation_actions",
        ["actor", "id"],
        sqlite_where=actor,
        postgresql_where=actor,
    )
    op.create_index(
        "ix_actions_batch",
        "moderation_actions",
        ["batch_id"],
        sqlite_where=batch,
        postgresql_where=batch,
    )


# Every column as intake wrote it; JSON text for the JSON columns (both backends accept it).
_RESTORE_SUBMISSIONS = """
INSERT INTO moderation_actions
    (id, comment_id, kind, actor, from_status, to_status, reasons, model_version, scores, note,
     created_at, evidence, batch_id, statement)
SELECT -ROW_NUMBER() OVER (ORDER BY c.created_at DESC, c.id DESC), c.id, 'submitted', NULL,
       NULL, 'pending', {empty_list}, NULL, {empty_object}, NULL, c.created_at, NULL, NULL, NULL
FROM comments AS c
WHERE NOT EXISTS (
    SELECT 1 FROM moderation_actions AS a WHERE a.comment_id = c.id AND a.kind = 'submitted'
)
"""


def downgrade() -> None:
    op.drop_index("ix_actions_actor", table_name="moderation_actions")
    op.drop_index("ix_actions_batch", table_name="moderation_actions")
    postgres = op.get_bind().dialect.name == "postgresql"
    op.execute(
        _RESTORE_SUBMISSIONS.format(
            empty_list="'[]'::json" if postgres else "'[]'",
            empty_object="'{}'::json" if postgres else "'{}'",
        )
    )
    _create_indexes(partial=False)
