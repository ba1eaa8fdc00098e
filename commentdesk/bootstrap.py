"""Preparing a database: migrations, the shipped default model, API keys."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from classifier import DEFAULT_MODEL_DIR
from classifier.build import REBUILD_COMMAND
from classifier.datasets import DATA_LANGUAGES
from service.db import open_engine, session_factory
from service.domain import Alias, ModelVersion, Role
from service.keys import ApiKeys
from service.lifecycle import Lifecycle
from service.migrate import upgrade_to_head
from service.settings import Settings

BUILTIN_PREFIX = "builtin:"
DEFAULT_ARTIFACT = "default.skops"

log = logging.getLogger(__name__)


class BootstrapError(Exception):
    """Preparing the database failed in a way the operator must fix."""


def migrate(settings: Settings) -> ModelVersion:
    """Apply migrations and register the shipped model (champion if none is set).

    After an upgrade, a champion that is an *older* shipped model cannot load any more (the
    package now carries another file under the same name, so its sha256 no longer matches and
    every comment would go to review): the new shipped model takes over from it.
    """
    with open_engine(settings) as engine:
        upgrade_to_head(engine)
        version = shipped_model_version()
        lifecycle = Lifecycle(session_factory(engine))
        lifecycle.register(version, champion_if_unset=True)
        _replace_stale_shipped_champion(lifecycle, version)
        _import_artifact_files(lifecycle)
        return version


def _import_artifact_files(lifecycle: Lifecycle) -> None:
    # Versions registered before artifacts were kept in the database (revision 0008) have only
    # a file on the host that registered them; copy what this host has.
    from workers.artifacts import import_registered_files

    imported, missing = import_registered_files(lifecycle)
    if imported:
        log.info("copied %d model artifact file(s) into the database", len(imported))
    for path in missing:
        log.warning(
            "model artifact %s is not on this host (or no longer matches its sha256): run "
            "`commentdesk migrate` where it is, or workers elsewhere cannot load its version",
            path,
        )


def _replace_stale_shipped_champion(lifecycle: Lifecycle, shipped: ModelVersion) -> None:
    champion = lifecycle.alias(Alias.CHAMPION)
    if champion is None or champion.id == shipped.id:
        return
    if not champion.artifact_path.startswith(BUILTIN_PREFIX):
        return  # a trained or registered champion: ops chose it, leave it
    if champion.artifact_sha256 == shipped.artifact_sha256:
        return
    lifecycle.promote(shipped.id, "migrate")
    log.warning(
        "the champion %s was a shipped model this package no longer carries; %s decides now",
        champion.id,
        shipped.id,
    )


def shipped_model_version() -> ModelVersion:
    """The model that ships in the package, verified like any registration, as a registry record.

    Raises RegistrationError when the file is corrupt, untrusted or cannot score, so a damaged
    install never registers (or becomes champion).
    """
    from workers.registration import RegistrationError, verify_artifact

    artifact = DEFAULT_MODEL_DIR / DEFAULT_ARTIFACT
    card = DEFAULT_MODEL_DIR / "default.json"
    if not artifact.is_file() or not card.is_file():
        raise BootstrapError(f"the shipped model is missing from {DEFAULT_MODEL_DIR}")
    meta: dict[str, Any] = json.loads(card.read_text())
    try:
        sha256, model = verify_artifact(artifact)
    except RegistrationError as exc:
        raise RegistrationError(
            f"the shipped model is damaged ({exc.detail}); reinstall Comment Desk or rebuild "
            f"it with `{REBUILD_COMMAND}`"
        ) from exc
    if meta.get("sha256") not in (None, sha256):
        raise BootstrapError(f"{artifact} does not match the sha256 in {card}")
    return ModelVersion(
        id=str(meta.get("version_id") or f"v0-{sha256[:12]}"),
        artifact_sha256=sha256,
        artifact_path=BUILTIN_PREFIX + DEFAULT_ARTIFACT,
        labels=tuple(model.labels),
        metrics=meta.get("metrics", {}),
        data_manifest={
            "datasets": meta.get("data_manifest", []),
            "split": meta.get("split"),
            "languages": meta.get("languages", list(DATA_LANGUAGES)),
        },
        library_versions=meta.get("library_versions", {}),
        created_at=_parse_time(meta.get("created_at")),
    )


def _parse_time(raw: object) -> datetime:
    if isinstance(raw, str):
        parsed = datetime.fromisoformat(raw)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)
    return datetime.now(UTC)


def create_key(settings: Settings, role: Role, name: str) -> str:
    """Create an API key and return its plaintext (shown once, stored only as a digest)."""
    with open_engine(settings) as engine:
        return ApiKeys(session_factory(engine), None).create(name, role)


def has_keys(settings: Settings) -> bool:
    """Whether any API key exists yet."""
    with open_engine(settings) as engine:
        return ApiKeys(session_factory(engine), None).any_exist()
