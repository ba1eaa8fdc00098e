"""Engine and session factory for SQLite (embedded default) and PostgreSQL."""

from __future__ import annotations

import json
import select
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import InvalidatePoolError
from sqlalchemy.orm import Session, sessionmaker

from service.settings import Settings

# JSON columns (scores, reasons, evidence, outbox payloads) without the spaces json.dumps puts
# after every separator by default: the same JSON in fewer bytes on disk. One encoder made once
# (json.dumps with any option makes one per call: ~2 µs more for every JSON value of every row
# a worker writes); its output is json.dumps's with these separators, byte for byte.
_compact_json = json.JSONEncoder(separators=(",", ":")).encode

# The peer closed its end (Linux); elsewhere the readable EOF (POLLIN) tells the same.
_POLLRDHUP = getattr(select, "POLLRDHUP", 0)
_FRESH = "commentdesk_fresh"  # a pool record's info key: connected, never checked out yet


def create_db_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    kwargs.setdefault("json_serializer", _compact_json)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _create_sqlite_engine(url, parsed.database, **kwargs)
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        # psycopg 3 is the driver we install; plain postgresql:// would look for psycopg2.
        url = parsed.set(drivername="postgresql+psycopg").render_as_string(hide_password=False)
    if make_url(url).get_driver_name() != "psycopg":
        return create_engine(url, pool_pre_ping=True, **kwargs)
    # No pre-ping: its SELECT 1 is a round trip on every checkout, i.e. on every intake batch
    # (issue 10). A closed server connection is found on the socket instead, at no round trip.
    engine = create_engine(url, **kwargs)
    # A batch's rows in one multi-row INSERT, as SQLAlchemy already sends INSERT ... RETURNING;
    # psycopg's executemany runs the statement once per row on the server (issue 10).
    engine.dialect.use_insertmanyvalues_wo_returning = True
    event.listen(engine.pool, "connect", _mark_fresh)
    event.listen(engine.pool, "checkout", _discard_if_closed_by_server)
    return engine


def _mark_fresh(_dbapi_connection: Any, record: Any) -> None:
    record.info[_FRESH] = True


def _discard_if_closed_by_server(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
    """Make the pool replace its connections when the server has closed this one.

    An idle PostgreSQL connection receives nothing unasked: when the server goes away (stopped,
    restarted, the backend terminated, an idle timeout) it sends its FATAL error and closes the
    socket, so the socket is readable or hung up. Polling it without waiting finds that, as
    pre-ping's ``SELECT 1`` would, and a DisconnectionError raised in the checkout hook makes
    the pool connect afresh (SQLAlchemy's "pessimistic" disconnect handling with events). As
    after a failed pre-ping, every connection pooled before now is replaced too (the server
    restarted, most likely), and a connection just opened is not checked. A connection that
    merely looks suspect is only replaced, never used wrongly.
    """
    if record.info.pop(_FRESH, False):
        return
    if dbapi_connection.closed or dbapi_connection.broken or _has_unasked_input(dbapi_connection):
        raise InvalidatePoolError("the server closed a pooled connection")


def _has_unasked_input(dbapi_connection: Any) -> bool:
    try:
        fd = dbapi_connection.fileno()
    except Exception:  # psycopg raises once the connection is closed: replace it
        return True
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI | _POLLRDHUP)
    # POLLERR, POLLHUP and POLLNVAL are always reported, asked for or not.
    return bool(poller.poll(0))


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
