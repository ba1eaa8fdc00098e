"""The model cache's polling, switching and refusal logic, with fakes at its seams."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest

from service.domain import Alias, ModelVersion
from service.errors import StorageError
from tests.factories import model_version
from workers.model_cache import (
    ModelCache,
    ModelLoadError,
    Scorer,
    load_verified,
    resolve_artifact_path,
)


class StubScorer:
    labels = ("spam", "toxic")

    def __init__(self, metadata: dict[str, Any] | None = None) -> None:
        self.metadata = metadata or {}

    def predict_proba(self, texts: Sequence[str]) -> Any:
        return [[0.0, 0.0] for _ in texts]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Registry:
    """Stands in for Lifecycle.alias: what the alias points at and how often it was read."""

    def __init__(self, version: ModelVersion | None) -> None:
        self.version = version
        self.reads = 0
        self.error: Exception | None = None

    def __call__(self, alias: Alias) -> ModelVersion | None:
        assert alias is Alias.CHAMPION
        self.reads += 1
        if self.error:
            raise self.error
        return self.version


def _loader(broken: set[str] | None = None) -> Any:
    def load(version: ModelVersion) -> Scorer:
        if version.id in (broken or set()):
            raise ModelLoadError(f"{version.id} is broken")
        return StubScorer()

    return load


def _cache(registry: Registry, clock: Clock, **kwargs: Any) -> ModelCache:
    kwargs.setdefault("loader", _loader())
    return ModelCache(registry, poll_seconds=5, clock=clock, **kwargs)


def test_model_cache_reads_the_alias_at_most_once_per_poll_interval() -> None:
    registry, clock = Registry(model_version("v1")), Clock()
    cache = _cache(registry, clock)

    for _ in range(10):
        cache.get()
    clock.now = 5
    cache.get()

    assert registry.reads == 2


def test_model_cache_switches_when_the_alias_moves() -> None:
    registry, clock = Registry(model_version("v1")), Clock()
    announced: list[str] = []
    cache = _cache(registry, clock, on_load=lambda v: announced.append(v.id))
    cache.get()

    registry.version = model_version("v2")
    clock.now = 5
    loaded = cache.get()

    assert loaded is not None
    assert loaded.version.id == "v2"
    assert announced == ["v1", "v2"]


def test_model_cache_keeps_the_old_model_when_the_new_one_fails(
    caplog: pytest.LogCaptureFixture,
) -> None:
    registry, clock = Registry(model_version("v1")), Clock()
    cache = _cache(registry, clock, loader=_loader(broken={"v2"}))
    cache.get()

    registry.version = model_version("v2")
    for step in (5, 10, 15):
        clock.now = step
        loaded = cache.get()

    assert loaded is not None
    assert loaded.version.id == "v1"
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1  # logged once per broken version, not once per poll
    assert "v2 is broken" in errors[0].getMessage()


def test_model_cache_keeps_the_model_when_the_registry_is_unreachable() -> None:
    registry, clock = Registry(model_version("v1")), Clock()
    cache = _cache(registry, clock)
    cache.get()

    registry.error = StorageError("database is down")
    clock.now = 5

    assert cache.get() is not None


def test_model_cache_without_champion_has_no_model() -> None:
    cache = _cache(Registry(None), Clock())

    assert cache.get() is None
    assert cache.loaded is None


def test_resolve_artifact_path_builtin_and_plain(tmp_path: Path) -> None:
    assert resolve_artifact_path("builtin:default.skops", tmp_path) == tmp_path / "default.skops"
    assert resolve_artifact_path("models/v1.skops", tmp_path) == Path("models/v1.skops")


@pytest.mark.parametrize("name", ["builtin:", "builtin:../x.skops", "builtin:/etc/passwd"])
def test_resolve_artifact_path_refuses_leaving_the_builtin_dir(name: str, tmp_path: Path) -> None:
    with pytest.raises(ModelLoadError):
        resolve_artifact_path(name, tmp_path)


def _written(tmp_path: Path, content: bytes = b"model bytes", **changes: Any) -> ModelVersion:
    (tmp_path / "m.skops").write_bytes(content)
    fields = {
        "artifact_path": "builtin:m.skops",
        "artifact_sha256": hashlib.sha256(content).hexdigest(),
    }
    return model_version("v1", **(fields | changes))


def test_load_verified_loads_a_matching_builtin_artifact(tmp_path: Path) -> None:
    version = _written(tmp_path)
    seen: list[Path] = []

    def load(path: Path) -> StubScorer:
        seen.append(path)
        return StubScorer()

    scorer = load_verified(version, load=load, builtin_dir=tmp_path)

    assert seen == [tmp_path / "m.skops"]
    assert scorer.labels == ("spam", "toxic")


@pytest.mark.parametrize(
    ("changes", "scorer", "message"),
    [
        ({"artifact_sha256": "f" * 64}, StubScorer(), "refusing"),
        ({"labels": ("spam",)}, StubScorer(), "labels"),
        ({}, StubScorer({"artifact_sha256": "e" * 64}), "changed while"),
    ],
)
def test_load_verified_refuses_a_mismatched_artifact(
    tmp_path: Path, changes: dict[str, Any], scorer: StubScorer, message: str
) -> None:
    version = _written(tmp_path, **changes)

    with pytest.raises(ModelLoadError, match=message):
        load_verified(version, load=lambda _: scorer, builtin_dir=tmp_path)


def test_load_verified_reports_a_missing_file(tmp_path: Path) -> None:
    version = model_version("v1", artifact_path=str(tmp_path / "absent.skops"))

    with pytest.raises(ModelLoadError, match="cannot load"):
        load_verified(version, load=lambda _: StubScorer())
