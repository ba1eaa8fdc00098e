"""comment ids as their 16 bytes: a native uuid on PostgreSQL, a 16-byte BLOB on SQLite

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30 14:40:00

Issue 10. Comment ids are UUIDs the service makes (``new_comment_id``), kept as their 36
characters of canonical text in ``comments`` (id, parent_id, root_id) and in the comment_id of
eight tables, in the row and again in each index holding them. From this revision
``service.column_types.CommentId`` stores the 16 bytes they spell; Python still sees the same
lowercase text, and the bytes sort as the text did (so ``ORDER BY id`` and keyset cursors do
not change).

Every value must be a UUID in canonical lowercase text, as the service writes them: any other
(a hand-made row) stops the upgrade naming its table and row, and nothing is changed.
PostgreSQL changes the columns to ``uuid`` (the foreign keys to comments.id are dropped first
and made again after, as both ends must have the same type; the indexes are rebuilt with their
tables). SQLite keeps the declared VARCHAR(36) (TEXT affinity stores a blob as a blob, so no
table is rebuilt and no index is dropped) and rewrites the values in place with a Python
function on the migration's connection, its foreign keys checked at the commit (both ends
change in different statements). The downgrade gives back the same lowercase text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# Every column holding a comment id (a test checks them against the models' CommentId columns).
COMMENT_IDS: dict[str, tuple[str, ...]] = {
    "comments": ("id", "parent_id", "root_id"),
    "moderation_actions": ("comment_id",),
    "appeals": ("comment_id",),
    "comment_scores": ("comment_id",),
    "reports": ("comment_id",),
    "comment_revisions": ("comment_id",),
    "comment_fingerprints": ("comment_id",),
    "outbox": ("comment_id",),
    "webhook_deliveries": ("comment_id",),
}
_Sql = Callable[[str], str]  # a column name → an SQL expression on it
_TO_BYTES = "commentdesk_comment_id_bytes"  # registered on the migration's SQLite connection
_REPLIES = "ix_0022_replies"  # the migration's own index, dropped before it ends
_HEX = "[0-9a-f]"
_CANONICAL_GLOB = "-".join(_HEX * n for n in (8, 4, 4, 4, 12))
_CANONICAL_REGEX = "^" + "-".join(f"{_HEX}{{{n}}}" for n in (8, 4, 4, 4, 12)) + "$"


def upgrade() -> None:
    for table, columns in COMMENT_IDS.items():
        for column in columns:
            _stop_on_other_text(table, column)
    if op.get_bind().dialect.name == "sqlite":
        _register_to_bytes()
    _convert(sqlite_from="text", sqlite_to=lambda c: f"{_TO_BYTES}({c})", postgres_to="uuid")


def downgrade() -> None:
    _convert(sqlite_from="blob", sqlite_to=_canonical_text, postgres_to="varchar(36)")


def _convert(sqlite_from: str, sqlite_to: _Sql, postgres_to: str) -> None:
    """Every comment-id column: on SQLite each value of type ``sqlite_from`` becomes
    ``sqlite_to`` of it, in place; on PostgreSQL each column becomes ``postgres_to``."""
    if op.get_bind().dialect.name == "sqlite":
        _defer_foreign_keys()
        for table, columns in _with_replies_indexed():
            _rewrite(table, columns, lambda c: f"typeof({c}) = '{sqlite_from}'", sqlite_to)
        _check_foreign_keys()
        return
    foreign_keys = _drop_foreign_keys()
    for table, columns in COMMENT_IDS.items():
        _alter(table, columns, postgres_to, lambda c: f"{c}::{postgres_to}")
    _create_foreign_keys(foreign_keys)


def _stop_on_other_text(table: str, column: str) -> None:
    """Raise, naming the first row by its primary key, if a value is not what the service
    writes."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        other = (
            f"typeof({column}) NOT IN ('blob', 'null') AND NOT (typeof({column}) = 'text'"
            f" AND length({column}) = 36 AND {column} GLOB '{_CANONICAL_GLOB}')"
        )
    else:
        other = f"{column}::text !~ '{_CANONICAL_REGEX}'"
    key = sa.inspect(connection).get_pk_constraint(table)["constrained_columns"]
    found = connection.exec_driver_sql(
        f"SELECT {', '.join(key)}, {column} FROM {table} WHERE {other} LIMIT 1"  # noqa: S608
    ).first()
    if found is not None:
        row = ", ".join(f"{name}={value!r}" for name, value in zip(key, found, strict=False))
        raise RuntimeError(
            f"{table}.{column} of the row {row} is not a comment id, a UUID in lowercase"
            f" canonical text ({found[-1]!r}); nothing was changed"
        )


