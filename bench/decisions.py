"""Reading decisions back from the service's database (the bench's only view of the workers)."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import func, select

from service.db import create_db_engine
from service.models import CommentRow

PENDING = "pending"
POLL_S = 0.25


class DecisionReader:
    """Counts pending comments and reads ``decided_at`` per comment id."""

    def __init__(self, database_url: str) -> None:
        self._engine = create_db_engine(database_url)

    def pending(self) -> int:
        """How many comments are not decided yet."""
        query = select(func.count()).select_from(CommentRow).where(CommentRow.status == PENDING)
        with self._engine.connect() as conn:
            return int(conn.scalar(query) or 0)

    def wait_drained(self, timeout_s: float) -> float | None:
        """Seconds until nothing is pending, or None if the timeout passed first."""
        started = time.monotonic()
        for _ in range(int(timeout_s / POLL_S) + 1):
            if self.pending() == 0:
                return time.monotonic() - started
            time.sleep(POLL_S)
        return None

    def decided_at(self) -> dict[str, datetime | None]:
        """``decided_at`` of every comment (None while pending)."""
        with self._engine.connect() as conn:
            rows = conn.execute(select(CommentRow.id, CommentRow.decided_at)).all()
        return {str(row[0]): row[1] for row in rows}

    def status_counts(self) -> dict[str, int]:
        """Comments per status, to show the workers routed a realistic spread."""
        query = select(CommentRow.status, func.count()).group_by(CommentRow.status)
        with self._engine.connect() as conn:
            return {status: int(count) for status, count in conn.execute(query).all()}

    def close(self) -> None:
        """Release the connection pool."""
        self._engine.dispose()
