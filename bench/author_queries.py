"""How fast the queries that find one author's comments are, and which index each one uses.

Fills a database (SQLite file or PostgreSQL URL) at the migrations' head with ``--comments``
comments of about 440 characters over ~100 days, one of whose authors (``prolific``) wrote
``--prolific`` of them, then times the reads by author (the repeat-post rule, the author panel,
a queue and a bulk selection filtered by author, the erasure's id list) for the prolific author
and an ordinary one, prints the plan of each statement (``EXPLAIN QUERY PLAN`` / ``EXPLAIN``)
and, on SQLite, the bytes of every index on ``comments`` (dbstat).

    .venv/bin/python -m bench.author_queries --url sqlite:////tmp/authors.db
    .venv/bin/python -m bench.author_queries --url postgresql://postgres@127.0.0.1/test_x --reuse

Issue 10: the indexes on ``comments`` were a fifth of its bytes; this shows what each read
costs with the indexes that remain.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, select, text
from sqlalchemy.orm import Session

from service.db import create_db_engine, session_factory
from service.domain import Status
from service.domain.decisions import Selection
from service.domain.queues import QueueFilter
from service.identity import author_key
from service.migrate import upgrade_to_head
from service.models import CommentRow
from service.store import bulk, erasure, queues
from service.store.convert import to_comment

NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)
SITE = "site-a"
PROLIFIC = "prolific"
ORDINARY = "reader-17"
_WORDS = [
    "the",
    "a",
    "of",
    "to",
    "and",
    "in",
    "that",
    "is",
    "was",
    "he",
    "for",
    "it",
    "with",
    "as",
    "his",
    "on",
    "be",
    "at",
    "by",
    "had",
    "are",
    "but",
    "from",
]
_STATUSES = [Status.APPROVED] * 80 + [Status.WITHHELD] * 10 + [Status.REJECTED] * 5
_STATUSES += [Status.SPAM] * 3 + [Status.PENDING] * 2


def _body(rng: random.Random) -> str:
    words: list[str] = []
    while sum(len(w) + 1 for w in words) < 440:
        words.append(rng.choice(_WORDS) + str(rng.randrange(1000)))
    return " ".join(words)


def _row(rng: random.Random, index: int, author: str, created: datetime) -> dict[str, Any]:
    cid = str(uuid.UUID(int=rng.getrandbits(128)))
    body = _body(rng)
    status = rng.choice(_STATUSES)
    return {
        "id": cid,
        "site_id": SITE if index % 10 else "site-b",
        "article_id": f"article-{rng.randrange(2000)}",
        "parent_id": None,
        "root_id": cid,
        "author_id": author,
        "author_key": author_key(author),
        "author_name": author.title(),
        "body": body,
        "body_sha256": hashlib.sha256(body.encode()).hexdigest(),
        "status": status.value,
        "reasons": [],
        "risk": None if status is Status.PENDING else rng.random(),
        "report_count": 0,
        "version": 1,
        "created_at": created,
        "idempotency_key": f"idem-{index}",
        "request_hash": hashlib.sha256(cid.encode()).hexdigest(),
    }


def fill(engine: Engine, comments: int, prolific: int) -> None:
    """``comments`` comments over 100 days; ``prolific`` of them by one author on SITE."""
    rng = random.Random(10)
    span = timedelta(days=100).total_seconds()
    rows: list[dict[str, Any]] = []
    with engine.begin() as conn:
        for index in range(comments):
            created = NOW - timedelta(seconds=span * (1 - index / comments))
            mine = index % (comments // prolific) == 1
            row = _row(rng, index, PROLIFIC if mine else f"reader-{rng.randrange(20000)}", created)
            if mine:
                row["site_id"] = SITE
            rows.append(row)
            if len(rows) == 2000:
                conn.execute(insert(CommentRow), rows)
                rows = []
        if rows:
            conn.execute(insert(CommentRow), rows)
        conn.execute(insert(CommentRow), [_row(rng, -1, ORDINARY, NOW - timedelta(days=3))])
        if engine.dialect.name == "sqlite":
            conn.execute(text("ANALYZE"))
        else:
            conn.execute(text("ANALYZE comments"))


def _latest(session: Session, author: str, n: int) -> list[Any]:
    rows = session.scalars(
        select(CommentRow)
        .where(CommentRow.author_id == author)
        .order_by(CommentRow.created_at.desc())
        .limit(n)
    ).all()
    return [to_comment(r) for r in rows]


def reads(session: Session) -> dict[str, Callable[[], object]]:
    """The reads by author, by name; each returns something so it is not optimised away."""
    # A worker's batch: comments submitted close together (the rule reads each author's rows
    # from the oldest of the batch minus the window), ten of them by the prolific author.
    batch = _latest(session, PROLIFIC, 10)
    others = session.scalars(select(CommentRow).order_by(CommentRow.created_at.desc()).limit(40))
    batch += [to_comment(r) for r in others.all()]
    hour = timedelta(hours=1)
    held = Status.WITHHELD
    return {
        "repeat_posts (50, 10 prolific)": lambda: queues.repeat_posts(session, batch, hour),
        "repeat_posts (a day's window)": lambda: queues.repeat_posts(
            session, batch, timedelta(days=1)
        ),
        "author_record prolific": lambda: queues.author_record(session, PROLIFIC, SITE),
        "author_record ordinary": lambda: queues.author_record(session, ORDINARY, SITE),
        "queue withheld by prolific (age)": lambda: queues.list_queue(
            session, held, QueueFilter(author_id=PROLIFIC), "age", None, 50
        ),
        "queue withheld by prolific (risk)": lambda: queues.list_queue(
            session, held, QueueFilter(author_id=PROLIFIC), "risk", None, 50
        ),
        "queue withheld by ordinary (age)": lambda: queues.list_queue(
            session, held, QueueFilter(author_id=ORDINARY), "age", None, 50
        ),
        "queue approved by ordinary (risk)": lambda: queues.list_queue(
            session, Status.APPROVED, QueueFilter(author_id=ORDINARY), "risk", None, 50
        ),
        "bulk preview prolific (withheld)": lambda: bulk.preview(
            session, held, Selection(site_id=SITE, author_id=PROLIFIC)
        ),
        "erasure ids prolific": lambda: erasure.author_comment_ids(session, SITE, PROLIFIC),
        "erasure ids ordinary": lambda: erasure.author_comment_ids(session, SITE, ORDINARY),
    }


def _plans(engine: Engine, statements: list[tuple[str, Any]]) -> list[str]:
    lines: list[str] = []
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        for statement, params in statements:
            if "comments" not in statement or statement.lstrip().upper().startswith("EXPLAIN"):
                continue
            prefix = "EXPLAIN QUERY PLAN " if engine.dialect.name == "sqlite" else "EXPLAIN "
            cursor.execute(prefix + statement, params)
            column = 3 if engine.dialect.name == "sqlite" else 0
            lines += ["      " + str(row[column]) for row in cursor.fetchall()]
    finally:
        raw.close()
    return lines


def measure(engine: Engine, repeats: int) -> None:
    """Time each read (median of ``repeats``) and print the plan of its statements."""
    sessions = session_factory(engine)
    with sessions() as session:
        for name, read in reads(session).items():
            captured: list[tuple[str, Any]] = []

            def capture(_c: Connection, _cur: Any, statement: str, params: Any, *_a: Any) -> None:
                captured.append((statement, params))  # noqa: B023

            event.listen(engine, "before_cursor_execute", capture)
            read()
            event.remove(engine, "before_cursor_execute", capture)
            timings = []
            for _ in range(repeats):
                start = time.perf_counter()
                read()
                timings.append(time.perf_counter() - start)
            print(f"{name:38} {1000 * statistics.median(timings):8.2f} ms")
            print("\n".join(_plans(engine, captured)))


def index_sizes(engine: Engine) -> None:
    """Bytes of each b-tree of ``comments`` (SQLite dbstat; PostgreSQL pg_relation_size)."""
    if engine.dialect.name == "sqlite":
        query = (
            "SELECT s.name, SUM(s.pgsize) FROM dbstat AS s JOIN sqlite_schema AS m "
            "ON m.name = s.name WHERE m.tbl_name = 'comments' GROUP BY s.name ORDER BY 2 DESC"
        )
    else:
        query = (
            "SELECT c.relname, pg_relation_size(c.oid) FROM pg_class AS c JOIN pg_index AS i "
            "ON i.indexrelid = c.oid WHERE i.indrelid = 'comments'::regclass ORDER BY 2 DESC"
        )
    with engine.connect() as conn:
        count = conn.execute(text("SELECT count(*) FROM comments")).scalar_one()
        rows = conn.execute(text(query)).all()
    for name, size in rows:
        print(f"{name:40} {size / 1e6:7.2f} MB {size / count:7.0f} B/comment")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", required=True)
    parser.add_argument("--comments", type=int, default=100_000)
    parser.add_argument("--prolific", type=int, default=10_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--reuse", action="store_true", help="keep the rows already there")
    args = parser.parse_args()
    engine = create_db_engine(args.url)
    upgrade_to_head(engine)
    with engine.connect() as conn:
        filled = conn.execute(text("SELECT count(*) FROM comments")).scalar_one()
    if not (args.reuse and filled):
        fill(engine, args.comments, args.prolific)
    index_sizes(engine)
    measure(engine, args.repeats)
    engine.dispose()


if __name__ == "__main__":
    main()
