"""Erasing text and authors, and exporting what is kept about an author.

Erasing a comment's text empties its body and fingerprint, deletes its earlier revisions, its
as-submitted envelope, the evidence spans quoted from it and its near-duplicate fingerprints.
Erasing an author does that for every comment of theirs on the site, then replaces who they
were (id, name, e-mail hash, account facts, reports they made, their policy) with an anonymised
key, random and unlinkable: decisions, scores and counts stay, so the audit trail and training
statistics stay consistent, but nothing leads back to the person.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from service import identity
from service.domain import Action, ActionKind
from service.models import (
    ACTIONS,
    ActionRow,
    AppealRow,
    AuthorPolicyRow,
    CommentRevisionRow,
    CommentRow,
    ErasureRow,
    FingerprintRow,
    ReporterRow,
    ReportRow,
)
from service.store import action_scores, by_author
from service.store.convert import with_submission

CHUNK = 500  # ids per statement, well inside every backend's bound-parameter limit


def erase_text(
    session: Session, comment_ids: Sequence[str], *, actor: str | None, note: str, now: datetime
) -> int:
    """Erase the text of these comments (once each); returns how many were erased now."""
    erased = 0
    for start in range(0, len(comment_ids), CHUNK):
        chunk = list(comment_ids[start : start + CHUNK])
        todo = list(
            session.scalars(
                select(CommentRow.id).where(
                    CommentRow.id.in_(chunk), CommentRow.erased_at.is_(None)
                )
            ).all()
        )
        if todo:
            _erase_chunk(session, todo, now)
            session.execute(insert(ACTIONS), [_erased(cid, actor, note, now) for cid in todo])
            erased += len(todo)
    return erased


def _erase_chunk(session: Session, ids: list[str], now: datetime) -> None:
    session.execute(
        update(CommentRow)
        .where(CommentRow.id.in_(ids))
        .values(
            body="",
            body_sha256="",
            request_hash=None,
            envelope_ip=None,
            envelope_user_agent=None,
            envelope_referrer=None,
            envelope_permalink=None,
            envelope_purged_at=now,
            erased_at=now,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(delete(CommentRevisionRow).where(CommentRevisionRow.comment_id.in_(ids)))
    session.execute(delete(FingerprintRow).where(FingerprintRow.comment_id.in_(ids)))
    # The author's appeal words are their text too; the appeal and its outcome stay.
    session.execute(
        update(AppealRow)
        .where(AppealRow.comment_id.in_(ids))
        .values(body="")
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ActionRow)
        .where(ActionRow.comment_id.in_(ids), ActionRow.evidence.is_not(None))
        .values(evidence=None)
        .execution_options(synchronize_session=False)
    )


def _erased(comment_id: str, actor: str | None, note: str, now: datetime) -> dict[str, Any]:
    return {
        "comment_id": comment_id,
        "kind": ActionKind.ERASED.value,
        "actor": actor,
        "from_status": None,
        "to_status": None,
        "reasons": [],
        "model_version": None,
        "scores": {},
        "note": note,
        "created_at": now,
        "evidence": None,
        "batch_id": None,
    }


def add_erasure(
    session: Session,
    *,
    erasure_id: str,
    site_id: str,
    author_key: str,
    requested_by: str,
    comments: int,
    now: datetime,
) -> None:
    """Record that an author was erased: under which key, by whom, how many comments."""
    session.add(
        ErasureRow(
            id=erasure_id,
            site_id=site_id,
            author_key=author_key,
            requested_by=requested_by,
            comments=comments,
            created_at=now,
        )
    )


def author_comment_ids(session: Session, site_id: str, author_id: str) -> list[str]:
    """Every comment of an author on a site, oldest first."""
    return list(
        session.scalars(
            select(CommentRow.id)
            .where(*by_author.on_site(site_id, author_id))
            .order_by(CommentRow.created_at, CommentRow.id)
        ).all()
    )


def anonymise_author(
    session: Session, site_id: str, author_id: str, key: str, ids: Sequence[str]
) -> None:
    """Replace the author by ``key`` on their comments, reports and policy."""
    for start in range(0, len(ids), CHUNK):
        session.execute(
            update(CommentRow)
            .where(CommentRow.id.in_(list(ids[start : start + CHUNK])))
            .values(
                author_id=key,
                # The key the rules compare goes too: the old one is a digest of the erased id
                # (anyone who knows the id could find their comments by it), and the author
                # filters find the comments by the new id's key (store.by_author).
                author_key=identity.author_key(key),
                author_name="",
                author_email_hash=None,
                author_account_age_days=None,
                author_karma=None,
                idempotency_key=None,
            )
            .execution_options(synchronize_session=False)
        )
    site_comments = select(CommentRow.id).where(CommentRow.site_id == site_id)
    session.execute(
        update(ReportRow)
        .where(ReportRow.reporter_id == author_id, ReportRow.comment_id.in_(site_comments))
        .values(reporter_id=key, note=None)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(ReporterRow)
        .where(ReporterRow.site_id == site_id, ReporterRow.reporter_id == author_id)
        .values(reporter_id=key)
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(AuthorPolicyRow)
        .where(AuthorPolicyRow.site_id == site_id, AuthorPolicyRow.author_id == author_id)
        .values(author_id=key, note=None)
        .execution_options(synchronize_session=False)
    )


# -- export -------------------------------------------------------------------------------------


def export_rows(session: Session, site_id: str, author_id: str) -> dict[str, Any]:
    """Everything stored about an author on a site, as plain values (see service.privacy)."""
    ids = author_comment_ids(session, site_id, author_id)
    comments = _comments(session, ids)
    return {
        "comments": comments,
        "reports_made": _reports_made(session, site_id, author_id),
        "reporter": session.get(ReporterRow, (site_id, author_id)),
        "policy": _policy(session, site_id, author_id),
    }


def _comments(session: Session, ids: list[str]) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for start in range(0, len(ids), CHUNK):
        chunk = ids[start : start + CHUNK]
        rows = session.scalars(
            select(CommentRow)
            .where(CommentRow.id.in_(chunk))
            .order_by(CommentRow.created_at, CommentRow.id)
        ).all()
        revisions = _by_comment(session, CommentRevisionRow, chunk, CommentRevisionRow.revision)
        actions = _actions_by_comment(session, chunk)
        appeals = _by_comment(session, AppealRow, chunk, AppealRow.id)
        found += [
            {"row": r, "revisions": revisions.get(r.id, []), "actions": _history(r, actions),
             "appeals": appeals.get(r.id, [])}
            for r in rows
        ]  # fmt: skip
    return found


def _history(row: CommentRow, actions: dict[str, list[Action]]) -> list[Action]:
    """The comment's history with its submission, which is derived from the row (issue 10)."""
    return with_submission(row.id, row.created_at, actions.get(row.id, []))


