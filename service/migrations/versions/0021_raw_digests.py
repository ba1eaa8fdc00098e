"""sha256 digests as their 32 raw bytes instead of 64 characters of hex

Revision ID: 0021
Revises: 0020
Create Date: 2026-11-30 12:10:00

Issue 10. ``comments.author_key``, ``comments.body_sha256``, ``comments.request_hash`` and
``author_policies.author_key`` hold sha256 digests the server computes, kept as 64 hex
characters in the row and again in ``ix_comments_site_author_created`` and
``ix_author_policies_site_key``. From this revision ``service.models.HexDigest`` stores the 32
bytes they spell (an erased comment's empty body digest as zero bytes); Python still sees the
same hex text.

Every value must be lowercase hex of 64 digits or empty, as the service writes them: any other
(a hand-made row) stops the upgrade naming its row, and nothing is changed. PostgreSQL changes
the columns to ``bytea`` (``decode(…, 'hex')``), one rewrite of each table. SQLite keeps the
declared VARCHAR(64) (TEXT affinity stores a blob as a blob, so no table is rebuilt) and
rewrites the values in place with a Python function on the migration's connection (SQLite 3.40
has no ``unhex()``). The downgrade gives back the same lowercase hex text.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from alembic import op

revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None

# Every digest column (a test checks them against the models' HexDigest columns).
DIGESTS: dict[str, tuple[str, ...]] = {
    "comments": ("author_key", "body_sha256", "request_hash"),
    "author_policies": ("author_key",),
}
_Sql = Callable[[str], str]  # a column name → an SQL expression on it
_UNHEX = "commentdesk_unhex"  # registered on the migration's SQLite connection only


def upgrade() -> None:
    for table, columns in DIGESTS.items():
        for column in columns:
            _stop_on_other_text(table, column)
    if op.get_bind().dialect.name == "sqlite":
        _register_unhex()
        for table, columns in DIGESTS.items():
            _rewrite(table, columns, lambda c: f"typeof({c}) = 'text'", lambda c: f"{_UNHEX}({c})")
        return
    for table, columns in DIGESTS.items():
        _alter(table, columns, "bytea", lambda c: f"decode({c}, 'hex')")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table, columns in DIGESTS.items():
            _rewrite(
                table, columns, lambda c: f"typeof({c}) = 'blob'", lambda c: f"lower(hex({c}))"
            )
        return
    for table, columns in DIGESTS.items():
        _alter(table, columns, "varchar(64)", lambda c: f"encode({c}, 'hex')")


def _stop_on_other_text(table: str, column: str) -> None:
    """Raise, naming the first row, if a value is not what the service writes."""
    connection = op.get_bind()
    if connection.dialect.name == "sqlite":
        other = (
            f"typeof({column}) = 'text' AND {column} != ''"
            f" AND (length({column}) != 64 OR {column} GLOB '*[^0-9a-f]*')"
        )
        row = "rowid"
    else:
        other = f"{column} !~ '^([0-9a-f]{{64}})?$'"
        row = "ctid"
    found = connection.exec_driver_sql(
        f"SELECT {row}, {column} FROM {table} WHERE {other} LIMIT 1"  # noqa: S608
    ).first()
    if found is not None:
        raise RuntimeError(
            f"{table}.{column} of row {found[0]} is not a sha256 hex digest ({found[1]!r});"
            " nothing was changed"
        )


def _register_unhex() -> None:
    # The DBAPI connection under the migration's; the function lives as long as it does.
    driver = op.get_bind().connection.driver_connection
    assert driver is not None
    driver.create_function(_UNHEX, 1, _unhex, deterministic=True)


def _unhex(value: str | None) -> bytes | None:
    return None if value is None else bytes.fromhex(value)


def _rewrite(table: str, columns: tuple[str, ...], when: _Sql, convert: _Sql) -> None:
    """One UPDATE of the table: each row is rewritten once, whichever of its columns change."""
    assignments = ", ".join(
        f"{c} = CASE WHEN {when(c)} THEN {convert(c)} ELSE {c} END" for c in columns
    )
    where = " OR ".join(when(c) for c in columns)
    op.get_bind().exec_driver_sql(f"UPDATE {table} SET {assignments} WHERE {where}")  # noqa: S608


def _alter(table: str, columns: tuple[str, ...], to: str, convert: _Sql) -> None:
    """One ALTER TABLE: PostgreSQL rewrites the table (and rebuilds its indexes) once."""
    changes = ", ".join(f"ALTER COLUMN {c} TYPE {to} USING {convert(c)}" for c in columns)
    op.execute(sa.text(f"ALTER TABLE {table} {changes}"))
