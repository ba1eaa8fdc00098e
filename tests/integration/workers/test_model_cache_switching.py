"""The model cache against the real registry: sha256 checks and picking up a promotion."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import Alias, ModelVersion
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.store import registry
from tests.integration.workers.worker_factories import FakeScorer, make_version
from workers.model_cache import ModelCache, ModelLoadError, Scorer, load_verified


class Clock:
    """A monotonic clock that moves only when told to."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def _promote(sessions: sessionmaker[Session], version_id: str) -> None:
    with sessions.begin() as session:
        registry.set_alias(session, Alias.CHAMPION, version_id, utcnow())


def _artifact(tmp_path: Path, version_id: str) -> ModelVersion:
    path = tmp_path / f"{version_id}.skops"
    path.write_bytes(f"artifact of {version_id}".encode())
    digest = hashlib.sha256(path.read_bytes()).hexdigest()
    return make_version(version_id, artifact_path=str(path), artifact_sha256=digest)


def _fake_load(path: Path) -> Scorer:
    return FakeScorer()


def test_load_verified_refuses_a_tampered_artifact(tmp_path: Path) -> None:
    version = _artifact(tmp_path, "v1")
    Path(version.artifact_path).write_bytes(b"swapped after registration")

    with pytest.raises(ModelLoadError, match="sha256"):
        load_verified(version, load=_fake_load)


def test_model_cache_keeps_the_champion_when_the_new_artifact_is_tampered(
    tmp_path: Path, moderation: Moderation
) -> None:
    good, bad = _artifact(tmp_path, "v1"), _artifact(tmp_path, "v2")
    Path(bad.artifact_path).write_bytes(b"tampered")
    Lifecycle(moderation.sessions).register(good, champion_if_unset=True)
    Lifecycle(moderation.sessions).register(bad)
    cache = ModelCache(
        Lifecycle(moderation.sessions).alias,
        poll_seconds=0.01,
        loader=lambda v: load_verified(v, load=_fake_load),
    )
    assert cache.refresh() is not None

    _promote(moderation.sessions, bad.id)
    loaded = cache.refresh()

    assert loaded is not None
    assert loaded.version.id == good.id


def test_model_cache_picks_up_a_promotion_after_the_poll_interval(
    moderation: Moderation,
) -> None:
    clock = Clock()
    scorers = {"v1": FakeScorer(), "v2": FakeScorer()}
    Lifecycle(moderation.sessions).register(make_version("v1"), champion_if_unset=True)
    Lifecycle(moderation.sessions).register(make_version("v2"))
    cache = ModelCache(
        Lifecycle(moderation.sessions).alias,
        poll_seconds=5,
        loader=lambda v: scorers[v.id],
        clock=clock,
    )
    first = cache.get()

    _promote(moderation.sessions, "v2")
    clock.now += 4.9
    before = cache.get()
    clock.now += 0.1
    after = cache.get()

    assert first is not None
    assert first.scorer is scorers["v1"]
    assert before is first
    assert after is not None
    assert after.scorer is scorers["v2"]
