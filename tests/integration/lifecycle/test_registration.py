"""Registration verifies an artifact before any record exists, and stores its bytes with it."""

from __future__ import annotations

import dataclasses
import shutil
import zipfile
from pathlib import Path

import pytest
import skops.io as sio
from sqlalchemy.orm import Session, sessionmaker

from classifier.artifact import artifact_sha256
from service.errors import ConflictError
from service.lifecycle import Lifecycle
from service.settings import Settings
from workers.artifacts import CACHE_SUBDIR, artifact_cache
from workers.registration import RegistrationError, register_artifact


class Payload:
    """A type outside the trusted list: loading it would mean trusting arbitrary code."""

    def __init__(self) -> None:
        self.command = "anything"


@pytest.fixture
def lifecycle(sessions: sessionmaker[Session]) -> Lifecycle:
    return Lifecycle(sessions)


def test_register_artifact_stores_the_bytes_and_a_host_with_an_empty_data_dir_loads_it(
    lifecycle: Lifecycle, settings: Settings, artifact_file: Path, tmp_path: Path
) -> None:
    version = register_artifact(lifecycle, artifact_file, {"metrics": {"auc": 0.9}})

    sha256 = artifact_sha256(artifact_file)
    assert version.artifact_sha256 == sha256
    assert version.artifact_path == f"db:{sha256}"
    assert lifecycle.artifact(sha256) == artifact_file.read_bytes()
    assert not (settings.data_dir / "models").exists()  # nothing on the registering host
    assert version.labels == ("spam", "toxic")
    assert lifecycle.version(version.id).metrics == {"auc": 0.9}
    other_host = dataclasses.replace(settings, data_dir=tmp_path / "other-host")
    scorer = artifact_cache(lifecycle, other_host).load(version)  # what a worker there does
    assert scorer.labels == version.labels
    assert artifact_sha256(other_host.data_dir / CACHE_SUBDIR / f"{sha256}.skops") == sha256


def test_register_artifact_twice_is_one_version(
    lifecycle: Lifecycle, settings: Settings, artifact_file: Path
) -> None:
    first = register_artifact(lifecycle, artifact_file, {})
    second = register_artifact(lifecycle, artifact_file, {})

    assert first.id == second.id
    assert [v.id for v in lifecycle.history()] == []  # registering moves no alias


def test_a_corrupt_artifact_is_refused_and_not_recorded(
    lifecycle: Lifecycle, settings: Settings, artifact_file: Path, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.skops"
    corrupt.write_bytes(artifact_file.read_bytes()[:2000])

    with pytest.raises(RegistrationError, match="refused"):
        register_artifact(lifecycle, corrupt, {"id": "m-corrupt"})
    with pytest.raises(Exception, match="not registered"):
        lifecycle.version("m-corrupt")
    assert lifecycle.artifact(artifact_sha256(corrupt)) is None


def test_an_untrusted_artifact_is_refused(
    lifecycle: Lifecycle, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "evil.skops"
    sio.dump(Payload(), path, compression=zipfile.ZIP_DEFLATED)

    with pytest.raises(RegistrationError, match="untrusted"):
        register_artifact(lifecycle, path, {"id": "m-evil"})
    with pytest.raises(Exception, match="not registered"):
        lifecycle.version("m-evil")


def test_a_different_file_under_a_registered_id_is_a_conflict(
    lifecycle: Lifecycle, settings: Settings, artifact_file: Path, tmp_path: Path
) -> None:
    version = register_artifact(lifecycle, artifact_file, {"id": "m-one"})
    other = tmp_path / "other.skops"
    shutil.copy(artifact_file, other)
    with zipfile.ZipFile(other, "a") as archive:  # same model, different bytes
        archive.writestr("note.txt", "changed")

    with pytest.raises(ConflictError):
        register_artifact(lifecycle, other, {"id": "m-one"})
    assert lifecycle.version("m-one").artifact_sha256 == version.artifact_sha256
    assert lifecycle.artifact(artifact_sha256(other)) is None  # rolled back with the record
