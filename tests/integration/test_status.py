"""`commentdesk status` reports what the readiness checks find, on SQLite and PostgreSQL."""

from __future__ import annotations

import dataclasses

from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from commentdesk.status import print_status
from service.heartbeat import announce_model
from service.lifecycle import Lifecycle
from service.settings import Settings
from tests.factories import model_version


def _status(settings: Settings) -> tuple[int, list[str]]:
    lines: list[str] = []
    return print_status(settings, lines.append), lines


def test_status_names_the_champion_and_the_workers_that_loaded_it(
    settings: Settings, sessions: sessionmaker[Session], redis: Redis, test_redis_url: str
) -> None:
    Lifecycle(sessions).register(model_version("v-status"), champion_if_unset=True)
    announce_model(redis, "worker-1", "v-status")

    code, lines = _status(dataclasses.replace(settings, redis_url=test_redis_url))

    assert code == 0
    assert "champion model: v-status" in lines
    assert "workers with a model: 1" in lines
    assert "  worker-1: v-status" in lines


def test_status_without_a_champion_or_workers_says_so(
    settings: Settings, redis: Redis, test_redis_url: str
) -> None:
    code, lines = _status(dataclasses.replace(settings, redis_url=test_redis_url))

    assert code == 0  # both answer: nothing is unreachable
    assert "champion model: none" in lines
    assert "workers with a model: 0" in lines


def test_status_is_1_when_redis_does_not_answer(settings: Settings) -> None:
    unreachable = dataclasses.replace(settings, redis_url="redis://127.0.0.1:1/0")

    code, lines = _status(unreachable)

    assert code == 1
    assert any(line.startswith("redis: ") and "UNREACHABLE" in line for line in lines)
