"""Reads that run for every batch, as Core statements built once (issue 10).

Building an ORM query, its cache key and ORM objects each time cost intake ~0.6 ms of CPU a batch
(a fifth of the API's CPU per comment at 500 comments/s, bench/api_cpu.py); a statement built
at import with expanding IN parameters is compiled once and returns plain rows.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import Executable, Row
from sqlalchemy.orm import Session


def read_rows(
    session: Session, statement: Executable, parameters: Mapping[str, Any]
) -> Sequence[Row[Any]]:
    """The rows of a prebuilt statement, on the session's connection and transaction.

    Flushes first when the session would have (a Core statement on the connection skips
    autoflush), so pending changes of the same transaction are seen.
    """
    if session.autoflush:
        session.flush()
    return session.connection().execute(statement, dict(parameters)).all()
