"""Challenger scores: written next to the champion's, read back to compare the two."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import Exists, exists, func, insert, select, true
from sqlalchemy.orm import Session

from service.domain import Status
from service.domain.labels import LabelledScores
from service.domain.scores import stored_scores
from service.models import SCORES, ActionRow, CommentRow, ModelVersionRow, ScoreRow
from service.store.standing import standing_decision


def insert_scores(
    session: Session, version_id: str, scores: Mapping[str, Mapping[str, float]]
) -> int:
    """Store one version's scores ({comment id: {label: value}}) for comments it has not scored.

    Returns how many comments got scores. Only ``comment_scores`` is written: the status,
    reasons and actions of a comment are the champion's alone.
    """
    if not scores:
        return 0
    existing = set(
        session.scalars(
            select(ScoreRow.comment_id).where(
                ScoreRow.model_version == version_id, ScoreRow.comment_id.in_(list(scores))
            )
        )
    )
    fresh = {cid: labels for cid, labels in scores.items() if cid not in existing and labels}
    rows = [
        {"comment_id": cid, "model_version": version_id, "scores": stored_scores(labels)}
        for cid, labels in fresh.items()
    ]
    if rows:
        session.execute(insert(SCORES), rows)
    return len(fresh)


def version_exists(session: Session, version_id: str) -> bool:
    """Whether a model version is registered."""
    return session.get(ModelVersionRow, version_id) is not None


def labelled_scores(
    session: Session, challenger: str, champion: str, after: str | None, limit: int
) -> list[LabelledScores]:
    """Comments with a human decision and scores from both versions, by id after ``after``
    (from the first without).

    The decision is each comment's latest one (moderators may overturn each other).
    """
    latest = (
        select(func.max(ActionRow.id).label("action_id"))
        .where(
            standing_decision(),
            true() if after is None else ActionRow.comment_id > after,
            _scored_by(challenger),
            _scored_by(champion),
        )
        .group_by(ActionRow.comment_id)
        .order_by(ActionRow.comment_id)
        .limit(limit)
        .subquery()
    )
    decided = session.execute(
        select(
            ActionRow.comment_id,
            ActionRow.to_status,
            ActionRow.reasons,
            CommentRow.site_id,
            CommentRow.body,
        )
        .join(latest, ActionRow.id == latest.c.action_id)
        .join(CommentRow, CommentRow.id == ActionRow.comment_id)
        .order_by(ActionRow.comment_id)
    ).all()
    scores = _scores(session, [d.comment_id for d in decided], (challenger, champion))
    return [
        LabelledScores(
            comment_id=d.comment_id,
            decision=Status(d.to_status),
            reasons=tuple(d.reasons or ()),
            champion=scores.get((d.comment_id, champion), {}),
            challenger=scores.get((d.comment_id, challenger), {}),
            site_id=d.site_id,
            body=d.body,
        )
        for d in decided
    ]


def _scored_by(version_id: str) -> Exists:
    # Correlated on the scores primary key (comment_id, model_version): an index probe.
    return exists().where(
        ScoreRow.comment_id == ActionRow.comment_id, ScoreRow.model_version == version_id
    )


def _scores(
    session: Session, comment_ids: list[str], versions: Sequence[str]
) -> dict[tuple[str, str], dict[str, float]]:
    if not comment_ids:
        return {}
    rows = session.execute(
        select(ScoreRow.comment_id, ScoreRow.model_version, ScoreRow.scores).where(
            ScoreRow.comment_id.in_(comment_ids), ScoreRow.model_version.in_(list(versions))
        )
    )
    return {(comment_id, version): dict(scores) for comment_id, version, scores in rows}
