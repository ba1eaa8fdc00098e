"""Model versions (immutable once registered) and the aliases that point at them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain import ModelVersion
from service.errors import ConflictError, NotFoundError
from service.models import ModelAliasRow, ModelVersionRow
from service.store.convert import to_model_version


def register_version(session: Session, version: ModelVersion) -> bool:
    """Store a version; re-registering the same artifact is a no-op, a different one a conflict."""
    existing = session.get(ModelVersionRow, version.id)
    if existing is not None:
        if existing.artifact_sha256 != version.artifact_sha256:
            raise ConflictError(f"model version {version.id!r} exists with a different artifact")
        return False
    session.add(
        ModelVersionRow(
            id=version.id,
            artifact_sha256=version.artifact_sha256,
            artifact_path=version.artifact_path,
            labels=list(version.labels),
            metrics=dict(version.metrics),
            data_manifest=dict(version.data_manifest),
            library_versions=dict(version.library_versions),
            created_at=version.created_at,
        )
    )
    session.flush()
    return True


def set_alias(session: Session, alias: str, version_id: str, now: datetime) -> None:
    """Point an alias at a registered version."""
    if session.get(ModelVersionRow, version_id) is None:
        raise NotFoundError(f"model version {version_id!r} is not registered")
    row = session.get(ModelAliasRow, alias)
    if row is None:
        session.add(ModelAliasRow(name=alias, version_id=version_id, updated_at=now))
    else:
        row.version_id = version_id
        row.updated_at = now
    session.flush()


def version_for_alias(session: Session, alias: str) -> ModelVersion | None:
    """The version an alias points at, if it is set."""
    row = session.get(ModelAliasRow, alias)
    if row is None:
        return None
    version = session.get(ModelVersionRow, row.version_id)
    return to_model_version(version, (alias,)) if version else None


def list_versions(session: Session) -> list[ModelVersion]:
    """Every registered version, newest first, with the aliases pointing at it."""
    aliases: dict[str, list[str]] = {}
    for alias in session.scalars(select(ModelAliasRow)).all():
        aliases.setdefault(alias.version_id, []).append(alias.name)
    rows = session.scalars(
        select(ModelVersionRow).order_by(ModelVersionRow.created_at.desc(), ModelVersionRow.id)
    ).all()
    return [to_model_version(r, tuple(sorted(aliases.get(r.id, [])))) for r in rows]
