"""Pooled PostgreSQL connections: one the server closed is replaced on checkout, and a checkout
sends nothing to the server (issue 10: pre-ping's SELECT 1 was a round trip per batch)."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text

from service.db import create_db_engine
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres


@pytest.fixture
def pool_of_one() -> Iterator[Engine]:
    engine = create_db_engine(POSTGRES_URL, pool_size=1, max_overflow=0)
    yield engine
    engine.dispose()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _terminate(pid: int) -> None:
    admin = create_db_engine(POSTGRES_URL)
    try:
        with admin.connect() as conn:
            assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
            # Wait until the backend has gone, so its FATAL message and EOF have been sent.
            conn.execute(text("SELECT pg_sleep(0.2)"))
    finally:
        admin.dispose()


def test_a_connection_the_server_closed_is_replaced_on_checkout(pool_of_one: Engine) -> None:
    first = _backend_pid(pool_of_one)
    _terminate(first)

    # The pooled connection is dead: the next use gets a new one instead of an error.
    second = _backend_pid(pool_of_one)

    assert second != first


def test_every_pooled_connection_is_replaced_when_one_was_closed() -> None:
    engine = create_db_engine(POSTGRES_URL, pool_size=2, max_overflow=0)
    try:
        with engine.connect() as a, engine.connect() as b:
            pids = {int(c.execute(text("SELECT pg_backend_pid()")).scalar_one()) for c in (a, b)}
        for pid in pids:
            _terminate(pid)
        with engine.connect() as a, engine.connect() as b:
            for conn in (a, b):  # neither raises: both were replaced
                assert conn.execute(text("SELECT pg_backend_pid()")).scalar_one() not in pids
    finally:
        engine.dispose()


def test_a_checkout_sends_nothing_to_the_server(pool_of_one: Engine) -> None:
    _backend_pid(pool_of_one)  # the pool now holds a connection that was used before
    with tempfile.TemporaryDirectory() as folder:
        trace = Path(folder) / "trace"
        with trace.open("w") as out:
            with pool_of_one.connect() as idle:  # trace the pooled connection from here on
                pgconn = idle.connection.dbapi_connection.pgconn  # type: ignore[union-attr]
                pgconn.trace(out.fileno())
            with pool_of_one.connect() as conn:  # the same connection, checked out again
                conn.execute(text("SELECT 42"))
                pgconn.untrace()
            os.fsync(out.fileno())
        sent = [line for line in trace.read_text().splitlines() if "\tF\t" in line]

    # What the client sent (F lines): BEGIN, then the statement; pre-ping sent a SELECT 1.
    queries = [line for line in sent if "\tQuery\t" in line or "\tParse\t" in line]
    assert len(queries) == 2, sent
    assert "BEGIN" in queries[0]
    assert "SELECT 42" in queries[1]
