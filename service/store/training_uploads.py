"""Labelled files uploaded for training, kept in the database so any worker host can read them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from service.errors import NotFoundError
from service.models import TrainingUploadRow


def add_upload(
    session: Session,
    *,
    upload_id: str,
    created_by: str,
    rows: int,
    sha256: str,
    body: str,
    now: datetime,
) -> None:
    """Store one uploaded labels file."""
    session.add(
        TrainingUploadRow(
            id=upload_id, created_at=now, created_by=created_by, rows=rows, sha256=sha256, body=body
        )
    )
    session.flush()


def upload_body(session: Session, upload_id: str) -> str:
    """The CSV text of an upload; raises NotFoundError."""
    row = session.get(TrainingUploadRow, upload_id)
    if row is None:
        raise NotFoundError(f"there is no labels upload {upload_id!r}")
    return row.body
