"""The artifact cache of a worker host, with the database fetch and the skops load faked."""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest

from service.domain import ModelVersion
from service.errors import StorageError
from tests.factories import model_version
from workers.artifacts import ArtifactCache
from workers.model_cache import ModelLoadError, Scorer

CONTENT = b"the bytes of a registered artifact"
SHA256 = hashlib.sha256(CONTENT).hexdigest()


class StubScorer:
    labels = ("spam", "toxic")
    metadata: dict[str, Any] = {}

    def predict_proba(self, texts: Any) -> Any:
        return [[0.0, 0.0] for _ in texts]


class Database:
    """Stands in for Lifecycle.artifact: sha256 → bytes, counting fetches."""

    def __init__(self, stored: dict[str, bytes] | None = None) -> None:
        self.stored = {SHA256: CONTENT} if stored is None else stored
        self.fetches = 0
        self.error: Exception | None = None

    def __call__(self, sha256: str) -> bytes | None:
        self.fetches += 1
        if self.error is not None:
            raise self.error
        return self.stored.get(sha256)


class Loads:
    """Stands in for classifier.artifact.load_model: records what each load read."""

    def __init__(self) -> None:
        self.read: list[bytes] = []

    def __call__(self, path: Path) -> Scorer:
        self.read.append(path.read_bytes())
        return StubScorer()


def stored_version(**changes: Any) -> ModelVersion:
    return model_version(
        "m-1", **({"artifact_path": f"db:{SHA256}", "artifact_sha256": SHA256} | changes)
    )


def test_the_first_load_fetches_into_the_cache_and_later_loads_read_only_the_cache(
    tmp_path: Path,
) -> None:
    database, loads = Database(), Loads()
    cache = ArtifactCache(database, tmp_path / "cache", load=loads)

    cache.load(stored_version())
    cache.load(stored_version())
    ArtifactCache(database, tmp_path / "cache", load=loads).load(stored_version())  # a restart

    assert database.fetches == 1
    assert loads.read == [CONTENT, CONTENT, CONTENT]
    assert (tmp_path / "cache" / f"{SHA256}.skops").read_bytes() == CONTENT
    assert [p.name for p in (tmp_path / "cache").iterdir()] == [f"{SHA256}.skops"]  # no temp


def test_a_damaged_cache_file_is_fetched_again_and_replaced(tmp_path: Path) -> None:
    database, loads = Database(), Loads()
    cache = ArtifactCache(database, tmp_path, load=loads)
    cache.locate(stored_version())
    (tmp_path / f"{SHA256}.skops").write_bytes(b"flipped bits")

    cache.load(stored_version())

    assert database.fetches == 2
    assert loads.read == [CONTENT]


def test_stored_bytes_that_do_not_match_the_sha256_are_refused_and_not_cached(
    tmp_path: Path,
) -> None:
    database = Database({SHA256: b"something else"})
    cache = ArtifactCache(database, tmp_path, load=Loads())

    with pytest.raises(ModelLoadError, match="does not hash to its sha256"):
        cache.load(stored_version())
    assert not any(tmp_path.iterdir())


def test_a_database_fault_is_a_load_error_so_the_worker_keeps_its_model(tmp_path: Path) -> None:
    database = Database()
    database.error = StorageError("database error: connection refused")

    with pytest.raises(ModelLoadError, match="connection refused"):
        ArtifactCache(database, tmp_path, load=Loads()).load(stored_version())


def test_a_version_registered_before_0008_loads_from_its_file_when_the_database_lacks_it(
    tmp_path: Path,
) -> None:
    legacy = tmp_path / "models" / "m-1.skops"
    legacy.parent.mkdir()
    legacy.write_bytes(CONTENT)
    loads = Loads()

    ArtifactCache(Database({}), tmp_path / "cache", load=loads).load(
        stored_version(artifact_path=str(legacy))
    )

    assert loads.read == [CONTENT]


@pytest.mark.parametrize("path", [f"db:{SHA256}", "/nowhere/m-1.skops"])
def test_bytes_missing_everywhere_are_a_load_error_that_says_what_to_do(
    tmp_path: Path, path: str
) -> None:
    cache = ArtifactCache(Database({}), tmp_path, load=Loads())

    with pytest.raises(ModelLoadError, match=r"not in the database.*commentdesk migrate"):
        cache.load(stored_version(artifact_path=path))


def test_a_legacy_file_changed_on_disk_is_refused(tmp_path: Path) -> None:
    legacy = tmp_path / "m-1.skops"
    legacy.write_bytes(b"swapped after registration")

    with pytest.raises(ModelLoadError, match="refusing"):
        ArtifactCache(Database({}), tmp_path / "cache", load=Loads()).load(
            stored_version(artifact_path=str(legacy))
        )


def test_the_shipped_model_is_read_from_the_package_without_the_database(tmp_path: Path) -> None:
    (tmp_path / "default.skops").write_bytes(CONTENT)
    database, loads = Database(), Loads()
    cache = ArtifactCache(database, tmp_path / "cache", load=loads, builtin_dir=tmp_path)

    cache.load(stored_version(artifact_path="builtin:default.skops"))

    assert database.fetches == 0
    assert loads.read == [CONTENT]


@pytest.mark.parametrize("sha256", ["../../etc/passwd", "A" * 64, ""])
def test_a_sha256_that_is_not_one_never_becomes_a_file_name(tmp_path: Path, sha256: str) -> None:
    database = Database()

    with pytest.raises(ModelLoadError, match="no valid sha256"):
        ArtifactCache(database, tmp_path, load=Loads()).load(stored_version(artifact_sha256=sha256))
    assert database.fetches == 0
