"""Model versions (immutable once registered), the aliases that point at them, and alias history.

Every alias move goes through :func:`set_alias` or :func:`unset_alias`, which append a
``model_alias_events`` row in the same transaction: the history is complete by construction.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from service.domain import AliasEvent, AliasKind, ModelVersion
from service.errors import ConflictError, NotFoundError
from service.models import ModelAliasEventRow, ModelAliasRow, ModelVersionRow
from service.store.convert import to_model_version
from service.store.prebuilt import read_rows


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
            thresholds=dict(version.thresholds),
            created_at=version.created_at,
        )
    )
    session.flush()
    return True


def get_version(session: Session, version_id: str) -> ModelVersion:
    """One registered version with its aliases; raises NotFoundError."""
    row = session.get(ModelVersionRow, version_id)
    if row is None:
        raise NotFoundError(f"model version {version_id!r} is not registered")
    names = session.scalars(
        select(ModelAliasRow.name).where(ModelAliasRow.version_id == version_id)
    ).all()
    return to_model_version(row, tuple(sorted(names)))


def alias_target(session: Session, alias: str) -> str | None:
    """The version id an alias points at, if it is set."""
    row = session.get(ModelAliasRow, alias)
    return row.version_id if row is not None else None


def set_alias(
    session: Session,
    alias: str,
    version_id: str,
    now: datetime,
    *,
    actor: str | None = None,
    kind: AliasKind = AliasKind.SET,
    reason: str | None = None,
) -> AliasEvent:
    """Point an alias at a registered version and record the move (a no-op records nothing)."""
    if session.get(ModelVersionRow, version_id) is None:
        raise NotFoundError(f"model version {version_id!r} is not registered")
    row = session.get(ModelAliasRow, alias)
    previous = row.version_id if row is not None else None
    if previous == version_id:
        return AliasEvent(None, alias, kind, version_id, previous, actor, now)
    if row is None:
        session.add(ModelAliasRow(name=alias, version_id=version_id, updated_at=now))
    else:
        row.version_id = version_id
        row.updated_at = now
    return _record(session, alias, kind, version_id, previous, actor, now, reason)


def unset_alias(session: Session, alias: str, now: datetime, *, actor: str | None) -> AliasEvent:
    """Remove an alias and record it (removing an unset alias records nothing)."""
    row = session.get(ModelAliasRow, alias)
    if row is None:
        return AliasEvent(None, alias, AliasKind.UNSET, None, None, actor, now)
    previous = row.version_id
    session.delete(row)
    return _record(session, alias, AliasKind.UNSET, None, previous, actor, now)


def _record(
    session: Session,
    alias: str,
    kind: AliasKind,
    version_id: str | None,
    previous: str | None,
    actor: str | None,
    now: datetime,
    reason: str | None = None,
) -> AliasEvent:
    event = ModelAliasEventRow(
        alias=alias,
        kind=kind.value,
        version_id=version_id,
        previous_version_id=previous,
        actor=actor,
        created_at=now,
        reason=reason,
    )
    session.add(event)
    session.flush()
    return _to_event(event)


def alias_events(session: Session, alias: str | None = None, limit: int = 100) -> list[AliasEvent]:
    """Alias moves, newest first (of one alias, or of all)."""
    query = select(ModelAliasEventRow).order_by(ModelAliasEventRow.id.desc()).limit(limit)
    if alias is not None:
        query = query.where(ModelAliasEventRow.alias == alias)
    return [_to_event(row) for row in session.scalars(query).all()]


def alias_history(session: Session, alias: str) -> list[str]:
    """The stack of versions an alias went through: promotions push, rollbacks pop.

    The last entry is the current target; the one before it is where a rollback goes.
    """
    rows = session.scalars(
        select(ModelAliasEventRow)
        .where(ModelAliasEventRow.alias == alias)
        .order_by(ModelAliasEventRow.id)
    ).all()
    stack: list[str] = []
    for row in rows:
        if row.kind == AliasKind.ROLLBACK.value and stack:
            stack.pop()
        if row.kind == AliasKind.UNSET.value:
            stack.clear()
        elif row.version_id is not None and (not stack or stack[-1] != row.version_id):
            stack.append(row.version_id)
    return stack


def _to_event(row: ModelAliasEventRow) -> AliasEvent:
    return AliasEvent(
        id=row.id,
        alias=row.alias,
        kind=AliasKind(row.kind),
        version_id=row.version_id,
        previous_version_id=row.previous_version_id,
        actor=row.actor,
        created_at=row.created_at,
        reason=row.reason,
    )


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


def version_thresholds(session: Session, version_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """Stored thresholds of the given versions, in one query (unknown ids are left out)."""
    ids = sorted(set(version_ids))
    if not ids:
        return {}
    rows = session.execute(
        select(ModelVersionRow.id, ModelVersionRow.thresholds).where(ModelVersionRow.id.in_(ids))
    ).all()
    return {version_id: dict(stored or {}) for version_id, stored in rows}


def thresholds_and_languages(
    session: Session, version_ids: Iterable[str]
) -> tuple[dict[str, dict[str, Any]], dict[str, Any]]:
    """Stored thresholds of the given versions, and what each data manifest says under
    ``languages`` (None: nothing), in one query; unknown ids are left out."""
    ids = sorted(set(version_ids))
    if not ids:
        return {}, {}
    rows = read_rows(session, _THRESHOLDS_AND_MANIFESTS, {"ids": ids})
    thresholds = {row.id: dict(row.thresholds or {}) for row in rows}
    languages = {row.id: (row.data_manifest or {}).get("languages") for row in rows}
    return thresholds, languages


# A worker reads it for every batch: built once (service/store/prebuilt.py).
_VERSIONS = ModelVersionRow.__table__.c
_THRESHOLDS_AND_MANIFESTS = select(
    _VERSIONS.id, _VERSIONS.thresholds, _VERSIONS.data_manifest
).where(_VERSIONS.id.in_(bindparam("ids", expanding=True)))


def thresholds_for_update(session: Session, version_id: str) -> dict[str, Any]:
    """A version's stored thresholds, its row locked until the commit; raises NotFoundError."""
    row = session.get(ModelVersionRow, version_id, with_for_update=True)
    if row is None:
        raise NotFoundError(f"model version {version_id!r} is not registered")
    return dict(row.thresholds or {})


def set_thresholds(session: Session, version_id: str, thresholds: dict[str, Any]) -> None:
    """Replace a version's thresholds: the one part of a version record that may change."""
    row = session.get_one(ModelVersionRow, version_id)
    row.thresholds = thresholds  # a new object, so the JSON column sees the change
    session.flush()
