"""Models by alias (champion, challenger), loaded once per process and re-checked on a poll.

A promote moves the ``champion`` alias in the database; every worker notices within
``model_poll_seconds`` and swaps models without a restart. A new version that fails to load is
logged and the previous model keeps deciding. Artifacts are loaded only when their sha256 matches
the registered one, so a file swapped on disk after registration is refused; where the file
comes from (the package, or the database through a local cache) is ``workers.artifacts``.
"""

from __future__ import annotations

import dataclasses
import logging
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import artifact_sha256, load_model
from classifier.errors import ArtifactError
from service.domain import Alias, ModelVersion
from service.errors import CommentDeskError

BUILTIN_PREFIX = "builtin:"

log = logging.getLogger(__name__)


class Scorer(Protocol):
    """What a worker needs from a model: label names and batched probabilities."""

    @property
    def labels(self) -> tuple[str, ...]: ...

    def predict_proba(self, texts: Sequence[str]) -> Any: ...


class ModelLoadError(Exception):
    """A registered model version cannot be used by this worker."""


@dataclasses.dataclass(frozen=True)
class LoadedModel:
    """A model in memory together with the registered version it came from."""

    version: ModelVersion
    scorer: Scorer


Loader = Callable[[ModelVersion], Scorer]


def resolve_artifact_path(artifact_path: str, builtin_dir: Path = DEFAULT_MODEL_DIR) -> Path:
    """Turn a registered ``artifact_path`` (a path, or ``builtin:<file>``) into a file path."""
    if not artifact_path.startswith(BUILTIN_PREFIX):
        return Path(artifact_path)
    name = artifact_path[len(BUILTIN_PREFIX) :]
    # A builtin name is a file inside the shipped directory, never a way out of it.
    if not name or Path(name).name != name:
        raise ModelLoadError(f"{artifact_path!r} must name a file in {builtin_dir}")
    return builtin_dir / name


def load_verified(
    version: ModelVersion,
    path: Path | None = None,
    *,
    load: Callable[[Path], Scorer] = load_model,
    builtin_dir: Path = DEFAULT_MODEL_DIR,
) -> Scorer:
    """Load a version's artifact after checking its sha256; raises ModelLoadError.

    ``path`` is where this host holds the artifact (``workers.artifacts`` finds it); by default
    the registered ``artifact_path``.
    """
    if path is None:
        path = resolve_artifact_path(version.artifact_path, builtin_dir)
    try:
        actual = artifact_sha256(path)
        if actual != version.artifact_sha256:
            raise ModelLoadError(
                f"{path} has sha256 {actual}, but version {version.id} registered "
                f"{version.artifact_sha256}; refusing to load it"
            )
        scorer = load(path)
    except ArtifactError as exc:
        raise ModelLoadError(f"cannot load model version {version.id}: {exc}") from exc
    _check_loaded(version, scorer)
    return scorer


def _check_loaded(version: ModelVersion, scorer: Scorer) -> None:
    # load_model hashes the bytes it actually read: this closes the gap between our check
    # and its read, should the file be replaced in between.
    metadata = getattr(scorer, "metadata", None)
    loaded_sha = metadata.get("artifact_sha256") if isinstance(metadata, dict) else None
    if loaded_sha is not None and loaded_sha != version.artifact_sha256:
        raise ModelLoadError(f"artifact of {version.id} changed while it was being loaded")
    if version.labels and tuple(scorer.labels) != tuple(version.labels):
        raise ModelLoadError(
            f"artifact labels {tuple(scorer.labels)} differ from the registered "
            f"{tuple(version.labels)} of {version.id}"
        )


# What an unset alias means for the comments, in the log line that reports it.
_UNSET_EFFECT = {Alias.CHAMPION: "comments will go to human review"}


class ModelCache:
    """Holds the model an alias points at; re-reads the alias at most every ``poll_seconds``.

    One cache per alias: the ``champion`` that decides, and the ``challenger`` that scores in
    shadow. ``versions`` reads which version an alias points at (``Lifecycle.alias``).
    """

    def __init__(
        self,
        versions: Callable[[Alias], ModelVersion | None],
        *,
        poll_seconds: float,
        alias: Alias = Alias.CHAMPION,
        loader: Loader,
        on_load: Callable[[ModelVersion], None] | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._versions = versions
        self._alias = alias
        self._poll_seconds = poll_seconds
        self._loader = loader
        self._on_load = on_load
        self._clock = clock
        self._lock = threading.Lock()
        self._loaded: LoadedModel | None = None
        self._checked_at: float | None = None
        self._failed_id: str | None = None

    @property
    def loaded(self) -> LoadedModel | None:
        """The model in memory now, without checking the alias."""
        return self._loaded

    def get(self) -> LoadedModel | None:
        """The alias's model, re-checking the alias when the poll interval has passed."""
        # Non-blocking: while another thread loads a new version, jobs keep the current one.
        if self._is_due() and self._lock.acquire(blocking=False):
            try:
                if self._is_due():
                    self._refresh()
            finally:
                self._lock.release()
        return self._loaded

    def refresh(self) -> LoadedModel | None:
        """Re-check the alias now, loading a new model if it moved."""
        with self._lock:
            self._refresh()
        return self._loaded

    def _is_due(self) -> bool:
        return self._checked_at is None or self._clock() - self._checked_at >= self._poll_seconds

    def _refresh(self) -> None:
        self._checked_at = self._clock()
        try:
            version = self._versions(self._alias)
        except CommentDeskError as exc:
            log.warning("cannot read the %s alias, keeping the current model: %s", self._alias, exc)
            return
        if version is None:
            if self._loaded is not None:
                effect = _UNSET_EFFECT.get(self._alias, f"{self._name()} is unloaded")
                log.warning("the %s alias is unset; %s", self._alias, effect)
            self._loaded = None
        elif self._loaded is None or self._loaded.version.id != version.id:
            self._load(version)

    def _load(self, version: ModelVersion) -> None:
        started = time.perf_counter()
        try:
            scorer = self._loader(version)
        except ModelLoadError as exc:
            if self._failed_id != version.id:  # once per version, not once per poll
                log.error(
                    "%s model %s not loaded, keeping %s: %s",
                    self._alias,
                    version.id,
                    self._name(),
                    exc,
                )
            self._failed_id = version.id
            return
        self._loaded = LoadedModel(version, scorer)
        self._failed_id = None
        log.info(
            "loaded %s model %s in %.2fs", self._alias, version.id, time.perf_counter() - started
        )
        if self._on_load is not None:
            self._on_load(version)

    def _name(self) -> str:
        return self._loaded.version.id if self._loaded else "no model"
