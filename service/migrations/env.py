"""Alembic environment: runs migrations on the connection or URL the caller configured."""

from __future__ import annotations

import os
import warnings
from typing import Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy import Connection

from service.column_types import UTCDateTime
from service.db import create_db_engine
from service.models import Base
from service.settings import Settings

config = context.config
target_metadata = Base.metadata

# Neither backend's reflection returns expression indexes (ix_comments_status_risk), so the
# drift check cannot compare them; migration 0004 creates it, and a test checks it exists.
warnings.filterwarnings("ignore", message=".*expression-based index")


def _render_item(type_: str, obj: object, _autogen_context: AutogenContext) -> str | Literal[False]:
    # Migrations stay frozen: they spell our column types in plain SQLAlchemy, never import ours.
    if type_ == "type" and isinstance(obj, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",  # SQLite alters tables by copy
        compare_type=True,
        render_item=_render_item,
    )
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    """Use the connection handed over by ``service.migrate``, else the configured database."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    url = (
        config.get_main_option("sqlalchemy.url")
        or Settings.from_env(os.environ).effective_database_url
    )
    engine = create_db_engine(url)
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


run_migrations_online()
