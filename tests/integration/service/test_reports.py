"""Readers' reports weighed by how their reporters were judged, dismissal, and undo, on real
SQLite and PostgreSQL."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from service.domain import ActionKind, Decision, Queue, Status
from service.domain.decisions import Selection
from service.domain.queues import AuditFilter, CardReport, QueueFilter
from service.domain.reports import ReportState
from service.errors import CommentDeletedError, StaleDecisionError
from service.models import CommentRow, ReportRow
from service.moderation import Moderation
from service.workspace import Workspace
from tests.factories import new_comment, scores
from tests.intake import submit

SITE = "news-site"
_readers = itertools.count(1)


def published(moderation: Moderation, **overrides: object) -> str:
    """A comment the model approved."""
    (stored,) = submit(moderation, [new_comment(**overrides)])
    moderation.record_classifications([scores(stored.comment_id)])
    assert moderation.get_comment(stored.comment_id).status is Status.APPROVED
    return stored.comment_id


def decide(moderation: Moderation, comment_id: str, decision: Decision) -> str:
    """A moderator's decision; returns its batch id (to undo it)."""
    decided = moderation.decide(
        comment_id, decision=decision, actor="mod-ann", reason=None, note=None,
        expected_version=None,
    )  # fmt: skip
    assert decided.batch_id is not None
    return decided.batch_id


def report_all(moderation: Moderation, comment_id: str, readers: list[str]) -> Status:
    """Each reader reports the comment; returns its status after."""
    for reader in readers:
        moderation.report(SITE, comment_id, reader, "abuse", None)
    return moderation.get_comment(comment_id).status


def readers(n: int) -> list[str]:
    return [f"reader-{next(_readers)}" for _ in range(n)]


def card_reports(workspace: Workspace, moderation: Moderation, comment_id: str) -> list[CardReport]:
    comment = moderation.get_comment(comment_id)
    return workspace.card_details([comment])[comment_id].reports


def judge(moderation: Moderation, workspace: Workspace, who: list[str], times: int, *, upheld: bool
) -> None:  # fmt: skip
    """Give ``who`` a record: ``times`` reports each, all upheld (rejected) or all dismissed."""
    for _ in range(times):
        comment_id = published(moderation)
        report_all(moderation, comment_id, who)  # reported or not: the judgement follows
        if upheld:
            decide(moderation, comment_id, Decision.REJECT)
        else:
            workspace.dismiss_reports(comment_id, actor="mod-ann", note=None, expected_version=None)


def test_three_new_readers_take_a_comment_to_review(moderation: Moderation) -> None:
    assert moderation.settings.report_threshold == 3
    comment_id = published(moderation)
    first, second, third = readers(3)
    assert report_all(moderation, comment_id, [first, second]) is Status.APPROVED
    assert report_all(moderation, comment_id, [third]) is Status.REPORTED


def test_the_third_report_from_unreliable_readers_does_not_pull_a_comment(
    moderation: Moderation, workspace: Workspace
) -> None:
    unreliable = readers(3)
    judge(moderation, workspace, unreliable, 1, upheld=False)
    comment_id = published(moderation)
    assert report_all(moderation, comment_id, unreliable) is Status.APPROVED
    assert [r.weight for r in card_reports(workspace, moderation, comment_id)] == [0.8] * 3
    # 3 x 0.8 + one new reader's 1: now the weight of the open reports reaches 3.
    assert report_all(moderation, comment_id, readers(1)) is Status.REPORTED


def test_two_reliable_readers_are_enough(moderation: Moderation, workspace: Workspace) -> None:
    reliable = readers(2)
    judge(moderation, workspace, reliable, 5, upheld=True)
    comment_id = published(moderation)
    assert report_all(moderation, comment_id, reliable) is Status.REPORTED
    weights = [r.weight for r in card_reports(workspace, moderation, comment_id)]
    assert weights == [1.556, 1.556]  # (5 + 2) / (5 + 4) over the prior's 0.5


def test_a_few_upheld_reports_are_not_yet_enough_for_two(
    moderation: Moderation, workspace: Workspace
) -> None:
    somewhat = readers(2)
    judge(moderation, workspace, somewhat, 2, upheld=True)  # 1.333 each: 2.667 < 3
    comment_id = published(moderation)
    assert report_all(moderation, comment_id, somewhat) is Status.APPROVED


def test_dismissal_publishes_again_and_counts_against_the_reporters(
    moderation: Moderation, workspace: Workspace
) -> None:
    comment_id = published(moderation)
    who = readers(3)
    assert report_all(moderation, comment_id, who) is Status.REPORTED

    dismissed = workspace.dismiss_reports(
        comment_id, actor="mod-ann", note="fair criticism", expected_version=None
    )

    assert (dismissed.dismissed, dismissed.comment.status) == (3, Status.APPROVED)
    assert dismissed.comment.reasons == ()  # as the model approved it
    reports = card_reports(workspace, moderation, comment_id)
    assert [(r.state, r.weight) for r in reports] == [(ReportState.DISMISSED, 0.8)] * 3
    (action,) = moderation.audit(
        AuditFilter(comment_id=comment_id, kind="dismissed"), None, 5
    ).items
    assert (action.actor, action.from_status, action.to_status, action.note) == (
        "mod-ann", Status.REPORTED, Status.APPROVED, "fair criticism",
    )  # fmt: skip
    # Dismissed reports no longer count: the same three readers cannot report it again, and a
    # new comment they all report stays published (3 x 0.8 < 3).
    assert report_all(moderation, comment_id, who) is Status.APPROVED
    assert report_all(moderation, published(moderation), who) is Status.APPROVED


