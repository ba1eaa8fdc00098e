"""packed scores: one row per comment and model version with every label's score in JSON

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 02:30:00

``scores`` kept a row per label (seven per comment per version), each in the primary-key index
and in a (label, value) index that no query used: 38% of the database. ``comment_scores`` keeps
one row per comment and version. The rows are moved in Python, so each value is copied exactly
(SQLite's JSON functions print a REAL with 15 significant digits) and one path serves both
databases.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_BATCH = 1000

_PACKED = sa.table(
    "comment_scores",
    sa.column("comment_id", sa.String),
    sa.column("model_version", sa.String),
    sa.column("scores", sa.JSON),
)
_BY_LABEL = sa.table(
    "scores",
    sa.column("comment_id", sa.String),
    sa.column("model_version", sa.String),
    sa.column("label", sa.String),
    sa.column("value", sa.Float),
)


def upgrade() -> None:
    op.create_table(
        "comment_scores",
        sa.Column("comment_id", sa.String(length=36), nullable=False),
        sa.Column("model_version", sa.String(length=80), nullable=False),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name=op.f("fk_comment_scores_comment_id_comments")
        ),
        sa.PrimaryKeyConstraint("comment_id", "model_version", name=op.f("pk_comment_scores")),
        sqlite_with_rowid=False,
    )
    rows = op.get_bind().execute(
        sa.select(_BY_LABEL).order_by(_BY_LABEL.c.comment_id, _BY_LABEL.c.model_version),
        execution_options={"yield_per": _BATCH},
    )
    _insert_in_batches(_PACKED, _packed(rows))
    op.drop_table("scores")


def _packed(rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for (comment_id, version), group in itertools.groupby(rows, lambda r: r[:2]):
        scores = {label: value for _, _, label, value in group}
        yield {"comment_id": comment_id, "model_version": version, "scores": scores}


def _insert_in_batches(table: sa.TableClause, rows: Iterator[dict[str, Any]]) -> None:
    connection = op.get_bind()
    while batch := list(itertools.islice(rows, _BATCH)):
        connection.execute(sa.insert(table), batch)


def downgrade() -> None:
    op.create_table(
        "scores",
        sa.Column("comment_id", sa.String(length=36), nullable=False),
        sa.Column("model_version", sa.String(length=80), nullable=False),
        sa.Column("label", sa.String(length=32), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.ForeignKeyConstraint(
            ["comment_id"], ["comments.id"], name=op.f("fk_scores_comment_id_comments")
        ),
        sa.PrimaryKeyConstraint("comment_id", "model_version", "label", name=op.f("pk_scores")),
    )
    with op.batch_alter_table("scores", schema=None) as batch_op:
        batch_op.create_index("ix_scores_label_value", ["label", "value"], unique=False)
    rows = op.get_bind().execute(sa.select(_PACKED), execution_options={"yield_per": _BATCH})
    _insert_in_batches(_BY_LABEL, _by_label(rows))
    op.drop_table("comment_scores")


def _by_label(rows: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for comment_id, version, scores in rows:
        for label, value in scores.items():
            yield {
                "comment_id": comment_id,
                "model_version": version,
                "label": label,
                "value": value,
            }
