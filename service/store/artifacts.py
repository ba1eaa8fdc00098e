"""Model artifact bytes, content-addressed by sha256, so any worker host can load any version.

A row is written once and never changed: its key is the sha256 of its content, checked here
before it is stored, so a row cannot hold bytes other than those its key names.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from service.models import ModelArtifactRow, ModelVersionRow


def add_artifact(session: Session, sha256: str, content: bytes, now: datetime) -> bool:
    """Store ``content`` under its sha256; False when it was already stored.

    Raises ValueError if ``content`` does not hash to ``sha256``.
    """
    actual = hashlib.sha256(content).hexdigest()
    if actual != sha256:
        raise ValueError(f"artifact bytes hash to {actual}, not {sha256}")
    if has_artifact(session, sha256):
        return False  # the usual case on re-registration: no need to send the bytes again
    # Two hosts may register the same bytes at once: ON CONFLICT DO NOTHING lets the second
    # insert find the first one's row instead of failing the registration.
    insert = _insert_for(session.get_bind().dialect.name)
    statement = insert(ModelArtifactRow).values(
        sha256=sha256, size=len(content), content=content, created_at=now
    )
    statement = statement.on_conflict_do_nothing(index_elements=["sha256"])
    # RETURNING yields the key only when this insert wrote the row.
    return session.scalar(statement.returning(ModelArtifactRow.sha256)) is not None


def has_artifact(session: Session, sha256: str) -> bool:
    """Whether the bytes with this sha256 are stored (without reading them)."""
    found = session.scalar(select(ModelArtifactRow.sha256).where(ModelArtifactRow.sha256 == sha256))
    return found is not None


def artifact_content(session: Session, sha256: str) -> bytes | None:
    """The stored bytes with this sha256, or None."""
    content = session.scalar(
        select(ModelArtifactRow.content).where(ModelArtifactRow.sha256 == sha256)
    )
    return bytes(content) if content is not None else None


def _insert_for(dialect: str) -> Callable[..., Any]:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def versions_without_artifact(session: Session, prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
    """(sha256, artifact_path) of versions whose bytes are not stored, skipping paths that start
    with one of ``prefixes`` (artifacts that live elsewhere by design, such as the shipped one)."""
    stored = select(ModelArtifactRow.sha256)
    rows = session.execute(
        select(ModelVersionRow.artifact_sha256, ModelVersionRow.artifact_path)
        .where(ModelVersionRow.artifact_sha256.not_in(stored))
        .order_by(ModelVersionRow.created_at)
    ).all()
    return [(sha, path) for sha, path in rows if not path.startswith(prefixes)]
