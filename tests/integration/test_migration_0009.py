"""Migration 0009 packs the per-label score rows into one row per comment and version, and back."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from alembic import command
from sqlalchemy import Connection, Engine, text

from service.migrate import alembic_config

# Digests as the service writes them: 64 lowercase hex digits (migration 0021 needs them).
_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_name, body,
 body_sha256, status, reasons, report_count, version, created_at, author_key)
 VALUES (:id, 's', 'a', :id, 'u', 'N', 'b',
 'abababababababababababababababababababababababababababababababab',
 'approved', '[]', 0, 2, '2026-01-01',
 'cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd')"""
_SCORE = "INSERT INTO scores (comment_id, model_version, label, value) VALUES (:c, :v, :l, :x)"
# Values that a 15-digit JSON rendering would change: the move must keep every bit.
_SCORES = {
    ("c0", "v1"): {"toxicity": 0.12345678901234567, "spam": 1e-17, "threat": 0.0},
    ("c0", "v2"): {"toxicity": 0.9999999999999999},
    ("c1", "v1"): {"toxicity": 0.5, "spam": 0.30000000000000004},
}


@pytest.fixture
def connection(engine: Engine) -> Iterator[Connection]:
    """A connection to a database at 0008 (left at head again afterwards, for other tests)."""
    config = alembic_config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.downgrade(config, "0008")
        yield conn
        conn.execute(text("DELETE FROM comment_scores"))
        conn.execute(text("DELETE FROM comments"))
        command.upgrade(config, "head")


def _migrate(conn: Connection, revision: str) -> None:
    config = alembic_config()
    config.attributes["connection"] = conn
    if revision == "0008":
        command.downgrade(config, revision)
    else:
        command.upgrade(config, revision)


def test_upgrade_packs_scores_and_downgrade_unpacks_them(connection: Connection) -> None:
    for comment_id in ("c0", "c1"):
        connection.execute(text(_COMMENT), {"id": comment_id})
    rows = [
        {"c": c, "v": v, "l": label, "x": x}
        for (c, v), labels in _SCORES.items()
        for label, x in labels.items()
    ]
    connection.execute(text(_SCORE), rows)

    _migrate(connection, "0009")
    packed = connection.execute(
        text("SELECT comment_id, model_version, scores FROM comment_scores")
    ).all()
    _migrate(connection, "0008")
    unpacked = connection.execute(
        text("SELECT comment_id, model_version, label, value FROM scores")
    ).all()
    _migrate(connection, "0009")

    assert {(c, v): _json(s) for c, v, s in packed} == _SCORES
    assert sorted(unpacked) == sorted((r["c"], r["v"], r["l"], r["x"]) for r in rows)


def _json(value: object) -> object:
    # A JSON column read through text() is a str on SQLite and already decoded by psycopg.
    return json.loads(value) if isinstance(value, str) else value
