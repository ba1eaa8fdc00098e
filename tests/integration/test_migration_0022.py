"""Migration 0022 stores every comment id as its 16 bytes (a uuid on PostgreSQL, a BLOB on
SQLite), keeps every index and foreign key, and the downgrade writes back the same text
(issue 10)."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, insert, inspect, select, text
from sqlalchemy.orm import Session, sessionmaker

from service.appeals import Appeals
from service.authoring import Authoring
from service.column_types import CommentId
from service.domain import Decision
from service.models import OutboxRow, WebhookDeliveryRow, WebhookEndpointRow
from service.moderation import Moderation
from service.settings import Settings
from tests.factories import new_comment, scores
from tests.intake import submit
from tests.migrations import columns_of_type, connection_at, migrate

REVISION = "0022"
BEFORE = "0021"
COMMENT_IDS: dict[str, tuple[str, ...]] = importlib.import_module(
    "service.migrations.versions.0022_binary_comment_ids"
).COMMENT_IDS
NOW = datetime(2026, 11, 30, 14, 0, tzinfo=UTC)
SITE = "news-site"
# Long enough to be fingerprinted (service.flood.duplicates), as a short one is not.
ROOT_BODY = "The central bank left its rates unchanged today and hinted at two cuts next year."

Column = tuple[str, str]


def _order(table: str) -> str:
    # By the id where the table is keyed by one: the bytes sort as the text did (tested here
    # too, as the lists must come out in the same order before and after).
    return {"comments": "id", "comment_scores": "comment_id"}.get(table, "id")


def _plain(value: Any) -> Any:
    # psycopg reads a uuid as uuid.UUID, SQLite a BLOB as bytes: both compared as bytes.
    if isinstance(value, memoryview):
        return bytes(value)
    if hasattr(value, "bytes") and not isinstance(value, bytes | str):
        return value.bytes
    return value


def _stored(conn: Connection) -> dict[Column, list[Any]]:
    """Every comment id as the database holds it, by column, in a stable row order."""
    found: dict[Column, list[Any]] = {}
    for table, columns in COMMENT_IDS.items():
        order = _order(table)
        for c in columns:
            values = conn.exec_driver_sql(f"SELECT {c} FROM {table} ORDER BY {order}").scalars()  # noqa: S608
            found[(table, c)] = [_plain(v) for v in values]
    return found


def _structure(conn: Connection) -> dict[str, Any]:
    """The names of every index (expression ones too) and every foreign key of each table."""
    if conn.dialect.name == "sqlite":
        indexes = conn.exec_driver_sql(
            "SELECT tbl_name, name FROM sqlite_master WHERE type = 'index'"
        ).all()
    else:
        indexes = conn.exec_driver_sql(
            "SELECT tablename, indexname FROM pg_indexes WHERE schemaname = 'public'"
        ).all()
    inspector = inspect(conn)
    keys = {
        (table, k["name"], tuple(k["constrained_columns"]), k["referred_table"])
        for table in inspector.get_table_names()
        for k in inspector.get_foreign_keys(table)
    }
    return {"indexes": set(map(tuple, indexes)), "foreign_keys": keys}


@pytest.fixture
def written(moderation: Moderation, sessions: sessionmaker[Session], settings: Settings) -> None:
    """A thread written at head by the service itself, so that each of the columns holds ids:
    a reply (parent and root), classified (actions, scores, fingerprints), reported, rejected
    and appealed, edited (a revision), with its events (outbox) and a webhook delivery."""
    [first] = submit(moderation, [new_comment(body=ROOT_BODY)])
    root = first.comment_id
    [stored] = submit(moderation, [new_comment(body="A reply to it.", parent_id=root)])
    reply = stored.comment_id
    moderation.record_classifications(
        [scores(root, spam=0.01), scores(reply, spam=0.01)], moderation.pending([root, reply])
    )
    moderation.report(SITE, reply, "reader-1", "abuse", None)
    moderation.decide(
        root, decision=Decision.REJECT, actor="mod-ann", reason=None, note=None,
        expected_version=None,
    )  # fmt: skip
    Appeals(sessions).file(root, SITE, "I did not mean it.", "site")
    Authoring(sessions, settings).edit(SITE, reply, "A reply to it, edited.")
    with sessions.begin() as session:
        outbox_id = session.scalars(
            select(OutboxRow.id).where(OutboxRow.comment_id == reply)
        ).first()
        session.execute(insert(WebhookEndpointRow).values(
            id="e0000000-0000-4000-8000-000000000001", site_id=SITE, url="https://x.example/h",
            events=[], secret="s" * 64, created_by="ops", created_at=NOW,
        ))  # fmt: skip
        session.execute(insert(WebhookDeliveryRow).values(
            endpoint_id="e0000000-0000-4000-8000-000000000001", outbox_id=outbox_id, seq=1,
            comment_id=reply, status="pending", next_attempt_at=NOW, created_at=NOW,
        ))  # fmt: skip


def test_head_stores_each_comment_id_as_its_16_bytes(engine: Engine, written: None) -> None:
    with engine.connect() as conn:
        stored = _stored(conn)
    for column, values in stored.items():
        assert any(v is not None for v in values), f"{column} holds no id in this test"
        assert all(type(v) is bytes and len(v) == 16 for v in values if v is not None), column


def test_upgrade_then_downgrade_then_upgrade_give_back_the_same_values(
    engine: Engine, written: None
) -> None:
    with engine.connect() as conn:
        at_head = _stored(conn)
        structure_at_head = _structure(conn)
    with connection_at(engine, BEFORE) as conn:
        before = _stored(conn)
        structure_before = _structure(conn)
        migrate(conn, REVISION)
        upgraded = _stored(conn)
        structure_upgraded = _structure(conn)
        migrate(conn, BEFORE, down=True)
        downgraded_again = _stored(conn)

    # Before 0022 each id is its lowercase canonical text, which the bytes spell.
    assert before == {
        column: [None if v is None else CommentId().process_result_value(v, engine.dialect)
                 for v in values]
        for column, values in at_head.items()
    }  # fmt: skip
    assert all(type(v) is str and len(v) == 36 for vs in before.values() for v in vs if v)
    assert upgraded == at_head
    assert downgraded_again == before
    # Every index (the expression index ix_comments_status_risk among them) and foreign key.
    assert structure_upgraded == structure_before == structure_at_head
    assert ("comments", "ix_comments_status_risk") in structure_at_head["indexes"]
    assert len([k for k in structure_at_head["foreign_keys"] if k[3] == "comments"]) == 7


_COMMENT = """INSERT INTO comments (id, site_id, article_id, parent_id, root_id, author_id,
 author_key, author_name, body, body_sha256, status, reasons, report_count, version,
 created_at, revision)
 VALUES (:id, 's', 'a', :parent, :root, 'u', :key, 'N', 'b', :key, 'approved', '[]', 0, 1,
 :at, 1)"""
_GOOD = "019ad5c0-0000-7000-8000-000000000001"


@pytest.fixture
def before_0022(engine: Engine) -> Iterator[Connection]:
    """A connection to an empty database just before 0022 (left at head again afterwards)."""
    with connection_at(engine, BEFORE, ("comments",)) as conn:
        yield conn


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("id", "c1"),
        ("id", _GOOD.upper()),
        ("parent_id", "019ad5c0000070008000000000000001"),
        ("root_id", "019ad5c0-0000-7000-8000-00000000000g"),
    ],
)
def test_text_that_is_not_a_comment_id_stops_the_upgrade_and_changes_nothing(
    before_0022: Connection, column: str, value: str
) -> None:
    at = NOW if before_0022.dialect.name == "postgresql" else 1_796_040_000_000_000
    good = {"id": _GOOD, "parent": None, "root": _GOOD, "key": bytes(32), "at": at}
    other = {"id": "019ad5c0-0000-7000-8000-000000000002", "parent": None, "key": bytes(32),
             "root": "019ad5c0-0000-7000-8000-000000000002", "at": at}  # fmt: skip
    other[{"id": "id", "parent_id": "parent", "root_id": "root"}[column]] = value
    if before_0022.dialect.name == "postgresql":
        before_0022.exec_driver_sql(
            "ALTER TABLE comments DROP CONSTRAINT fk_comments_parent_id_comments"
        )
    before_0022.execute(text(_COMMENT), [good, other])
    stored = _stored(before_0022)

    stops = pytest.raises(RuntimeError, match=rf"comments\.{column} of the row id=.*\({value!r}\)")
    with stops, before_0022.begin_nested():
        migrate(before_0022, REVISION)
    assert _stored(before_0022) == stored

    before_0022.execute(text("DELETE FROM comments WHERE id != :id"), {"id": _GOOD})
    if before_0022.dialect.name == "postgresql":
        before_0022.exec_driver_sql(
            "ALTER TABLE comments ADD CONSTRAINT fk_comments_parent_id_comments"
            " FOREIGN KEY (parent_id) REFERENCES comments (id)"
        )
    migrate(before_0022, REVISION)
    assert _stored(before_0022)[("comments", "id")] == [bytes.fromhex(_GOOD.replace("-", ""))]


def test_the_list_of_columns_is_every_comment_id_of_the_models() -> None:
    comment_ids = columns_of_type(CommentId)
    assert comment_ids == {(name, c) for name, columns in COMMENT_IDS.items() for c in columns}
    assert len(comment_ids) == 11
