"""Migration 0021 stores the sha256 digests of comments and author policies as their 32 raw
bytes, and the downgrade writes back the same lowercase hex text (issue 10)."""

from __future__ import annotations

import hashlib
import importlib
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, select, text
from sqlalchemy.dialects import sqlite
from sqlalchemy.orm import Session, sessionmaker

from service.column_types import HexDigest
from service.domain import AuthorPolicy
from service.domain.authors import AuthorPolicySetting
from service.identity import author_key
from service.models import AuthorPolicyRow, CommentRow
from service.moderation import Moderation
from service.store import authors, erasure
from service.store.comments import body_digest
from tests.factories import new_comment
from tests.intake import submit
from tests.migrations import columns_of_type, connection_at, migrate

REVISION = "0021"
BEFORE = "0021-1"  # whatever 0021 follows once merged
DIGESTS: dict[str, tuple[str, ...]] = importlib.import_module(
    "service.migrations.versions.0021_raw_digests"
).DIGESTS
NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
BODIES = ["First comment about the bank's rates.", "Second one, ABOUT the bank's rates."]

Column = tuple[str, str]


def _row_order(conn: Connection) -> str:
    # SQLite rewrites in place, keeping rowids; PostgreSQL's rewrite keeps no ctid, so by key.
    return "rowid" if conn.dialect.name == "sqlite" else "site_id, author_id"


def _stored(conn: Connection) -> dict[Column, list[Any]]:
    """Every digest as the database holds it, by column, in a stable row order."""
    found: dict[Column, list[Any]] = {}
    for name, columns in DIGESTS.items():
        order = "id" if name == "comments" else _row_order(conn)
        for c in columns:
            values = conn.exec_driver_sql(f"SELECT {c} FROM {name} ORDER BY {order}").scalars()  # noqa: S608
            found[(name, c)] = [bytes(v) if isinstance(v, memoryview) else v for v in values]
    return found


@pytest.fixture
def written(moderation: Moderation, sessions: sessionmaker[Session]) -> list[str]:
    """Comments (one with an Idempotency-Key and its request hash, one erased) and an author
    policy, written at head by the service itself; the comments' ids."""
    stored = submit(
        moderation,
        [
            new_comment(body=BODIES[0], idempotency_key="k-1", request_hash="9f" * 32),
            new_comment(body=BODIES[1]),
            new_comment(body="This one is erased later."),
        ],
    )
    ids = [s.comment_id for s in stored]
    with sessions.begin() as session:
        erasure.erase_text(session, ids[2:], actor="mod", note="test", now=NOW)
        authors.set_policy(
            session,
            AuthorPolicySetting("news-site", "U-Ban", AuthorPolicy.BAN, None, None, "mod", NOW),
        )
    return ids


def test_head_stores_each_digest_as_its_32_bytes(engine: Engine, written: list[str]) -> None:
    with engine.connect() as conn:
        stored = _stored(conn)
        read = conn.execute(
            select(CommentRow.author_id, CommentRow.body, CommentRow.body_sha256,
                   CommentRow.request_hash).order_by(CommentRow.id)
        ).all()  # fmt: skip
    keys = stored[("comments", "author_key")]
    assert all(type(k) is bytes and len(k) == 32 for k in keys)
    assert [k.hex() for k in keys] == [author_key(r.author_id) for r in read]
    assert stored[("author_policies", "author_key")] == [bytes.fromhex(author_key("u-ban"))]
    bodies = dict(zip([r.body for r in read], stored[("comments", "body_sha256")], strict=True))
    assert bodies[BODIES[0]] == hashlib.sha256(BODIES[0].casefold().encode()).digest()
    assert bodies[""] == b""  # the erased comment's empty digest: zero bytes
    assert sorted(stored[("comments", "request_hash")], key=repr) == [None, None, b"\x9f" * 32]
    # Python sees the hex text it wrote.
    assert {r.body_sha256 for r in read} == {body_digest(b) for b in BODIES} | {""}
    assert "9f" * 32 in {r.request_hash for r in read}


def test_a_retry_with_the_same_key_and_request_hash_is_replayed(
    moderation: Moderation, written: list[str]
) -> None:
    # The same Idempotency-Key and request hash: the stored comment, not a new one.
    again = submit(
        moderation, [new_comment(body=BODIES[0], idempotency_key="k-1", request_hash="9f" * 32)]
    )
    assert (again[0].comment_id, again[0].is_new) == (written[0], False)


def test_upgrade_then_downgrade_give_back_the_same_values(
    engine: Engine, written: list[str]
) -> None:
    with engine.connect() as conn:
        at_head = _stored(conn)
    with connection_at(engine, BEFORE) as conn:
        before = _stored(conn)
        migrate(conn, REVISION)
        upgraded = _stored(conn)
        migrate(conn, BEFORE, down=True)
        downgraded_again = _stored(conn)

    assert before == {
        column: [None if v is None else v.hex() for v in values]
        for column, values in at_head.items()
    }
    assert all(type(v) is str for values in before.values() for v in values if v is not None)
    assert upgraded == at_head
    assert downgraded_again == before


_COMMENT = """INSERT INTO comments (id, site_id, article_id, root_id, author_id, author_key,
 author_name, body, body_sha256, status, reasons, report_count, version, created_at, revision)
 VALUES (:id, 's', 'a', :id, 'u', :key, 'N', 'b', :body, 'approved', '[]', 0, 1, :at, 1)"""


@pytest.fixture
def before_0021(engine: Engine) -> Iterator[Connection]:
    """A connection to an empty database just before 0021 (left at head again afterwards)."""
    with connection_at(engine, BEFORE, ("comments",)) as conn:
        yield conn


def test_text_that_is_not_a_digest_stops_the_upgrade_and_changes_nothing(
    before_0021: Connection,
) -> None:
    at = NOW if before_0021.dialect.name == "postgresql" else 1_796_040_000_000_000
    good = {"id": "c1", "key": "ab" * 32, "body": "cd" * 32, "at": at}
    upper = {"id": "c2", "key": "AB" * 32, "body": "cd" * 32, "at": at}  # would come back lower
    before_0021.execute(text(_COMMENT), [good, upper])
    stored = _stored(before_0021)

    stops = pytest.raises(RuntimeError, match=r"comments\.author_key of row .*\('ABAB")
    with stops, before_0021.begin_nested():
        migrate(before_0021, REVISION)
    assert _stored(before_0021) == stored

    before_0021.execute(text("DELETE FROM comments WHERE id = 'c2'"))
    migrate(before_0021, REVISION)
    assert _stored(before_0021)[("comments", "author_key")] == [b"\xab" * 32]


def test_the_list_of_columns_is_every_digest_of_the_models() -> None:
    digests = columns_of_type(HexDigest)
    assert digests == {(name, c) for name, columns in DIGESTS.items() for c in columns}
    assert {(AuthorPolicyRow.__tablename__, "author_key")} < digests


@pytest.mark.parametrize(
    "value", ["AB" * 32, "ab" * 31, "ab" * 33, "erased-0123", " " + "ab" * 32, "ab cd"]
)
def test_a_value_that_would_not_read_back_the_same_is_refused(value: str) -> None:
    with pytest.raises(ValueError, match="not a sha256 hex digest"):
        HexDigest().process_bind_param(value, sqlite.dialect())
