"""The risk-sorted queue is served by an index on the expression it orders by."""

from __future__ import annotations

import re

from sqlalchemy import Engine, inspect, select, text

from service.models import CommentRow
from service.store.queues import queue_risk
from tests.conftest import as_new_comments_table


def test_queue_risk_index_exists_on_every_backend(engine: Engine) -> None:
    with engine.connect() as conn:
        if engine.dialect.name == "postgresql":
            found = conn.execute(
                text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_comments_status_risk'")
            ).scalar_one()
        else:
            found = conn.execute(
                text("SELECT sql FROM sqlite_master WHERE name = 'ix_comments_status_risk'")
            ).scalar_one()
    assert re.search(r"coalesce\(risk, \(?2\.0\)?(::double precision)?\)", found.lower())


def test_queue_risk_sort_uses_the_index(engine: Engine) -> None:
    query = (
        select(CommentRow.id)
        .where(CommentRow.status == "withheld")
        .order_by(queue_risk().desc(), CommentRow.id.desc())
        .limit(51)
    )
    sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
    with engine.begin() as conn:
        as_new_comments_table(conn)
        if engine.dialect.name == "postgresql":
            conn.execute(text("SET enable_seqscan = off"))  # an empty table would be scanned
            plan = " ".join(str(row) for row in conn.execute(text(f"EXPLAIN {sql}")))
            assert "Sort" not in plan.split("ix_comments_status_risk")[0]
        else:
            plan = " ".join(str(row) for row in conn.execute(text(f"EXPLAIN QUERY PLAN {sql}")))
            assert "TEMP B-TREE" not in plan  # rows come out of the index in order, no sort
    assert "ix_comments_status_risk" in plan


def test_inspector_still_reads_the_comments_table(engine: Engine) -> None:
    # Reflection skips the expression index with a warning; the rest must still be readable.
    names = {c["name"] for c in inspect(engine).get_columns("comments")}
    assert {"status", "risk", "id"} <= names
