"""Issue 10: the reads of one author's comments run on ``ix_comments_site_author_created``
(site, author key, time), so the comments table keeps no other index by author."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import Connection, Engine, event, insert, text
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Author, Status
from service.domain.decisions import Selection
from service.domain.queues import QueueFilter
from service.identity import author_key
from service.models import CommentRow
from service.moderation import Moderation
from service.store import bulk, erasure, queues
from service.store.convert import to_comment
from tests.conftest import as_new_comments_table
from tests.factories import new_comment, scores
from tests.intake import submit

SITE = "news-site"
NOW = datetime.now(UTC)
INDEX = "ix_comments_site_author_created"


def _rows(author: str, bodies: list[str], newest: datetime) -> list[dict[str, Any]]:
    """Decided comments by ``author``, one a second up to ``newest``, with these bodies."""
    rows = []
    for n, body in enumerate(bodies):
        cid = str(uuid.uuid5(uuid.NAMESPACE_URL, f"{author}-{n:06d}"))  # a UUID, as ids are
        rows.append({
            "id": cid, "site_id": SITE, "article_id": f"article-{n % 7}", "root_id": cid,
            "author_id": author, "author_key": author_key(author), "author_name": "Busy",
            "body": body, "body_sha256": hashlib.sha256(body.encode()).hexdigest(),
            "status": "approved", "reasons": [], "report_count": 0, "version": 2,
            "created_at": newest - timedelta(seconds=len(bodies) - n),
        })  # fmt: skip
    return rows


def test_the_repeat_rule_catches_a_repeat_among_an_authors_many_comments(
    moderation: Moderation, engine: Engine
) -> None:
    # An author with 2,000 comments in the last window: the rule reads them by time now (there
    # is no index on the body's digest any more) and still finds the one with the same text.
    repeated = "Same words again, posted once more by a busy author."
    [first] = submit(moderation, [new_comment(author=Author("busy", "Busy"), body=repeated)])
    moderation.record_classifications([scores(first.comment_id)])
    bodies = [f"Comment number {n} of a busy author." for n in range(2000)]
    with engine.begin() as conn:
        conn.execute(insert(CommentRow), _rows("busy", bodies, datetime.now(UTC)))
    [again, other] = submit(moderation, [
        new_comment(author=Author("busy", "Busy"), body=repeated),
        new_comment(author=Author("busy", "Busy"), body="Something this author never said."),
    ])  # fmt: skip

    moderation.record_classifications([scores(again.comment_id), scores(other.comment_id)])

    assert "repeat_post" in moderation.get_comment(again.comment_id).reasons
    assert "repeat_post" not in moderation.get_comment(other.comment_id).reasons


def comment_indexes(engine: Engine) -> set[str]:
    """The names of the indexes on ``comments`` (read from the catalogue: the inspector skips
    the expression index with a warning)."""
    postgres = engine.dialect.name == "postgresql"
    table = "pg_indexes WHERE tablename" if postgres else "sqlite_master WHERE tbl_name"
    name = "indexname" if postgres else "name"
    with engine.connect() as conn:
        return set(conn.scalars(text(f"SELECT {name} FROM {table} = 'comments'")))  # noqa: S608


def test_no_index_on_the_body_digest_is_left(engine: Engine) -> None:
    names = comment_indexes(engine)
    assert INDEX in names
    assert "ix_comments_author_key_body" not in names


@pytest.fixture
def busy(sessions: sessionmaker[Session], engine: Engine) -> Iterator[Session]:
    with engine.begin() as conn:
        as_new_comments_table(conn)
        bodies = [f"Comment number {n}." for n in range(50)]
        conn.execute(insert(CommentRow), _rows("busy", bodies, NOW))
    with sessions() as session:
        yield session


def _plans(engine: Engine, read: Callable[[], object]) -> list[str]:
    """The plan of every statement ``read`` sends (PostgreSQL: with sequential scans off, a
    table this small would be read whole)."""
    sent: list[tuple[str, Any]] = []

    def capture(_c: Connection, _cur: Any, statement: str, params: Any, *_a: Any) -> None:
        sent.append((statement, params))

    event.listen(engine, "before_cursor_execute", capture)
    try:
        read()
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    plans = []
    with engine.connect() as conn:
        postgres = engine.dialect.name == "postgresql"
        if postgres:
            conn.exec_driver_sql("SET enable_seqscan = off")
        for statement, params in sent:
            explain = "EXPLAIN " if postgres else "EXPLAIN QUERY PLAN "
            rows = conn.exec_driver_sql(explain + statement, params).all()
            plans.append(" ".join(str(row[0] if postgres else row[3]) for row in rows))
    return plans


def test_the_repeat_rule_reads_the_authors_recent_comments_by_index(
    engine: Engine, busy: Session
) -> None:
    batch = [to_comment(r) for r in busy.query(CommentRow).order_by(CommentRow.id).limit(3)]

    [plan] = _plans(engine, lambda: queues.repeat_posts(busy, batch, timedelta(hours=1)))

    assert INDEX in plan


def _author_reads(session: Session) -> dict[str, Callable[[], object]]:
    return {
        "author panel": lambda: queues.author_record(session, "busy", SITE),
        "queue by author": lambda: queues.list_queue(
            session, Status.APPROVED, QueueFilter(author_id="busy"), "age", None, 10
        ),
        "queue by author, by risk": lambda: queues.list_queue(
            session, Status.APPROVED, QueueFilter(author_id="busy"), "risk", None, 10
        ),
        "bulk by author": lambda: bulk.preview(
            session, Status.APPROVED, Selection(site_id=SITE, author_id="busy")
        ),
        "erasure and export": lambda: erasure.author_comment_ids(session, SITE, "busy"),
    }


@pytest.mark.parametrize(
    "name",
    ["author panel", "queue by author", "queue by author, by risk", "bulk by author",
     "erasure and export"],
)  # fmt: skip
def test_the_author_filters_read_the_authors_comments_by_index(
    engine: Engine, busy: Session, name: str
) -> None:
    plans = _plans(engine, _author_reads(busy)[name])

    assert plans
    assert all(INDEX in plan for plan in plans), plans


def test_an_author_filter_keeps_to_the_id_asked_for(busy: Session, engine: Engine) -> None:
    # A look-alike id shares the key, not the filter: the key only narrows the index.
    with engine.begin() as conn:
        conn.execute(insert(CommentRow), _rows("BUSY", ["Another author, one key."], NOW))

    record = queues.author_record(busy, "BUSY", SITE)
    page = queues.list_queue(busy, Status.APPROVED, QueueFilter(author_id="busy"), "age", None, 100)

    assert record.counts == {"approved": 1}
    assert {c.author.id for c in page.items} == {"busy"}
    assert len(page.items) == 50
