"""Registration verifies an artifact before any record exists."""

from __future__ import annotations

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
from workers.model_cache import load_verified
from workers.registration import RegistrationError, register_artifact


class Payload:
    """A type outside the trusted list: loading it would mean trusting arbitrary code."""

    def __init__(self) -> None:
        self.command = "anything"


@pytest.fixture
def lifecycle(sessions: sessionmaker[Session]) -> Lifecycle:
    return Lifecycle(sessions)


def test_register_artifact_copies_hashes_and_records_it(
    lifecycle: Lifecycle, settings: Settings, artifact_file: Path
) -> None:
    version = register_artifact(lifecycle, settings, artifact_file, {"metrics": {"auc": 0.9}})

    stored = Path(version.artifact_path)
    assert stored == (settings.data_dir / "models" / f"{version.id}.skops").resolve()
    assert artifact_sha256(stored) == version.artifact_sha256 == artifact_sha256(artifact_file)
    assert version.labels == ("spam", "toxic")
    assert lifecycle.version(version.id).metrics == {"auc": 0.9}
    assert load_verified(version).labels == version.labels  # what a worker would load


def test_register_artifact_twice_is_one_version(
    lifecycle: Lifecycle, settings: Settings, artifact_file: Path
) -> None:
    first = register_artifact(lifecycle, settings, artifact_file, {})
    second = register_artifact(lifecycle, settings, artifact_file, {})

    assert first.id == second.id
    assert [v.id for v in lifecycle.history()] == []  # registering moves no alias


def test_a_corrupt_artifact_is_refused_and_not_recorded(
    lifecycle: Lifecycle, settings: Settings, artifact_file: Path, tmp_path: Path
) -> None:
    corrupt = tmp_path / "corrupt.skops"
    corrupt.write_bytes(artifact_file.read_bytes()[:2000])

    with pytest.raises(RegistrationError, match="refused"):
        register_artifact(lifecycle, settings, corrupt, {"id": "m-corrupt"})
    with pytest.raises(Exception, match="not registered"):
        lifecycle.version("m-corrupt")
    assert not (settings.data_dir / "models" / "m-corrupt.skops").exists()


def test_an_untrusted_artifact_is_refused(
    lifecycle: Lifecycle, settings: Settings, tmp_path: Path
) -> None:
    path = tmp_path / "evil.skops"
    sio.dump(Payload(), path, compression=zipfile.ZIP_DEFLATED)

    with pytest.raises(RegistrationError, match="untrusted"):
        register_artifact(lifecycle, settings, path, {"id": "m-evil"})
    with pytest.raises(Exception, match="not registered"):
        lifecycle.version("m-evil")


def test_a_different_file_under_a_registered_id_is_a_conflict(
    lifecycle: Lifecycle, settings: Settings, artifact_file: Path, tmp_path: Path
) -> None:
    version = register_artifact(lifecycle, settings, artifact_file, {"id": "m-one"})
    other = tmp_path / "other.skops"
    shutil.copy(artifact_file, other)
    with zipfile.ZipFile(other, "a") as archive:  # same model, different bytes
        archive.writestr("note.txt", "changed")

    with pytest.raises(ConflictError):
        register_artifact(lifecycle, settings, other, {"id": "m-one"})
    assert artifact_sha256(Path(version.artifact_path)) == version.artifact_sha256
