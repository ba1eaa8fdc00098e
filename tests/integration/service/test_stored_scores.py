"""Scores as the store keeps them (issue 10): six decimals cut down, decided from the exact ones."""

from __future__ import annotations

from sqlalchemy import Text, cast, select

from service.domain import ActionKind, Classification, Queue, Status
from service.domain.queues import QueueFilter
from service.models import ActionRow, CommentRow, ScoreRow
from service.moderation import Moderation
from service.shadow import Shadow
from tests.factories import new_comment
from tests.intake import submit

# What a model gives: 17 significant digits, 222 bytes of JSON for seven labels.
JUST_UNDER = 0.49999999731548  # under the default spam withhold band (0.5)
JUST_OVER = 0.50000000268452
TOXIC = 0.7234567890123456


def _submit(moderation: Moderation, count: int) -> list[str]:
    return [s.comment_id for s in submit(moderation, [new_comment() for _ in range(count)])]


def _stored_json(moderation: Moderation, comment_id: str) -> tuple[list[str], list[str]]:
    """The JSON text of the comment's ``comment_scores`` rows and classified actions' scores."""
    with moderation.sessions() as session:
        scores = session.scalars(
            select(cast(ScoreRow.scores, Text))
            .where(ScoreRow.comment_id == comment_id)
            .order_by(ScoreRow.model_version)
        ).all()
        actions = session.scalars(
            select(cast(ActionRow.scores, Text)).where(
                ActionRow.comment_id == comment_id,
                ActionRow.kind == ActionKind.CLASSIFIED.value,
            )
        ).all()
    return list(scores), list(actions)


def test_scores_are_stored_to_six_decimals_and_decided_exactly(moderation: Moderation) -> None:
    under, over = _submit(moderation, 2)
    moderation.record_classifications(
        [
            Classification(under, {"spam": JUST_UNDER, "toxic": TOXIC}, "v-test"),
            Classification(over, {"spam": JUST_OVER, "toxic": 0.1}, "v-test"),
        ]
    )
    Shadow(moderation.sessions, moderation.settings).record_scores(
        [Classification(under, {"spam": 0.123456789, "toxic": 0.987654321}, "v-challenger")]
    )

    scores, actions = _stored_json(moderation, under)
    challenger, champion = scores  # by version: v-challenger, v-test
    assert champion == '{"spam":0.499999,"toxic":0.723456}'
    assert challenger == '{"spam":0.123456,"toxic":0.987654}'
    assert actions == ["null"]  # the classified action refers to its comment_scores row (0020)
    with moderation.sessions() as session:
        risk = session.scalar(select(CommentRow.risk).where(CommentRow.id == under))
    assert risk == TOXIC  # exact: the highest score as the model gave it
    view = moderation.moderation_view(under)
    assert view.scores["v-test"] == {"spam": 0.499999, "toxic": 0.723456}
    (classified,) = [a for a in view.actions if a.kind is ActionKind.CLASSIFIED]
    assert classified.scores == {"spam": 0.499999, "toxic": 0.723456}
    # Decided from the exact scores: spam under its band, held for toxic only.
    assert view.comment.status is Status.WITHHELD
    assert view.comment.reasons == ("toxic",)
    assert moderation.moderation_view(over).comment.reasons == ("spam",)


def test_the_queue_label_filter_agrees_with_the_band_the_verdict_used(
    moderation: Moderation,
) -> None:
    under, over = _submit(moderation, 2)
    moderation.record_classifications(
        [
            Classification(under, {"spam": JUST_UNDER, "toxic": TOXIC}, "v-test"),
            Classification(over, {"spam": JUST_OVER, "toxic": 0.1}, "v-test"),
        ]
    )

    page = moderation.queue_page(
        Queue.REVIEW, QueueFilter(label="spam", min_score=0.5), "age", None, 10
    )

    # Rounded to nearest, the comment just under the band would be stored as 0.5 and listed.
    assert [c.id for c in page.items] == [over]
