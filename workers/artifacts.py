"""Model artifacts on this host: fetched from the database by sha256 into a local cache.

Registration stores an artifact's bytes in the database (``model_artifacts``), so a worker on a
host with an empty data directory can load any registered version: it fetches the bytes once,
checks their sha256, and writes them atomically to ``<data dir>/models/sha256/<sha256>.skops``.
The cache is content-addressed, so a file there can only ever hold one thing; it is re-hashed
before every load (and replaced if it does not match), and the directory may be emptied at any
time. The shipped model (``builtin:``) is read from the package. A version registered before
the bytes were kept in the database, whose bytes ``commentdesk migrate`` could not import, is
read from its registered path when this host has the file.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import artifact_sha256, load_model
from classifier.errors import ArtifactError
from service.domain import ModelVersion
from service.errors import CommentDeskError
from service.lifecycle import Lifecycle
from service.settings import Settings
from workers.model_cache import (
    BUILTIN_PREFIX,
    ModelLoadError,
    Scorer,
    load_verified,
    resolve_artifact_path,
)

# The artifact_path of a version whose bytes are in the database (the sha256 finds them).
DATABASE_PREFIX = "db:"
CACHE_SUBDIR = Path("models") / "sha256"
_SHA256 = re.compile(r"[0-9a-f]{64}")

Fetch = Callable[[str], bytes | None]


class ArtifactCache:
    """Finds a version's artifact as a local file, fetching it from the database when needed."""

    def __init__(
        self,
        fetch: Fetch,
        directory: Path,
        *,
        load: Callable[[Path], Scorer] = load_model,
        builtin_dir: Path = DEFAULT_MODEL_DIR,
    ) -> None:
        self._fetch = fetch
        self._directory = directory
        self._load = load
        self._builtin_dir = builtin_dir

    def load(self, version: ModelVersion) -> Scorer:
        """The version's model, loaded from a sha256-checked local file; raises ModelLoadError."""
        return load_verified(version, self.locate(version), load=self._load)

    def locate(self, version: ModelVersion) -> Path:
        """A local file that holds the version's artifact; raises ModelLoadError."""
        if version.artifact_path.startswith(BUILTIN_PREFIX):
            return resolve_artifact_path(version.artifact_path, self._builtin_dir)
        sha256 = version.artifact_sha256
        if not _SHA256.fullmatch(sha256):
            raise ModelLoadError(f"version {version.id} has no valid sha256 ({sha256!r})")
        cached = self._directory / f"{sha256}.skops"
        if _holds(cached, sha256):
            return cached
        content = self._fetched(version)
        if content is None:
            return self._registered_file(version)
        write_atomically(cached, content)
        return cached

    def _fetched(self, version: ModelVersion) -> bytes | None:
        try:
            content = self._fetch(version.artifact_sha256)
        except CommentDeskError as exc:  # the database is unreachable: try again next poll
            raise ModelLoadError(f"cannot fetch the artifact of {version.id}: {exc}") from exc
        if content is not None and hashlib.sha256(content).hexdigest() != version.artifact_sha256:
            raise ModelLoadError(
                f"the stored artifact of {version.id} does not hash to its sha256; refusing it"
            )
        return content

    def _registered_file(self, version: ModelVersion) -> Path:
        path = Path(version.artifact_path)
        if version.artifact_path.startswith(DATABASE_PREFIX) or not path.is_file():
            raise ModelLoadError(
                f"the artifact of {version.id} (sha256 {version.artifact_sha256}) is not in the "
                f"database and {version.artifact_path} is not a file on this host; run "
                "`commentdesk migrate` where the file is, or `commentdesk register` it again"
            )
        return path


def artifact_cache(lifecycle: Lifecycle, settings: Settings) -> ArtifactCache:
    """The artifact cache of this process: the configured database, this host's data dir."""
    return ArtifactCache(lifecycle.artifact, settings.data_dir / CACHE_SUBDIR)


def write_atomically(target: Path, content: bytes) -> None:
    """Write ``content`` next to ``target`` and rename it into place: no reader sees half."""
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _holds(path: Path, sha256: str) -> bool:
    if not path.is_file():
        return False
    try:
        return artifact_sha256(path) == sha256
    except ArtifactError:
        return False


def import_registered_files(lifecycle: Lifecycle) -> tuple[list[str], list[str]]:
    """Copy into the database the artifact files of versions registered before their bytes were
    kept there; returns (sha256s imported, paths missing on this host).

    Run by ``commentdesk migrate`` every time, so running it again on the host that has a file
    imports what an earlier run could not. A file whose bytes no longer match the registered
    sha256 is skipped (workers would refuse it anyway).
    """
    imported: list[str] = []
    missing: list[str] = []
    for sha256, path in lifecycle.artifacts_missing((BUILTIN_PREFIX, DATABASE_PREFIX)):
        if sha256 in imported:
            continue  # two versions of the same bytes
        content = _read_if_matching(Path(path), sha256)
        if content is None:
            missing.append(path)
            continue
        lifecycle.store_artifact(sha256, content)
        imported.append(sha256)
    return imported, missing


def _read_if_matching(path: Path, sha256: str) -> bytes | None:
    try:
        content = path.read_bytes()
    except OSError:
        return None
    return content if hashlib.sha256(content).hexdigest() == sha256 else None
