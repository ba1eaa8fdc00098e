"""Migration 0011 gives standing rejections a statement of reasons, and goes back cleanly."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, inspect, select, text

from service.migrate import alembic_config
from service.models import CommentRow

# Digests as the service writes them: 64 lowercase hex digits (migration 0021 needs them).
_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_name, body,
 body_sha256, status, reasons, report_count, version, created_at, author_key)
 VALUES (:id, 's', 'a', :id, 'u', 'N', 'b',
 'abababababababababababababababababababababababababababababababab',
 :status, :reasons, 0, 2, '2026-01-01',
 'cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd')"""
# Comment ids as the service writes them: UUIDs in canonical text (migration 0022 needs them).
IDS = {
    "by-model": "019ad5c0-0000-7000-8000-000000000001",
    "by-human": "019ad5c0-0000-7000-8000-000000000002",
    "shown": "019ad5c0-0000-7000-8000-000000000003",
}
_ACTION = """INSERT INTO moderation_actions (comment_id, kind, actor, from_status, to_status,
 reasons, model_version, scores, created_at)
 VALUES (:c, :kind, :actor, 'pending', :to, :reasons, :model, '{}', '2026-01-01')"""


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database at 0010 (left at head again afterwards, for other tests)."""
    with engine.begin() as conn:
        _migrate(conn, "0010")
        yield conn
        conn.execute(text("DELETE FROM moderation_actions"))
        conn.execute(text("DELETE FROM comments"))
        _migrate(conn, "head")


def _migrate(conn: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = conn
    if revision == "0010":
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


def test_upgrade_backfills_statements_and_downgrade_drops_them(connection: Connection) -> None:
    comments = [("by-model", "rejected", ["toxic"]), ("by-human", "spam", ["moderator"]),
                ("shown", "approved", [])]  # fmt: skip
    for comment_id, status, reasons in comments:
        values = {"id": IDS[comment_id], "status": status, "reasons": json.dumps(reasons)}
        connection.execute(text(_COMMENT), values)
    actions = [("by-model", "classified", None, "rejected", ["toxic"], "m-1"),
               ("by-human", "decided", "mod-ann", "spam", ["moderator"], None),
               ("shown", "classified", None, "approved", [], "m-1")]  # fmt: skip
    for c, kind, actor, to, reasons, model in actions:
        connection.execute(
            text(_ACTION),
            {"c": IDS[c], "kind": kind, "actor": actor, "to": to, "reasons": json.dumps(reasons),
             "model": model},
        )  # fmt: skip

    _migrate(connection, "head")
    rows = connection.execute(select(CommentRow.id, CommentRow.statement)).all()
    names = {comment_id: name for name, comment_id in IDS.items()}
    stored: dict[str, object] = {names[row[0]]: row[1] for row in rows}

    assert {k: _json(v) for k, v in stored.items()} == {
        "by-model": {
            "code": "abusive",
            "explanation": "Rejected because its toxicity score reached the site's threshold. "
            "Decided by automated means (model m-1).",
            "automated": True,
        },
        "by-human": {
            "code": "spam",
            "explanation": "Rejected as spam by a human moderator: spam or advertising.",
            "automated": False,
        },
        "shown": None,
    }
    _migrate(connection, "0010")
    assert "appeals" not in inspect(connection).get_table_names()
    assert "statement" not in {c["name"] for c in inspect(connection).get_columns("comments")}


def _json(value: object) -> object:
    # A JSON column read through text() is a str on SQLite and already decoded by psycopg.
    return json.loads(value) if isinstance(value, str) else value
