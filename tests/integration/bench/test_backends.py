"""bench.api_cpu on PostgreSQL: the run's server processes, and only those, are metered."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

from bench.backing import backend_pids, fresh_schema
from bench.cpu import cpu_by_pid, spent_by_pids
from service.db import create_db_engine
from tests.conftest import POSTGRES_URL

pytestmark = pytest.mark.postgres


def test_backend_pids_are_the_schema_connections_backends() -> None:
    schema = fresh_schema(POSTGRES_URL)
    run, other = create_db_engine(schema.url), create_db_engine(POSTGRES_URL)
    try:
        with run.connect() as mine, other.connect() as theirs:
            my_pid = mine.execute(text("SELECT pg_backend_pid()")).scalar_one()
            their_pid = theirs.execute(text("SELECT pg_backend_pid()")).scalar_one()
            # The schema's URL still puts the schema first on the search path.
            assert mine.execute(text("SELECT current_schema()")).scalar_one() == schema.name

            assert backend_pids(schema) == [my_pid]
            assert their_pid not in backend_pids(schema)
    finally:
        run.dispose()
        other.dispose()
        schema.drop()


def test_spent_by_pids_counts_new_processes_from_zero_and_drops_gone_ones() -> None:
    before = {1: 2.0, 2: 5.0}
    after = {1: 2.5, 3: 0.25}  # 2 exited, 3 started in between
    assert spent_by_pids(before, after) == pytest.approx(0.75)


def test_cpu_by_pid_reads_this_process() -> None:
    used = cpu_by_pid([os.getpid()])
    assert used[os.getpid()] > 0
