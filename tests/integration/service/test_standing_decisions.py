"""An undone decision is no label: training, the labels export and imports skip it."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker

from service.domain import Decision, Status
from service.moderation import Moderation
from service.store.labels import current_decisions, labelled_page
from service.store.moderator_labels import moderator_labels
from service.workspace import Workspace
from tests.integration.service.test_workspace import decide, held


def test_undone_decision_is_not_a_label(
    moderation: Moderation, workspace: Workspace, sessions: sessionmaker[Session]
) -> None:
    kept, undone = held(moderation, 2)
    decide(moderation, kept)
    workspace.undo(decide(moderation, undone), "ann")

    with sessions() as session:
        assert [label.status for label in moderator_labels(session)] == [Status.REJECTED]
        assert [r.comment_id for r in labelled_page(session, 0, 10)] == [kept]
        current = current_decisions(session, [kept, undone])
    assert current[kept].status is Status.REJECTED
    assert current[undone].status is None


def test_a_decision_after_an_undo_is_the_label(
    moderation: Moderation, workspace: Workspace, sessions: sessionmaker[Session]
) -> None:
    [comment_id] = held(moderation)
    workspace.undo(decide(moderation, comment_id), "ann")
    decide(moderation, comment_id, actor="bo", decision=Decision.APPROVE, reason=None)

    with sessions() as session:
        [record] = labelled_page(session, 0, 10)
    assert (record.comment_id, record.status, record.moderator) == (
        comment_id,
        Status.APPROVED,
        "bo",
    )