def test_dismissing_twice_records_one_dismissal(
    moderation: Moderation, workspace: Workspace
) -> None:
    comment_id = published(moderation)
    report_all(moderation, comment_id, readers(1))
    first = workspace.dismiss_reports(comment_id, actor="mod-ann", note=None, expected_version=None)
    again = workspace.dismiss_reports(comment_id, actor="mod-ann", note=None, expected_version=None)
    assert (first.dismissed, again.dismissed, again.batch_id) == (1, 0, None)
    log = moderation.audit(AuditFilter(comment_id=comment_id, kind="dismissed"), None, 5)
    assert len(log.items) == 1


def test_dismissal_leaves_a_comment_held_for_other_reasons_held(
    moderation: Moderation, workspace: Workspace
) -> None:
    (stored,) = submit(moderation, [new_comment()])
    moderation.record_classifications([scores(stored.comment_id, spam=0.7)])
    report_all(moderation, stored.comment_id, readers(1))
    dismissed = workspace.dismiss_reports(
        stored.comment_id, actor="mod-ann", note=None, expected_version=None
    )
    assert (dismissed.dismissed, dismissed.comment.status) == (1, Status.WITHHELD)


def test_dismissal_on_a_stale_view_or_a_deleted_comment_is_refused(
    moderation: Moderation, workspace: Workspace, sessions: sessionmaker[Session]
) -> None:
    comment_id = published(moderation)
    seen = moderation.get_comment(comment_id).version
    report_all(moderation, comment_id, readers(3))  # moves it: a new version
    with pytest.raises(StaleDecisionError):
        workspace.dismiss_reports(comment_id, actor="mod-ann", note=None, expected_version=seen)
    with sessions.begin() as session:
        session.execute(
            update(CommentRow).where(CommentRow.id == comment_id).values(status="deleted")
        )
    with pytest.raises(CommentDeletedError):
        workspace.dismiss_reports(comment_id, actor="mod-ann", note=None, expected_version=None)


def test_rejecting_upholds_approving_dismisses_and_undo_forgets(
    moderation: Moderation, workspace: Workspace
) -> None:
    comment_id = published(moderation)
    who = readers(3)
    report_all(moderation, comment_id, who)
    batch = decide(moderation, comment_id, Decision.REJECT)
    assert {(r.state, r.weight) for r in card_reports(workspace, moderation, comment_id)} == {
        (ReportState.UPHELD, 1.2)
    }
    workspace.undo(batch, "mod-ann")
    assert moderation.get_comment(comment_id).status is Status.REPORTED
    assert {(r.state, r.weight) for r in card_reports(workspace, moderation, comment_id)} == {
        (ReportState.OPEN, 1.0)
    }
    decide(moderation, comment_id, Decision.APPROVE)
    assert {(r.state, r.weight) for r in card_reports(workspace, moderation, comment_id)} == {
        (ReportState.DISMISSED, 0.8)
    }


def test_a_bulk_rejection_upholds_the_reports_of_every_comment(
    moderation: Moderation, workspace: Workspace
) -> None:
    who = readers(3)
    ids = [published(moderation) for _ in range(2)]
    for comment_id in ids:
        report_all(moderation, comment_id, who)
    workspace.bulk_apply(
        Queue.REPORTED, Selection(ids=tuple(ids)), decision=Decision.REJECT, reasons=[],
        note=None, actor="mod-ann", expected_count=2,
    )  # fmt: skip
    weights = {r.weight for c in ids for r in card_reports(workspace, moderation, c)}
    assert weights == {1.333}  # two upheld each: (2 + 2) / (2 + 4) over 0.5


def test_reports_at_the_same_moment_are_all_weighed(
    moderation: Moderation, sessions: sessionmaker[Session]
) -> None:
    comment_id = published(moderation)
    first, *together = readers(5)
    report_all(moderation, comment_id, [first])
    # Two new readers at once, and one of them twice: without the row lock each transaction
    # would weigh its own report beside the first only (2 < 3) and the comment would stay up.
    errors = run_together([
        lambda: moderation.report(SITE, comment_id, together[0], "abuse", None),
        lambda: moderation.report(SITE, comment_id, together[1], "abuse", None),
        lambda: moderation.report(SITE, comment_id, together[1], "abuse", None),
    ])  # fmt: skip
    assert errors == []
    assert moderation.get_comment(comment_id).status is Status.REPORTED
    with sessions.begin() as session:
        count = session.scalar(
            select(func.count()).select_from(ReportRow).where(ReportRow.comment_id == comment_id)
        )
    assert count == 3
    kinds = [a.kind for a in moderation.moderation_view(comment_id).actions]
    assert kinds.count(ActionKind.REPORTED) == 1


def run_together(calls: list[Callable[[], object]]) -> list[BaseException]:
    """Run the calls on threads released at once; the errors they raised."""
    barrier = threading.Barrier(len(calls))
    errors: list[BaseException] = []

    def run(call: Callable[[], object]) -> None:
        barrier.wait()
        try:
            call()
        except BaseException as exc:  # the test asserts there were none
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return errors


def test_reported_queue_lists_the_comment_until_dismissed(
    moderation: Moderation, workspace: Workspace
) -> None:
    comment_id = published(moderation)
    report_all(moderation, comment_id, readers(3))
    page = moderation.queue_page(Queue.REPORTED, QueueFilter(), "age", None, 10)
    assert [c.id for c in page.items] == [comment_id]
    workspace.dismiss_reports(comment_id, actor="mod-ann", note=None, expected_version=None)
    assert moderation.queue_page(Queue.REPORTED, QueueFilter(), "age", None, 10).items == []
