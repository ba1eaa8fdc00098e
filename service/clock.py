"""The service's clock: use cases take it as a parameter so tests can move time."""

from __future__ import annotations

from datetime import UTC, datetime


def utcnow() -> datetime:
    """The current time, timezone-aware."""
    return datetime.now(UTC)
