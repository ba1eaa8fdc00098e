"""Fixtures of the service integration tests."""

from __future__ import annotations

import pytest
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from service.claims import Claims
from service.events import RedisEvents
from service.settings import Settings
from service.workspace import Workspace


@pytest.fixture
def workspace(sessions: sessionmaker[Session], settings: Settings, redis: Redis) -> Workspace:
    return Workspace(sessions, settings, Claims(redis, 60), RedisEvents(redis))
