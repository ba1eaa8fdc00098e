"""One database transaction for a use case, with storage faults re-raised as our own error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.errors import StorageError


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session in a transaction that commits on success; DB faults become StorageError."""
    try:
        with sessions.begin() as session:
            yield session
    except IntegrityError:
        raise  # a constraint says something about the data: the caller decides what
    except DBAPIError as exc:
        raise StorageError(f"database error: {exc.orig}") from exc
