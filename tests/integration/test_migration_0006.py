"""Migration 0006 gives comments and author policies written before it their author key."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import select, text

from service.db import create_db_engine
from service.identity import author_key
from service.migrate import alembic_config
from service.models import AuthorPolicyRow, CommentRow

# Digests as the service writes them: 64 lowercase hex digits (migration 0021 needs them).
_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_name, body,
 body_sha256, status, reasons, report_count, version, created_at)
 VALUES (:id, 's', 'a', :id, :author, 'N', 'b',
 'abababababababababababababababababababababababababababababababab',
 'pending', '[]', 0, 1, '2026-01-01')"""
_POLICY = """INSERT INTO author_policies (site_id, author_id, policy, set_by, set_at)
 VALUES ('s', 'U-BAN', 'ban', 'ann', '2026-01-01')"""


def test_upgrade_backfills_author_keys(tmp_path: Path) -> None:
    engine = create_db_engine(f"sqlite:///{tmp_path / 'old.db'}")
    config = alembic_config()
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0004")
        for n, author in enumerate(["u-ban", "\uff55-ban", "someone"]):
            connection.execute(text(_COMMENT), {"id": _comment_id(n), "author": author})
        connection.execute(text(_POLICY))
        command.upgrade(config, "head")
        # Read as the service reads them (stored as 32 bytes since 0021).
        keys = dict(connection.execute(select(CommentRow.id, CommentRow.author_key)).all())
        policy_key = connection.execute(select(AuthorPolicyRow.author_key)).scalar()
    engine.dispose()
    assert keys == {_comment_id(0): author_key("u-ban"), _comment_id(1): author_key("u-ban"),
                    _comment_id(2): author_key("someone")}  # fmt: skip
    assert policy_key == author_key("u-ban")


def _comment_id(n: int) -> str:
    # A UUID in canonical text, as the service writes comment ids (migration 0022 needs them).
    return f"019ad5c0-0000-7000-8000-{n:012x}"
