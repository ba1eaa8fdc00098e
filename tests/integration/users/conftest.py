"""Fixtures of the account tests: a settable clock and Users with cheap hashes."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.users import Users
from tests.integration.http.signin import CHEAP


class Clock:
    """A settable clock, so expiry, created_at and disabled_at are predictable."""

    def __init__(self) -> None:
        self.now = datetime(2025, 3, 1, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def users(sessions: sessionmaker[Session], clock: Clock) -> Users:
    return Users(sessions, 600.0, clock=clock, params=CHEAP)
