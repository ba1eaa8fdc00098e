"""Fixtures for lifecycle integration tests: a tiny corpus and its artifact, an installed worker,
and the HTTP tests' app and keys."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from redis import Redis
from rq import SimpleWorker
from rq.serializers import JSONSerializer
from sqlalchemy.orm import Session, sessionmaker

from classifier.artifact import save_model
from classifier.training import train_model
from service.domain import ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from service.training_queue import TrainingQueue
from tests.integration.http.conftest import app_settings, client, contract, make_key, ops  # noqa: F401
from tests.integration.lifecycle.corpus import write_corpus
from tests.integration.workers.worker_factories import FakeScorer
from workers.context import WorkerContext, install
from workers.model_cache import ModelCache, Scorer
from workers.registration import register_artifact


@pytest.fixture(scope="session")
def artifact_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A valid artifact of a model trained on the tiny corpus."""
    root = tmp_path_factory.mktemp("lifecycle")
    model = train_model(write_corpus(root / "data"))
    path = root / "tiny.skops"
    save_model(model, path)
    return path


@pytest.fixture
def train_settings(settings: Settings, tmp_path: Path) -> Settings:
    """Settings whose training data is the tiny corpus."""
    return dataclasses.replace(settings, training_data=write_corpus(tmp_path / "data"))


@pytest.fixture
def lifecycle(sessions: sessionmaker[Session], redis: Redis) -> Lifecycle:
    return Lifecycle(sessions, training=TrainingQueue(redis))


@pytest.fixture
def scorers() -> dict[str, Scorer]:
    """Version id → the fake scorer the worker's model cache hands out."""
    return {"v1": FakeScorer(), "v2": FakeScorer()}


@pytest.fixture
def installed(
    moderation: Moderation, redis: Redis, train_settings: Settings, scorers: dict[str, Scorer]
) -> Iterator[WorkerContext]:
    """A worker context installed for this test (classification uses fake scorers)."""
    models = ModelCache(
        Lifecycle(moderation.sessions).alias, poll_seconds=3600, loader=lambda v: scorers[v.id]
    )
    context = WorkerContext("test-worker", train_settings, moderation, redis, models)
    install(context)
    yield context
    install(None)


@pytest.fixture
def burst(redis: Redis) -> Callable[[str], bool]:
    """Run a real non-forking RQ worker on one queue until it is empty."""

    def run(queue: str) -> bool:
        worker = SimpleWorker([queue], connection=redis, serializer=JSONSerializer)
        return bool(worker.work(burst=True))

    return run


@pytest.fixture
def site_settings(settings: Settings) -> Settings:
    """A fresh install's settings: no public training data anywhere."""
    return dataclasses.replace(settings, training_data=None)


@pytest.fixture
def prior_champion(lifecycle: Lifecycle, site_settings: Settings, tmp_path: Path) -> ModelVersion:
    """A real (tiny) prior model registered and made champion, as `migrate` does with the
    shipped one."""
    model = train_model(write_corpus(tmp_path / "prior-data"))
    path = tmp_path / "prior.skops"
    save_model(model, path)
    version = register_artifact(lifecycle, path, {"id": "v0-prior"})
    lifecycle.promote(version.id, "migrate")
    return version
