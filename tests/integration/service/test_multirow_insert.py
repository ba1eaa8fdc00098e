"""PostgreSQL: a batch's rows go to the server in one multi-row INSERT (issue 10: psycopg's
executemany ran the statement once per row on the server)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import event

from service.db import create_db_engine, session_factory
from service.store.comments import insert_comments
from tests.factories import new_comment

pytestmark = pytest.mark.postgres


def test_a_batch_of_comments_is_one_insert_statement(postgres_url: str) -> None:
    engine = create_db_engine(postgres_url)
    sent: list[str] = []

    def record(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        with session_factory(engine).begin() as session:
            stored = insert_comments(session, [new_comment() for _ in range(3)], datetime.now(UTC))
    finally:
        engine.dispose()

    assert len(stored) == 3
    [statement] = [s for s in sent if s.startswith("INSERT INTO comments ")]
    assert statement.count("), (") == 2  # three rows' values in one statement
