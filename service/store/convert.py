"""Row → domain object conversion, so no ORM row leaves the store."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Row

from service.domain import (
    SUBMISSION_ID,
    Action,
    ActionKind,
    Author,
    Comment,
    ModelVersion,
    Status,
)
from service.domain.statements import Statement
from service.models import ActionRow, CommentRow, ModelVersionRow

# What to_comment reads: a query that needs no ORM entity selects just these (Core rows).
COMMENT_COLUMNS = (
    CommentRow.id,
    CommentRow.site_id,
    CommentRow.article_id,
    CommentRow.parent_id,
    CommentRow.root_id,
    CommentRow.author_id,
    CommentRow.author_name,
    CommentRow.author_email_hash,
    CommentRow.author_account_age_days,
    CommentRow.author_karma,
    CommentRow.body,
    CommentRow.language,
    CommentRow.status,
    CommentRow.reasons,
    CommentRow.risk,
    CommentRow.model_version,
    CommentRow.created_at,
    CommentRow.decided_at,
    CommentRow.version,
    CommentRow.revision,
    CommentRow.intake_hold,
    CommentRow.statement,
)


def to_comment(row: CommentRow | Row[Any]) -> Comment:
    """A stored comment as a domain value (from an entity, or a row of ``COMMENT_COLUMNS``)."""
    return Comment(
        id=row.id,
        site_id=row.site_id,
        article_id=row.article_id,
        parent_id=row.parent_id,
        root_id=row.root_id,
        author=Author(
            id=row.author_id,
            display_name=row.author_name,
            email_hash=row.author_email_hash,
            account_age_days=row.author_account_age_days,
            karma=row.author_karma,
        ),
        body=row.body,
        language=row.language,
        status=Status(row.status),
        reasons=tuple(row.reasons or ()),
        risk=row.risk,
        model_version=row.model_version,
        created_at=row.created_at,
        decided_at=row.decided_at,
        version=row.version,
        revision=row.revision,
        hold=row.intake_hold,
        statement=Statement.from_json(row.statement),
    )


def to_action(row: ActionRow, referred: dict[str, float] | None = None) -> Action:
    """A moderation log entry as a domain value; ``referred``: the scores a classified action
    refers to in ``comment_scores`` (service/store/action_scores.py)."""
    return Action(
        id=row.id,
        comment_id=row.comment_id,
        kind=ActionKind(row.kind),
        actor=row.actor,
        from_status=Status(row.from_status) if row.from_status else None,
        to_status=Status(row.to_status) if row.to_status else None,
        reasons=tuple(row.reasons or ()),
        model_version=row.model_version,
        scores=dict(row.scores if row.scores is not None else referred or {}),
        note=row.note,
        created_at=row.created_at,
        evidence=row.evidence,
        statement=Statement.from_json(row.statement),
    )


def submission(comment_id: str, created_at: datetime) -> Action:
    """A comment's ``submitted`` entry, derived from its row: intake stores no action for it
    (issue 10), since the row holds every fact one held (when, status pending, no actor)."""
    return Action(
        id=SUBMISSION_ID,
        comment_id=comment_id,
        kind=ActionKind.SUBMITTED,
        actor=None,
        from_status=None,
        to_status=Status.PENDING,
        reasons=(),
        model_version=None,
        scores={},
        note=None,
        created_at=created_at,
    )


def with_submission(
    comment_id: str, created_at: datetime, stored: Sequence[Action]
) -> list[Action]:
    """A comment's history, oldest first: its submission, then its stored actions.

    A stored ``submitted`` action is kept instead of the derived one: API processes of an
    earlier release write one until they are replaced, after ``migrate`` ran.
    """
    if any(a.kind is ActionKind.SUBMITTED for a in stored):
        return list(stored)
    return [submission(comment_id, created_at), *stored]


def to_model_version(row: ModelVersionRow, aliases: tuple[str, ...] = ()) -> ModelVersion:
    """A registered model version as a domain value."""
    return ModelVersion(
        id=row.id,
        artifact_sha256=row.artifact_sha256,
        artifact_path=row.artifact_path,
        labels=tuple(row.labels or ()),
        metrics=dict(row.metrics or {}),
        data_manifest=dict(row.data_manifest or {}),
        library_versions={k: str(v) for k, v in (row.library_versions or {}).items()},
        created_at=row.created_at,
        aliases=aliases,
        thresholds=dict(row.thresholds or {}),
    )