def _actions_by_comment(session: Session, ids: list[str]) -> dict[str, list[Action]]:
    rows = session.scalars(
        select(ActionRow).where(ActionRow.comment_id.in_(ids)).order_by(ActionRow.id)
    ).all()
    grouped: dict[str, list[Action]] = {}
    for action in action_scores.to_actions(session, rows):
        grouped.setdefault(action.comment_id, []).append(action)
    return grouped


def _by_comment(session: Session, model: Any, ids: list[str], order: Any) -> dict[str, list[Any]]:
    grouped: dict[str, list[Any]] = {}
    for row in session.scalars(select(model).where(model.comment_id.in_(ids)).order_by(order)):
        grouped.setdefault(row.comment_id, []).append(row)
    return grouped


def _reports_made(session: Session, site_id: str, author_id: str) -> list[ReportRow]:
    site_comments = select(CommentRow.id).where(CommentRow.site_id == site_id)
    return list(
        session.scalars(
            select(ReportRow)
            .where(ReportRow.reporter_id == author_id, ReportRow.comment_id.in_(site_comments))
            .order_by(ReportRow.created_at)
        ).all()
    )


def _policy(session: Session, site_id: str, author_id: str) -> AuthorPolicyRow | None:
    return session.get(AuthorPolicyRow, (site_id, author_id))


# -- retention ----------------------------------------------------------------------------------


def expired_text(
    session: Session,
    *,
    statuses: Sequence[str],
    older_than: datetime,
    sites: Sequence[str] | None,
    except_sites: Sequence[str],
    limit: int,
) -> list[str]:
    """Comments in ``statuses`` decided (or deleted) before ``older_than`` whose text is kept."""
    stamp = CommentRow.deleted_at if statuses == ["deleted"] else CommentRow.decided_at
    query = select(CommentRow.id).where(
        CommentRow.status.in_(list(statuses)),
        CommentRow.erased_at.is_(None),
        stamp < older_than,
    )
    if sites is not None:
        query = query.where(CommentRow.site_id.in_(list(sites)))
    if except_sites:
        query = query.where(CommentRow.site_id.not_in(list(except_sites)))
    return list(session.scalars(query.limit(limit)).all())
