"""Artifact bytes in the database (SQLite and PostgreSQL): stored once, by sha256, and the
files of versions registered before revision 0008 imported by `commentdesk migrate`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.lifecycle import Lifecycle
from service.store import artifacts
from tests.factories import model_version
from workers.artifacts import ArtifactCache, import_registered_files
from workers.model_cache import Scorer

CONTENT = b"artifact bytes " * 1000


def sha256_of(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


@pytest.fixture
def lifecycle(sessions: sessionmaker[Session]) -> Lifecycle:
    return Lifecycle(sessions)


def test_the_same_bytes_are_stored_once(lifecycle: Lifecycle) -> None:
    sha256 = sha256_of(CONTENT)

    assert lifecycle.store_artifact(sha256, CONTENT) is True
    assert lifecycle.store_artifact(sha256, CONTENT) is False
    assert lifecycle.artifact(sha256) == CONTENT
    assert lifecycle.artifact("0" * 64) is None


def test_bytes_that_do_not_hash_to_their_key_are_refused(lifecycle: Lifecycle) -> None:
    sha256 = sha256_of(CONTENT)

    with pytest.raises(ValueError, match="hash to"):
        lifecycle.store_artifact(sha256, CONTENT + b"!")
    assert lifecycle.artifact(sha256) is None


def test_a_registration_racing_another_host_with_the_same_bytes_still_registers(
    lifecycle: Lifecycle, monkeypatch: pytest.MonkeyPatch
) -> None:
    sha256 = sha256_of(CONTENT)
    lifecycle.store_artifact(sha256, CONTENT)  # the other host's row, committed
    # ...after this host looked and saw none: its insert meets the primary key.
    monkeypatch.setattr(artifacts, "has_artifact", lambda _session, _sha: False)
    version = model_version("m-race", artifact_path=f"db:{sha256}", artifact_sha256=sha256)

    assert lifecycle.register(version, artifact=CONTENT) is True

    assert lifecycle.version("m-race").artifact_sha256 == sha256
    assert lifecycle.artifact(sha256) == CONTENT
    with lifecycle.sessions() as session:
        assert artifacts.add_artifact(session, sha256, CONTENT, utcnow()) is False


def test_migrate_imports_the_files_of_earlier_versions_that_this_host_has(
    lifecycle: Lifecycle, tmp_path: Path
) -> None:
    present, gone = tmp_path / "models" / "m-old.skops", tmp_path / "models" / "m-gone.skops"
    present.parent.mkdir()
    present.write_bytes(CONTENT)
    old = model_version("m-old", artifact_path=str(present), artifact_sha256=sha256_of(CONTENT))
    lost = model_version("m-gone", artifact_path=str(gone), artifact_sha256=sha256_of(b"gone"))
    shipped = model_version("v0", artifact_path="builtin:default.skops", artifact_sha256="e" * 64)
    for version in (old, lost, shipped):
        lifecycle.register(version)

    assert import_registered_files(lifecycle) == ([old.artifact_sha256], [str(gone)])
    assert import_registered_files(lifecycle) == ([], [str(gone)])  # idempotent

    present.unlink()  # the file is gone from every host now: a worker still loads the version
    read: list[bytes] = []

    def load(path: Path) -> Scorer:
        read.append(path.read_bytes())
        raise AssertionError("stop here: the bytes were found")

    with pytest.raises(AssertionError, match="the bytes were found"):
        ArtifactCache(lifecycle.artifact, tmp_path / "new-host", load=load).load(old)
    assert read == [CONTENT]
