"""Migration 0020: a classified action whose scores its comment_scores row holds refers to the
row instead of copying it; any other keeps its copy; the downgrade writes every copy back."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, Engine, text

from tests.migrations import connection_at, migrate

REVISION = "0020"
BEFORE = "0020-1"  # whatever 0020 follows once merged
_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_name, body,
 body_sha256, status, reasons, report_count, version, created_at, author_key)
 VALUES (:id, 's', 'a', :id, 'u', 'N', 'b', 'h', 'approved', '[]', 0, 2,
 '2026-01-01 00:00:00', 'k')"""
_ACTION = """INSERT INTO moderation_actions (id, comment_id, kind, from_status, to_status, reasons,
 model_version, scores, created_at) VALUES (:id, :comment_id, :kind, 'pending', 'approved', '[]',
 :version, :scores, '2026-01-01 00:00:00')"""
_SCORES = """INSERT INTO comment_scores (comment_id, model_version, scores)
 VALUES (:comment_id, :version, :scores)"""
_STORED = "SELECT id, CAST(scores AS TEXT) FROM moderation_actions ORDER BY id"

A, B = '{"spam": 0.91, "toxic": 0.12}', '{"spam": 0.02, "toxic": 0.03}'
# (action id, comment, kind, model version, the action's scores, and whether 0020 refers it)
ACTIONS = [
    (1, "c-scored", "classified", "v1", A, True),
    (2, "c-scored", "decided", None, "{}", False),
    (3, "c-edited", "classified", "v1", A, False),  # the earlier revision: the row holds B
    (4, "c-edited", "classified", "v1", B, True),
    (5, "c-unscored", "classified", None, "{}", False),  # rules only: no scores at all
    (6, "c-pending", "classified", "v1", A, False),  # edited and not scored again yet
    (7, "c-other", "classified", "v1", '{"toxic": 0.12, "spam": 0.91}', False),  # not the text
]
ROWS = [("c-scored", "v1", A), ("c-scored", "v-challenger", B), ("c-edited", "v1", B),
        ("c-other", "v1", A)]  # fmt: skip


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database just before 0020 (left at head again afterwards)."""
    emptied = ("moderation_actions", "comment_scores", "comments")
    with connection_at(engine, BEFORE, emptied) as conn:
        yield conn


def _stored(conn: Connection) -> dict[int, str]:
    return {int(i): str(s) for i, s in conn.execute(text(_STORED))}


def test_upgrade_refers_only_identical_copies_and_downgrade_writes_them_back(
    connection: Connection,
) -> None:
    for comment_id in sorted({a[1] for a in ACTIONS}):
        connection.execute(text(_COMMENT), {"id": comment_id})
    connection.execute(
        text(_ACTION),
        [dict(zip(("id", "comment_id", "kind", "version", "scores"), a[:5], strict=True))
         for a in ACTIONS],
    )  # fmt: skip
    connection.execute(
        text(_SCORES), [{"comment_id": c, "version": v, "scores": s} for c, v, s in ROWS]
    )
    before = _stored(connection)

    migrate(connection, REVISION)
    referred = _stored(connection)
    migrate(connection, BEFORE, down=True)
    restored = _stored(connection)

    assert referred == {i: "null" if refers else before[i] for i, *_, refers in ACTIONS}
    assert restored == before