def _defer_foreign_keys() -> None:
    # Each end of a foreign key changes in its own UPDATE: SQLite checks them at the commit.
    # The pragma holds for the open transaction only, and pysqlite opens one before its first
    # UPDATE, so an UPDATE of no row comes first.
    connection = op.get_bind()
    connection.exec_driver_sql("UPDATE comments SET id = id WHERE 0")
    connection.exec_driver_sql("PRAGMA defer_foreign_keys = ON")


def _with_replies_indexed() -> Iterator[tuple[str, tuple[str, ...]]]:
    """The tables to rewrite, while a temporary index on comments.parent_id exists.

    Each comment whose id changes makes SQLite look for the replies holding the old and the new
    value (to count the foreign key's deferred violations); without an index on parent_id that
    is a scan of comments per comment (hours for 100,000). Every other table referring to
    comments has an index led by its comment_id.
    """
    connection = op.get_bind()
    connection.exec_driver_sql(f"CREATE INDEX {_REPLIES} ON comments (parent_id)")
    yield from COMMENT_IDS.items()
    connection.exec_driver_sql(f"DROP INDEX {_REPLIES}")


def _check_foreign_keys() -> None:
    broken = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").first()
    if broken is not None:
        raise RuntimeError(f"a foreign key no longer holds after the rewrite: {tuple(broken)}")


def _register_to_bytes() -> None:
    # The DBAPI connection under the migration's; the function lives as long as it does.
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    driver.create_function(_TO_BYTES, 1, _to_bytes, deterministic=True)


def _to_bytes(value: str | None) -> bytes | None:
    return None if value is None else bytes.fromhex(value.replace("-", ""))


def _canonical_text(column: str) -> str:
    digits = f"lower(hex({column}))"
    parts = [f"substr({digits}, {start}, {size})" for start, size in _GROUPS]
    return " || '-' || ".join(parts)


_GROUPS = ((1, 8), (9, 4), (13, 4), (17, 4), (21, 12))  # where each group of hex digits starts


def _rewrite(table: str, columns: tuple[str, ...], when: _Sql, convert: _Sql) -> None:
    """One UPDATE of the table: each row is rewritten once, whichever of its columns change."""
    assignments = ", ".join(
        f"{c} = CASE WHEN {when(c)} THEN {convert(c)} ELSE {c} END" for c in columns
    )
    where = " OR ".join(when(c) for c in columns)
    op.get_bind().exec_driver_sql(f"UPDATE {table} SET {assignments} WHERE {where}")  # noqa: S608


_ForeignKey = tuple[str, str, list[str], dict[str, Any]]  # table, name, columns, options


def _drop_foreign_keys() -> list[_ForeignKey]:
    """Drop every foreign key to comments.id (PostgreSQL); what is needed to make it again."""
    inspector = sa.inspect(op.get_bind())
    found: list[_ForeignKey] = []
    for table in COMMENT_IDS:
        for key in inspector.get_foreign_keys(table):
            if key["referred_table"] == "comments" and key["name"] is not None:
                options = dict(key.get("options", {}))
                found.append((table, key["name"], key["constrained_columns"], options))
    for table, name, _, _ in found:
        op.drop_constraint(name, table, type_="foreignkey")
    return found


def _create_foreign_keys(found: list[_ForeignKey]) -> None:
    for table, name, columns, options in found:
        op.create_foreign_key(name, table, "comments", columns, ["id"], **options)


def _alter(table: str, columns: tuple[str, ...], to: str, convert: _Sql) -> None:
    """One ALTER TABLE: PostgreSQL rewrites the table (and rebuilds its indexes) once."""
    changes = ", ".join(f"ALTER COLUMN {c} TYPE {to} USING {convert(c)}" for c in columns)
    op.execute(sa.text(f"ALTER TABLE {table} {changes}"))
