"""Registering a model artifact: verify it, store its bytes in the database, record the version.

A version is registered only after its file has been hashed, loaded through skops with the
trusted-types list, and has scored a few fixed texts with the labels it claims. A corrupt or
untrusted file raises :class:`RegistrationError` and leaves no record, so it can never become
champion. The bytes go into the database in the same transaction as the version's record, so
every worker host can fetch them (``workers.artifacts``); nothing is written to the data
directory, and the host that registered the file needs no storage shared with the workers.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from classifier import DEFAULT_MODEL_DIR
from classifier.artifact import SavedModel, artifact_sha256, load_model
from classifier.errors import ArtifactError
from service.domain import ModelVersion
from service.errors import CommentDeskError
from service.lifecycle import Lifecycle
from workers.artifacts import DATABASE_PREFIX
from workers.model_cache import BUILTIN_PREFIX

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
    lifecycle: Lifecycle, path: Path, metadata: Mapping[str, Any]
) -> ModelVersion:
    """Verify ``path``, store its bytes in the database and register it as a version.

    ``metadata`` may carry ``id``, ``metrics``, ``data_manifest``, ``thresholds`` and
    ``created_at``; labels and library versions come from the model itself. The shipped model
    (a file in the package's model folder) is recorded as ``builtin:<file>`` without its bytes.
    """
    sha256, model = verify_artifact(path)
    content = None if _is_shipped(path) else _read_checked(path, sha256)
    version_id = str(metadata.get("id") or f"m-{sha256[:12]}")
    version = ModelVersion(
        id=version_id,
        artifact_sha256=sha256,
        artifact_path=BUILTIN_PREFIX + path.name if content is None else DATABASE_PREFIX + sha256,
        labels=tuple(model.labels),
        metrics=dict(metadata.get("metrics", {})),
        data_manifest=dict(metadata.get("data_manifest", {})),
        library_versions=_library_versions(model),
        created_at=metadata.get("created_at") or datetime.now(UTC),
        thresholds=dict(metadata.get("thresholds", {})),
    )
    lifecycle.register(version, artifact=content)
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


def _is_shipped(path: Path) -> bool:
    return Path(path).resolve().parent == DEFAULT_MODEL_DIR.resolve()


def _read_checked(path: Path, sha256: str) -> bytes:
    try:
        content = Path(path).read_bytes()
    except OSError as exc:
        raise RegistrationError(f"refused {path}: cannot read it: {exc}") from exc
    # The bytes stored are the bytes verified: a file replaced since the check is refused.
    if hashlib.sha256(content).hexdigest() != sha256:
        raise RegistrationError(f"refused {path}: the file changed while it was being checked")
    return content


def _library_versions(model: SavedModel) -> dict[str, str]:
    versions = model.metadata.get("library_versions")
    return {str(k): str(v) for k, v in versions.items()} if isinstance(versions, dict) else {}
