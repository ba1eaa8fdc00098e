"""Fixtures for shadow tests: a champion, a challenger that disagrees, a shadow-scoring worker."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker

from service.domain import ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from tests.integration.shadow.shadow_factories import (
    CHALLENGER_ID,
    ChallengerScorer,
    set_challenger,
)
from tests.integration.workers.worker_factories import FakeScorer, make_version
from workers.challenger import build_shadow_scorer
from workers.context import WorkerContext, install
from workers.model_cache import ModelCache, ModelLoadError, Scorer


@pytest.fixture
def scorers() -> dict[str, Scorer]:
    """Version id → scorer the fake loader hands out; tests replace entries."""
    return {"v-test": FakeScorer(), CHALLENGER_ID: ChallengerScorer()}


def _fake_loader(scorers: dict[str, Scorer]) -> Callable[[ModelVersion], Scorer]:
    def load(version: ModelVersion) -> Scorer:
        if version.id not in scorers:
            raise ModelLoadError(f"no artifact for {version.id}")
        return scorers[version.id]

    return load


@pytest.fixture
def shadow_context(
    moderation: Moderation,
    sessions: sessionmaker[Session],
    redis: Redis,
    settings: Settings,
    scorers: dict[str, Scorer],
) -> Iterator[WorkerContext]:
    """A worker context with shadow scoring, installed for this test."""
    loader = _fake_loader(scorers)
    models = ModelCache(
        Lifecycle(moderation.sessions).alias,
        poll_seconds=settings.model_poll_seconds,
        loader=loader,
    )
    shadow = build_shadow_scorer(sessions, settings, loader=loader)
    context = WorkerContext("test-worker", settings, moderation, redis, models, shadow=shadow)
    install(context)
    yield context
    install(None)


@pytest.fixture
def challenger(moderation: Moderation, sessions: sessionmaker[Session]) -> ModelVersion:
    """A second version registered and set as challenger."""
    version = make_version(CHALLENGER_ID)
    Lifecycle(moderation.sessions).register(version)
    set_challenger(sessions, version.id)
    return version


# The HTTP fixtures (a real app on this test's database and Redis, API keys per role).
from tests.integration.http.conftest import app_settings, client, contract, make_key, ops  # noqa: E402, F401
