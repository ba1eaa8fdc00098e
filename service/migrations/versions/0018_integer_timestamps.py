"""integer timestamps on SQLite: microseconds since 1970-01-01 UTC

Revision ID: 0018
Revises: 0017
Create Date: 2026-11-30 11:30:00

Issue 10. SQLite kept every timestamp as the 26 characters SQLAlchemy writes,
"YYYY-MM-DD HH:MM:SS.ffffff" (UTC), in the row and again in each index holding it. From this
revision ``service.models.UTCDateTime`` stores the whole microseconds since 1970-01-01 UTC as an
integer (8 bytes) instead. The declared type stays DATETIME (NUMERIC affinity keeps an integer
an integer), so no table is rebuilt: every value is rewritten in place, exactly, in SQL (the
seconds from ``strftime('%s')``, the six digits of the fraction as they are; never a julianday
float). A text value in any other shape (none is written by the service; a hand-made row might
be) is read the way the release before read it, Python's ``datetime.fromisoformat`` (naive means
UTC), or stops the upgrade naming its row; nothing is changed then.

The downgrade writes every integer back as the text SQLAlchemy writes. PostgreSQL keeps its
``timestamptz`` columns (already 8 bytes): a no-op there.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None

# Every timestamp column at this revision (a test checks the list against the schema).
TIMESTAMPS: dict[str, tuple[str, ...]] = {
    "api_keys": ("created_at", "revoked_at"),
    "appeals": ("filed_at", "decided_at"),
    "article_settings": ("set_at",),
    "author_notes": ("written_at",),
    "author_policies": ("set_at", "expires_at"),
    "comment_fingerprints": ("created_at",),
    "comment_revisions": ("created_at", "replaced_at"),
    "comments": ("created_at", "decided_at", "envelope_purged_at", "deleted_at", "erased_at"),
    "erasures": ("created_at",),
    "model_alias_events": ("created_at",),
    "model_aliases": ("updated_at",),
    "model_artifacts": ("created_at",),
    "model_versions": ("created_at",),
    "moderation_actions": ("created_at",),
    "outbox": ("created_at",),
    "reports": ("created_at", "resolved_at"),
    "training_uploads": ("created_at",),
    "users": ("created_at", "disabled_at"),
    "watch_lists": ("updated_at",),
    "watched_words": ("added_at",),
    "web_sessions": ("created_at", "expires_at"),
    "webhook_attempts": ("attempted_at",),
    "webhook_deliveries": ("next_attempt_at", "created_at", "delivered_at"),
    "webhook_endpoints": (
        "previous_secret_until",
        "created_at",
        "disabled_at",
        "retry_at",
        "lease_until",
        "last_success_at",
        "last_failure_at",
    ),
}

_Sql = Callable[[str], str]  # a column name → an SQL expression on it
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_DIGIT = "[0-9]"
# SQLAlchemy's shape, "YYYY-MM-DD HH:MM:SS.ffffff": every text value it wrote has it.
_WRITTEN = (
    f"{_DIGIT * 4}-{_DIGIT * 2}-{_DIGIT * 2} {_DIGIT * 2}:{_DIGIT * 2}:{_DIGIT * 2}.{_DIGIT * 6}"
)


def _is_written(column: str) -> str:
    # Converted in SQL only when the integer gives the same text back: strftime('%s') would
    # quietly count 2026-02-30 as 2 March, which Python refuses (so such a row stops the upgrade).
    return (
        f"(typeof({column}) = 'text' AND {column} GLOB '{_WRITTEN}'"
        f" AND {_to_text(_to_microseconds(column))} = {column})"
    )


def _to_microseconds(column: str) -> str:
    return (
        f"(CAST(strftime('%s', substr({column}, 1, 19)) AS INTEGER) * 1000000"
        f" + CAST(substr({column}, 21) AS INTEGER))"
    )


def _to_text(column: str) -> str:
    # Floor division by hand (SQLite's / and % truncate towards zero): exact before 1970 too.
    fraction = f"(({column} % 1000000) + 1000000) % 1000000"
    seconds = f"({column} - {fraction}) / 1000000"
    return (
        f"strftime('%Y-%m-%d %H:%M:%S', {seconds}, 'unixepoch')"
        f" || '.' || printf('%06d', {fraction})"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in TIMESTAMPS.items():
        _rewrite(table, columns, _is_written, _to_microseconds)
        for column in columns:
            _rewrite_the_rest(table, column)


def downgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table, columns in TIMESTAMPS.items():
        _rewrite(table, columns, lambda c: f"typeof({c}) = 'integer'", _to_text)


def _rewrite(table: str, columns: tuple[str, ...], when: _Sql, convert: _Sql) -> None:
    """One UPDATE of the table: each row is rewritten once, whichever of its columns change."""
    assignments = ", ".join(
        f"{c} = CASE WHEN {when(c)} THEN {convert(c)} ELSE {c} END" for c in columns
    )
    where = " OR ".join(when(c) for c in columns)
    op.get_bind().exec_driver_sql(f"UPDATE {table} SET {assignments} WHERE {where}")  # noqa: S608


def _rewrite_the_rest(table: str, column: str) -> None:
    """Text the SQL did not take, converted as the release before read it, or a clear stop."""
    connection = op.get_bind()
    rows = connection.exec_driver_sql(
        f"SELECT rowid, {column} FROM {table} WHERE typeof({column}) = 'text'"  # noqa: S608
    ).all()
    update = sa.text(f"UPDATE {table} SET {column} = :value WHERE rowid = :rowid")  # noqa: S608
    for rowid, value in rows:
        connection.execute(
            update, {"value": _microseconds_of(table, column, rowid, value), "rowid": rowid}
        )


def _microseconds_of(table: str, column: str, rowid: int, value: str) -> int:
    try:
        at = datetime.fromisoformat(value)
    except ValueError as error:
        raise RuntimeError(
            f"{table}.{column} of row {rowid} is not a timestamp ({value!r}); nothing was changed"
        ) from error
    at = at.replace(tzinfo=UTC) if at.tzinfo is None else at.astimezone(UTC)
    return (at - _EPOCH) // timedelta(microseconds=1)
