"""API keys, stored as SHA-256 digests only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from service.domain import ApiClient, Role
from service.domain.accounts import KeyRecord
from service.models import ApiKeyRow


def add_api_key(
    session: Session, *, name: str, role: Role, key_hash: str, prefix: str, now: datetime
) -> ApiClient:
    """Store a new key's digest."""
    row = ApiKeyRow(name=name, role=role.value, key_hash=key_hash, prefix=prefix, created_at=now)
    session.add(row)
    session.flush()
    return ApiClient(row.id, row.name, Role(row.role))


def find_api_key(session: Session, key_hash: str) -> tuple[ApiClient, str] | None:
    """The active client whose key has this digest, and the stored digest to compare with."""
    row = session.scalars(
        select(ApiKeyRow).where(ApiKeyRow.key_hash == key_hash, ApiKeyRow.revoked_at.is_(None))
    ).first()
    if row is None:
        return None
    return ApiClient(row.id, row.name, Role(row.role)), row.key_hash


def has_api_keys(session: Session) -> bool:
    """Whether the table holds any key."""
    return session.scalar(select(ApiKeyRow.id).limit(1)) is not None


def list_api_keys(session: Session) -> list[KeyRecord]:
    """Every key, revoked ones included, oldest first."""
    return [_record(r) for r in session.scalars(select(ApiKeyRow).order_by(ApiKeyRow.id))]


def matching_keys(
    session: Session, *, key_id: int | None = None, prefix: str = "", key_hash: str = ""
) -> list[KeyRecord]:
    """The keys with this id, display prefix or digest (a prefix may, rarely, match several)."""
    clauses = []
    if key_id is not None:
        clauses.append(ApiKeyRow.id == key_id)
    if prefix:
        clauses.append(ApiKeyRow.prefix == prefix)
    if key_hash:
        clauses.append(ApiKeyRow.key_hash == key_hash)
    if not clauses:
        return []
    rows = session.scalars(select(ApiKeyRow).where(or_(*clauses)).order_by(ApiKeyRow.id))
    return [_record(r) for r in rows]


def revoke_api_key(session: Session, key_id: int, now: datetime) -> KeyRecord | None:
    """Mark a key revoked (an already revoked key keeps its first revocation time)."""
    row = session.get(ApiKeyRow, key_id)
    if row is None:
        return None
    if row.revoked_at is None:
        row.revoked_at = now
        session.flush()
    return _record(row)


def _record(row: ApiKeyRow) -> KeyRecord:
    return KeyRecord(
        id=row.id, name=row.name, role=Role(row.role), prefix=row.prefix,
        created_at=row.created_at, revoked_at=row.revoked_at, key_hash=row.key_hash,
    )  # fmt: skip
