"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import functools
import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings

# JSON columns (scores, reasons, evidence, outbox payloads) without the spaces json.dumps puts
# after every separator by default: the same JSON in fewer bytes on disk.
_compact_json = functools.partial(json.dumps, separators=(",", ":"))


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    kwargs.setdefault("json_serializer", _compact_json)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, parsed.database, **kwargs)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # psycopg 3 is the driver we install; plain postgresql:// would look for psycopg2.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    return create_engine(url, pool_pre_ping=True, **kwargs)


def _create_sqlite_engine(url: str, database: str | None, **kwargs: Any) -> Engine:
    if database and database != ":memory:":
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)
    event.listen(engine, "connect", _configure_sqlite)
    return engine


def _configure_sqlite(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # FULL: a 202 promises durability, so a commit must survive power loss too. Group commit
    # in service.intake amortises the fsync over many comments.
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def engine_from_settings(settings: Settings) -> Engine:
    """The engine for this process's configured database."""
    return create_db_engine(settings.effective_database_url)


@contextmanager
def open_engine(settings: Settings) -> Iterator[Engine]:
    """The configured database's engine for one command; its connections close on the way out."""
    engine = engine_from_settings(settings)
    try:
        yield engine
    finally:
        engine.dispose()


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions that keep loaded values after commit (store returns plain domain objects)."""
    return sessionmaker(engine, expire_on_commit=False)
