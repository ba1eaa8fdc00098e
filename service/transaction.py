"""One database transaction for a use case, with storage faults re-raised as our own error."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import DBAPIError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from service.errors import StorageError

# What the drivers raise when the database cannot be reached or written at all (connection
# refused or lost, disk full, read-only files), as opposed to refusing one statement.
_OUTAGES = (OperationalError, InterfaceError)


@contextmanager
def transaction(sessions: sessionmaker[Session]) -> Iterator[Session]:
    """A session in a transaction that commits on success; DB faults become StorageError."""
    try:
        with sessions.begin() as session:
            yield session
    except IntegrityError:
        raise  # a constraint says something about the data: the caller decides what
    except DBAPIError as exc:
        raise storage_error(exc) from exc


def storage_error(exc: DBAPIError) -> StorageError:
    """Our error for a driver error: a plain public detail, the driver's text kept as the cause."""
    if isinstance(exc, _OUTAGES) or exc.connection_invalidated:
        return StorageError()
    return StorageError("the database refused to store this request", is_outage=False)
