"""Registering a model artifact: verify it, copy it into the data directory, record the version.

A version is registered only after its file has been hashed, loaded through skops with the
trusted-types list, and has scored a few fixed texts with the labels it claims. A corrupt or
untrusted file raises :class:`RegistrationError` and leaves no record, so it can never become
champion.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import SavedModel, artifact_sha256, load_model
from classifier.errors import ArtifactError
from service.domain import ModelVersion
from service.errors import CommentDeskError, ConflictError
from service.lifecycle import Lifecycle
from service.settings import Settings
from workers.model_cache import BUILTIN_PREFIX

MODELS_SUBDIR = "models"
# Scored once at registration: a model that cannot score these is not a model we can run.
PROBE_TEXTS = (
    "Thanks for the clear explanation of the rate decision.",
    "FREE BITCOIN giveaway!!! send 0.1 BTC and get 1 BTC back, WhatsApp +1 555 0100",
)


class RegistrationError(CommentDeskError):
    """The artifact cannot be registered: unreadable, untrusted, or not a working model."""

    code = "artifact-rejected"
    status = 422
    title = "Model artifact rejected"


def register_artifact(
    lifecycle: Lifecycle, settings: Settings, path: Path, metadata: Mapping[str, Any]
) -> ModelVersion:
    """Verify ``path``, copy it to ``<data dir>/models/<version>.skops`` and register it.

    ``metadata`` may carry ``id``, ``metrics``, ``data_manifest``, ``thresholds`` and
    ``created_at``; labels and library versions come from the model itself.
    """
    sha256, model = verify_artifact(path)
    version_id = str(metadata.get("id") or f"m-{sha256[:12]}")
    version = ModelVersion(
        id=version_id,
        artifact_sha256=sha256,
        artifact_path=_stored_path(settings, Path(path), version_id, sha256),
        labels=tuple(model.labels),
        metrics=dict(metadata.get("metrics", {})),
        data_manifest=dict(metadata.get("data_manifest", {})),
        library_versions=_library_versions(model),
        created_at=metadata.get("created_at") or datetime.now(UTC),
        thresholds=dict(metadata.get("thresholds", {})),
    )
    lifecycle.register(version)
    return version


def verify_artifact(path: Path) -> tuple[str, SavedModel]:
    """Hash, load (skops, trusted types only) and probe an artifact; raises RegistrationError."""
    try:
        sha256 = artifact_sha256(path)
        model = load_model(path)
    except ArtifactError as exc:  # includes UntrustedArtifactError
        raise RegistrationError(f"refused {path}: {exc}") from exc
    if model.metadata.get("artifact_sha256") != sha256:
        raise RegistrationError(f"refused {path}: the file changed while it was being checked")
    _probe(model, path)
    return sha256, model


def _probe(model: SavedModel, path: Path) -> None:
    labels = tuple(model.labels)
    if not labels or len(set(labels)) != len(labels):
        raise RegistrationError(f"refused {path}: bad label list {labels}")
    try:
        scores = np.asarray(model.predict_proba(list(PROBE_TEXTS)), dtype=np.float64)
    except Exception as exc:  # any fault while scoring means the model cannot decide anything
        raise RegistrationError(f"refused {path}: it fails to score text: {exc!r}") from exc
    if scores.shape != (len(PROBE_TEXTS), len(labels)):
        raise RegistrationError(f"refused {path}: scores of shape {scores.shape} for {labels}")
    if not np.all((scores >= 0.0) & (scores <= 1.0)):
        raise RegistrationError(f"refused {path}: scores outside [0, 1]: {scores.tolist()}")


def _stored_path(settings: Settings, path: Path, version_id: str, sha256: str) -> str:
    source = path.resolve()
    if source.parent == DEFAULT_MODEL_DIR.resolve():
        return BUILTIN_PREFIX + source.name
    target = (settings.data_dir / MODELS_SUBDIR / f"{version_id}.skops").resolve()
    if target.exists() and artifact_sha256(target) != sha256:
        raise ConflictError(f"{target} already holds a different artifact for {version_id!r}")
    if source != target:
        _copy(source, target)
    if artifact_sha256(target) != sha256:
        raise RegistrationError(f"refused {path}: the copy at {target} does not match its sha256")
    return str(target)


def _copy(source: Path, target: Path) -> None:
    # Written next to the target and renamed, so a worker never sees half a file.
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    os.close(fd)
    try:
        shutil.copyfile(source, tmp_name)
        os.chmod(tmp_name, 0o644)
        os.replace(tmp_name, target)
    finally:
        Path(tmp_name).unlink(missing_ok=True)


def _library_versions(model: SavedModel) -> dict[str, str]:
    versions = model.metadata.get("library_versions")
    return {str(k): str(v) for k, v in versions.items()} if isinstance(versions, dict) else {}
