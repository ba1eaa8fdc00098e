"""Moderators' private notes on an author of a site."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from service.domain.authors import AuthorNote
from service.models import AuthorNoteRow

NOTES_SHOWN = 50  # the author panel shows the newest; the GDPR export lists every one


def add_note(
    session: Session, site_id: str, author_id: str, body: str, by: str, at: datetime
) -> AuthorNote:
    """Keep a new note on the author."""
    row = AuthorNoteRow(
        site_id=site_id, author_id=author_id, body=body, written_by=by, written_at=at
    )
    session.add(row)
    session.flush()
    return _note(row)


def notes_for(
    session: Session, site_id: str, author_id: str, limit: int | None = NOTES_SHOWN
) -> list[AuthorNote]:
    """The author's notes, newest first (every one when ``limit`` is None)."""
    query = (
        select(AuthorNoteRow)
        .where(AuthorNoteRow.site_id == site_id, AuthorNoteRow.author_id == author_id)
        .order_by(AuthorNoteRow.id.desc())
    )
    if limit is not None:
        query = query.limit(limit)
    return [_note(r) for r in session.scalars(query)]


def delete_note(session: Session, site_id: str, author_id: str, note_id: int) -> bool:
    """Remove one note of this author; False when there is no such note."""
    result = session.execute(
        delete(AuthorNoteRow).where(
            AuthorNoteRow.id == note_id,
            AuthorNoteRow.site_id == site_id,
            AuthorNoteRow.author_id == author_id,
        )
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def erase_notes(session: Session, site_id: str, author_id: str) -> None:
    """Delete every note on the author (a GDPR erasure: notes are about the person)."""
    session.execute(
        delete(AuthorNoteRow).where(
            AuthorNoteRow.site_id == site_id, AuthorNoteRow.author_id == author_id
        )
    )


def _note(row: AuthorNoteRow) -> AuthorNote:
    return AuthorNote(
        id=row.id,
        site_id=row.site_id,
        author_id=row.author_id,
        body=row.body,
        written_by=row.written_by,
        written_at=row.written_at,
    )
