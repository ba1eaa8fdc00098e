"""API keys, stored as SHA-256 digests only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from service.domain import ApiClient, Role
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
