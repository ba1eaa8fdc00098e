"""Challenger scores: written next to the champion's, read back to compare the two."""

from __future__ import annotations

from collections.abc import Mapping

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from service.models import SCORES, ModelVersionRow, ScoreRow


def insert_scores(
    session: Session, version_id: str, scores: Mapping[str, Mapping[str, float]]
) -> int:
    """Store one version's scores ({comment id: {label: value}}) for comments it has not scored.

    Returns how many comments got scores. Only the ``scores`` table is written: the status,
    reasons and actions of a comment are the champion's alone.
    """
    if not scores:
        return 0
    existing = set(
        session.scalars(
            select(ScoreRow.comment_id)
            .where(ScoreRow.model_version == version_id, ScoreRow.comment_id.in_(list(scores)))
            .distinct()
        )
    )
    fresh = {cid: labels for cid, labels in scores.items() if cid not in existing and labels}
    rows = [
        {"comment_id": cid, "model_version": version_id, "label": label, "value": value}
        for cid, labels in fresh.items()
        for label, value in labels.items()
    ]
    if rows:
        session.execute(insert(SCORES), rows)
    return len(fresh)


def version_exists(session: Session, version_id: str) -> bool:
    """Whether a model version is registered."""
    return session.get(ModelVersionRow, version_id) is not None
