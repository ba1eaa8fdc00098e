"""A classified action's scores, kept once (issue 10, migration 0020).

A verdict writes its scores to ``comment_scores`` (keyed by comment and model version), and its
``classified`` action used to repeat them. The action now stores JSON ``null`` instead, which
reads "the ``comment_scores`` row of my comment and model version". That row holds the scores
of the comment's current revision only: an edit deletes it before the new revision is scored
by the same version. So :func:`keep_copies` runs first and writes into every action that still
refers to the row the scores it refers to; an action of an earlier revision therefore always
holds its own copy, and an action that refers to ``comment_scores`` was always about the body
that row scored.

Every reader of actions builds them with :func:`to_actions`, which reads the referred-to rows
in one query, so the audit log, the moderation view and the export show what they showed when
each action kept a copy.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import JSON, Text, and_, cast, select, tuple_, update
from sqlalchemy.orm import Session

from service.domain import Action, ActionKind
from service.models import ActionRow, ScoreRow
from service.store.convert import to_action

# What a classified action stores when its scores are in comment_scores: JSON null (a NOT NULL
# column, so SQL NULL is not an option without rebuilding the action log on SQLite).
IN_COMMENT_SCORES: Any = JSON.NULL
_REFERS = and_(
    ActionRow.kind == ActionKind.CLASSIFIED.value, cast(ActionRow.scores, Text) == "null"
)


def to_actions(session: Session, rows: Sequence[ActionRow]) -> list[Action]:
    """The rows as actions, each with its scores wherever they are kept."""
    referred = _scores_of(session, {(r.comment_id, r.model_version) for r in rows if _refers(r)})
    return [
        to_action(r, referred.get((r.comment_id, r.model_version), {}) if _refers(r) else None)
        for r in rows
    ]


def keep_copies(session: Session, comment_id: str) -> None:
    """Write into the comment's actions that refer to ``comment_scores`` the scores they refer
    to, before those rows go (an edit deletes them for the new revision)."""
    referring = session.execute(
        select(ActionRow.id, ActionRow.model_version).where(
            ActionRow.comment_id == comment_id, _REFERS
        )
    ).all()
    if not referring:
        return
    scores = _scores_of(session, {(comment_id, version) for _, version in referring})
    for action_id, version in referring:
        session.execute(
            update(ActionRow)
            .where(ActionRow.id == action_id)
            .values(scores=scores.get((comment_id, version), {}))
            .execution_options(synchronize_session=False)
        )


def _refers(row: ActionRow) -> bool:
    return row.kind == ActionKind.CLASSIFIED.value and row.scores is None


def _scores_of(
    session: Session, keys: set[tuple[str, str | None]]
) -> dict[tuple[str, str | None], dict[str, float]]:
    wanted = sorted((c, v) for c, v in keys if v is not None)
    if not wanted:
        return {}
    rows = session.execute(
        select(ScoreRow.comment_id, ScoreRow.model_version, ScoreRow.scores).where(
            tuple_(ScoreRow.comment_id, ScoreRow.model_version).in_(wanted)
        )
    )
    return {(c, v): dict(s) for c, v, s in rows}
