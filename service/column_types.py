"""Column types of our own: how a value the service speaks in is stored (issue 10's compact
storage). ``service.models`` declares the tables with them; migrations and their tests use them.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any, cast

from sqlalchemy import DateTime, Dialect, LargeBinary, SmallInteger, String, TypeDecorator, Uuid
from sqlalchemy.dialects import sqlite
from sqlalchemy.types import TypeEngine

from service.domain import stored_events
from service.domain.comment_ids import canonical, is_comment_id

# Timestamps on SQLite are whole microseconds since this instant (see UTCDateTime).
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


class _SQLiteMicroseconds(sqlite.DATETIME):
    """SQLite's DATETIME in the DDL, its values passed through as the integers UTCDateTime gives.

    A subclass of the dialect's own type, so the dialect keeps it as it is rather than adapt it
    to DATETIME's text processors; the declared type stays DATETIME (NUMERIC affinity, which
    stores an integer as an integer), so the schema did not change when the values did.
    """

    def bind_processor(self, dialect: Dialect) -> None:
        return None

    def result_processor(self, dialect: Dialect, coltype: object) -> None:
        return None

    def literal_processor(self, dialect: Dialect) -> Callable[[Any], str]:
        return str


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    PostgreSQL stores a ``timestamptz``. SQLite stores the microseconds since 1970-01-01 UTC as
    an integer (8 bytes, against 26 characters of ISO text in every row and index that holds
    one; migration 0018): exact, ordered like the instants, and compared as numbers.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            # SQLAlchemy's SQLite types are not annotated.
            return dialect.type_descriptor(_SQLiteMicroseconds())  # type: ignore[no-untyped-call]
        return dialect.type_descriptor(DateTime(timezone=True))

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | int | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        if dialect.name == "sqlite":
            return microseconds(value)
        return value.astimezone(UTC)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, int):
            return from_microseconds(value)
        # SQLite's text before migration 0018 (migration tests read such a database), else
        # PostgreSQL's datetime.
        stored = datetime.fromisoformat(value) if isinstance(value, str) else cast(datetime, value)
        return stored.replace(tzinfo=UTC) if stored.tzinfo is None else stored.astimezone(UTC)


def microseconds(at: datetime) -> int:
    """The whole microseconds from 1970-01-01 UTC to the aware ``at`` (exact: no float)."""
    return (at - EPOCH) // _MICROSECOND


def from_microseconds(count: int) -> datetime:
    """The UTC instant ``count`` microseconds after 1970-01-01 (the inverse of microseconds)."""
    return EPOCH + timedelta(microseconds=count)


class EventKind(TypeDecorator[str]):
    """An outbox event's kind (``comment.decided``), stored as its fixed number (issue 10).

    The store and queries keep speaking in kinds; only the column holds the small integer
    (service/domain/stored_events.py, ``KIND_CODES``).
    """

    impl = SmallInteger
    cache_ok = True

    def process_bind_param(self, value: str | None, dialect: Dialect) -> int | None:
        return None if value is None else stored_events.kind_code(value)

    def process_result_value(self, value: int | None, dialect: Dialect) -> str | None:
        return None if value is None else stored_events.kind_of_code(value)


# What HexDigest accepts: a sha256 hexdigest, or "" (the body digest of an erased comment).
_HEX_DIGEST = re.compile(r"(?:[0-9a-f]{64})?")


class HexDigest(TypeDecorator[str]):
    """A sha256 digest the server computed: lowercase hex text in Python, its 32 raw bytes in
    the database (issue 10, migration 0021: 32 bytes less in every row and index entry).

    PostgreSQL stores a ``bytea``. SQLite keeps the declared VARCHAR(64) and stores a BLOB in it
    (TEXT affinity converts numbers, never blobs), so the schema did not change when the values
    did; a blob equals only a blob, compared byte by byte. Only lowercase hex of 64 digits, or
    "" (an erased comment's body digest, stored as zero bytes), is accepted: anything else
    raises rather than be stored as something that would not read back the same.
    """

    impl = String(64)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(64))
        return dialect.type_descriptor(LargeBinary(32))

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | None:
        if value is None:
            return None
        if not isinstance(value, str) or not _HEX_DIGEST.fullmatch(value):
            raise ValueError(f"not a sha256 hex digest: {value!r}")
        return bytes.fromhex(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None:
            return None
        if isinstance(value, str):
            return value  # SQLite's text before migration 0021 (migration tests read it)
        return bytes(value).hex()


class CommentId(TypeDecorator[str]):
    """A comment id: its canonical lowercase UUID text in Python, its 16 bytes in the database
    (issue 10, migration 0022: 20 bytes less in every row and index entry that holds one).

    PostgreSQL stores a native ``uuid``. SQLite keeps the declared VARCHAR(36) and stores a
    16-byte BLOB in it (TEXT affinity converts numbers, never blobs), so no table was rebuilt.
    The bytes sort as the text does (hex digits in order, the dashes at fixed places), so
    ``ORDER BY id`` and keyset pagination are unchanged; PostgreSQL compares uuids byte by
    byte too. Only the canonical text is accepted (``service.domain.comment_ids``): anything
    else raises rather than be stored, or compared, as something it is not. The HTTP boundary
    turns such a string from a client into "not found" before it reaches a query.
    """

    impl = String(36)
    cache_ok = True

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine[Any]:
        if dialect.name == "sqlite":
            return dialect.type_descriptor(String(36))
        return dialect.type_descriptor(Uuid(as_uuid=False))

    def process_bind_param(self, value: str | None, dialect: Dialect) -> bytes | str | None:
        if value is None:
            return None
        if not is_comment_id(value):
            raise ValueError(f"not a comment id (a lowercase canonical UUID): {value!r}")
        if dialect.name == "sqlite":
            return bytes.fromhex(value.replace("-", ""))
        return value

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        if value is None or isinstance(value, str):
            # PostgreSQL's uuid as text (Uuid(as_uuid=False)), or SQLite's text before
            # migration 0022 (migration tests read it).
            return value
        return canonical(bytes(value).hex())
