"""Workspace use cases against real SQLite/PostgreSQL and a real Redis: undo, bulk, policies."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

import pytest
from redis import Redis
from redis.client import PubSub
from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import ActionKind, Author, AuthorPolicy, Decision, Queue, Reason, Status
from service.domain.decisions import Selection
from service.errors import (
    ConflictError,
    CountChangedError,
    NotFoundError,
    PermissionDeniedError,
    StaleDecisionError,
    UndoExpiredError,
)
from service.events import RedisEvents
from service.moderation import Moderation
from service.workspace import Workspace
from tests.factories import new_comment, next_event, scores
from tests.intake import submit


def held(moderation: Moderation, n: int = 1, **overrides: Any) -> list[str]:
    """Comments a worker withheld (spam score in the review band)."""
    stored = submit(moderation, [new_comment(**overrides) for _ in range(n)])
    ids = [s.comment_id for s in stored]
    moderation.record_classifications([scores(cid, spam=0.7) for cid in ids])
    return ids


def decide(moderation: Moderation, comment_id: str, actor: str = "ann", **kw: Any) -> str:
    args: dict[str, Any] = {"decision": Decision.REJECT, "reason": "insult", "note": None}
    args.update(kw)
    decided = moderation.decide(comment_id, actor=actor, expected_version=None, **args)
    assert decided.batch_id is not None
    return decided.batch_id


def later(seconds: float) -> Callable[[], datetime]:
    return lambda: utcnow() + timedelta(seconds=seconds)


def test_undo_within_the_window_restores_status_reasons_and_logs_undone(
    moderation: Moderation, workspace: Workspace, events: PubSub, redis: Redis
) -> None:
    [comment_id] = held(moderation)
    publishing = Moderation(moderation.sessions, moderation.settings, events=RedisEvents(redis))
    batch_id = decide(publishing, comment_id)
    assert next_event(events) == {
        "type": "decided",
        "data": {"comment_ids": [comment_id], "status": "rejected", "actor": "ann"},
    }

    assert workspace.undo(batch_id, "ann") == [comment_id]

    view = moderation.moderation_view(comment_id)
    assert (view.comment.status, view.comment.reasons) == (Status.WITHHELD, ("spam",))
    assert [a.kind for a in view.actions][-2:] == [ActionKind.DECIDED, ActionKind.UNDONE]
    assert view.actions[-1].to_status is Status.WITHHELD
    assert next_event(events) == {
        "type": "undone",
        "data": {"comment_ids": [comment_id], "actor": "ann"},
    }


def test_undo_of_a_decision_on_a_pending_comment_restores_it_as_submitted(
    moderation: Moderation, workspace: Workspace
) -> None:
    # Nothing happened to the comment before the decision but its submission, which is not
    # stored (issue 10): the undo still restores it as submitted, with no reasons.
    [stored] = submit(moderation, [new_comment()])
    workspace.undo(decide(moderation, stored.comment_id), "ann")

    view = moderation.moderation_view(stored.comment_id)
    assert (view.comment.status, view.comment.reasons) == (Status.PENDING, ())
    assert view.comment.decided_at is None
    assert view.comment.statement is None
    assert [a.kind for a in view.actions] == [
        ActionKind.SUBMITTED,
        ActionKind.DECIDED,
        ActionKind.UNDONE,
    ]
    assert view.actions[-1].reasons == ()


def test_undo_lets_another_moderator_decide_without_a_version(
    moderation: Moderation, workspace: Workspace
) -> None:
    [comment_id] = held(moderation)
    workspace.undo(decide(moderation, comment_id), "ann")

    decided = moderation.decide(
        comment_id, decision=Decision.APPROVE, actor="bo", reason=None, note=None,
        expected_version=None,
    )  # fmt: skip

    assert decided.comment.status is Status.APPROVED


def test_undo_refuses_late_foreign_unknown_and_repeated_undos(
    moderation: Moderation, workspace: Workspace, sessions: sessionmaker[Session]
) -> None:
    [comment_id] = held(moderation)
    batch_id = decide(moderation, comment_id)
    late = Workspace(sessions, moderation.settings, clock=later(31))

    with pytest.raises(UndoExpiredError):
        late.undo(batch_id, "ann")
    with pytest.raises(PermissionDeniedError):
        workspace.undo(batch_id, "bo")
    with pytest.raises(NotFoundError):
        workspace.undo("no-such-batch", "ann")
    workspace.undo(batch_id, "ann")
    with pytest.raises(ConflictError):
        workspace.undo(batch_id, "ann")


def test_undo_after_someone_else_changed_the_comment_changes_nothing(
    moderation: Moderation, workspace: Workspace
) -> None:
    first, second = held(moderation, 2)
    batch_id = workspace.bulk_apply(
        Queue.REVIEW, Selection(ids=(first, second)), decision=Decision.APPROVE, reasons=[],
        note=None, actor="ann", expected_count=2,
    ).batch_id  # fmt: skip
    version = moderation.get_comment(second).version
    moderation.decide(
        second, decision=Decision.SPAM, actor="bo", reason=None, note=None,
        expected_version=version,
    )  # fmt: skip

    with pytest.raises(StaleDecisionError):
        workspace.undo(batch_id, "ann")

    assert moderation.get_comment(first).status is Status.APPROVED
    assert moderation.get_comment(second).status is Status.SPAM


def test_two_moderators_racing_on_one_comment_one_wins(moderation: Moderation) -> None:
    [comment_id] = held(moderation)
    version = moderation.get_comment(comment_id).version
    start = threading.Barrier(2)
    outcomes: dict[str, str] = {}

    def decide_as(actor: str, decision: Decision) -> None:
        start.wait()
        try:
            moderation.decide(
                comment_id, decision=decision, actor=actor, reason=None, note=None,
                expected_version=version,
            )  # fmt: skip
            outcomes[actor] = "won"
        except StaleDecisionError:
            outcomes[actor] = "stale"

    threads = [
        threading.Thread(target=decide_as, args=("ann", Decision.APPROVE)),
        threading.Thread(target=decide_as, args=("bo", Decision.SPAM)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["stale", "won"]
    winner = next(actor for actor, outcome in outcomes.items() if outcome == "won")
    expected = Status.APPROVED if winner == "ann" else Status.SPAM
    assert moderation.get_comment(comment_id).status is expected


def test_bulk_preview_counts_by_author_and_by_link(
    moderation: Moderation, workspace: Workspace
) -> None:
    author = Author("u-bulk", "Bulk")
    mine = held(moderation, 3, author=author)
    held(moderation, 1, author=Author("u-bulk", "Bulk"), site_id="other-site")
    linked = held(moderation, 2, body="cheap coins at Shady-Coins.example today")
    held(moderation, 1, body="shadyXcoins.example is not the same domain")

    by_author = workspace.bulk_preview(
        Queue.REVIEW, Selection(site_id="news-site", author_id="u-bulk")
    )
    by_link = workspace.bulk_preview(Queue.REVIEW, Selection(link="shady-coins.example"))
    wildcard = workspace.bulk_preview(Queue.REVIEW, Selection(link="shady_coins%"))

    assert (by_author.count, sorted(by_author.comment_ids)) == (3, sorted(mine))
    assert (by_link.count, sorted(by_link.comment_ids)) == (2, sorted(linked))
    assert wildcard.count == 0  # % and _ are literal characters, not wildcards


def test_bulk_apply_decides_one_batch_and_undo_restores_it(
    moderation: Moderation, workspace: Workspace, events: PubSub
) -> None:
    ids = held(moderation, 3, author=Author("u-spammer", "Spammer"))
    selection = Selection(site_id="news-site", author_id="u-spammer")

    receipt = workspace.bulk_apply(
        Queue.REVIEW, selection, decision=Decision.SPAM, reasons=["spam"], note="wave",
        actor="ann", expected_count=3,
    )  # fmt: skip

    assert sorted(receipt.comment_ids) == sorted(ids)
    assert {moderation.get_comment(c).status for c in ids} == {Status.SPAM}
    event = next_event(events)
    assert event["type"] == "decided"
    assert sorted(event["data"]["comment_ids"]) == sorted(ids)
    assert (event["data"]["status"], event["data"]["actor"]) == ("spam", "ann")

    assert sorted(workspace.undo(receipt.batch_id, "ann")) == sorted(ids)
    assert {moderation.get_comment(c).status for c in ids} == {Status.WITHHELD}


def test_bulk_apply_refuses_a_changed_count_and_decides_nothing(
    moderation: Moderation, workspace: Workspace
) -> None:
    ids = held(moderation, 2, author=Author("u-grow", "Grow"))
    selection = Selection(site_id="news-site", author_id="u-grow")

    with pytest.raises(CountChangedError) as raised:
        workspace.bulk_apply(
            Queue.REVIEW, selection, decision=Decision.REJECT, reasons=[], note=None,
            actor="ann", expected_count=1,
        )  # fmt: skip

    assert raised.value.extensions == {"count": 2}
    assert {moderation.get_comment(c).status for c in ids} == {Status.WITHHELD}


@pytest.mark.parametrize(
    ("policy", "threshold", "body", "spam", "expected", "reasons"),
    [
        (AuthorPolicy.BAN, None, "Fine words.", 0.01, Status.REJECTED, ["banned_author"]),
        (AuthorPolicy.PREMODERATE, None, "Fine words.", 0.01, Status.WITHHELD, ["premoderated"]),
        (AuthorPolicy.TRUST, 0.3, "See https://docs.example.com", 0.2, Status.APPROVED, []),
        (AuthorPolicy.TRUST, 0.3, "See https://docs.example.com", 0.4, Status.WITHHELD, ["links"]),
        (None, None, "See https://docs.example.com", 0.2, Status.WITHHELD, ["links"]),
    ],
)
def test_author_policies_steer_worker_verdicts(
    moderation: Moderation,
    workspace: Workspace,
    policy: AuthorPolicy | None,
    threshold: float | None,
    body: str,
    spam: float,
    expected: Status,
    reasons: list[str],
) -> None:
    author = Author("u-policy", "Policy")
    if policy is not None:
        workspace.set_policy(
            "news-site", "u-policy", policy=policy, trust_threshold=threshold, note=None,
            actor="ann",
        )  # fmt: skip
    other_site = submit(moderation, [new_comment(author=author, site_id="elsewhere")])
    [stored] = submit(moderation, [new_comment(author=author, body=body)])

    moderation.record_classifications(
        [scores(stored.comment_id, spam=spam), scores(other_site[0].comment_id, spam=spam)]
    )

    comment = moderation.get_comment(stored.comment_id)
    assert (comment.status, list(comment.reasons)) == (expected, reasons)
    elsewhere = moderation.get_comment(other_site[0].comment_id)
    assert Reason.BANNED_AUTHOR.value not in elsewhere.reasons  # policies are per site


def test_author_policy_applies_only_to_comments_classified_after_it(
    moderation: Moderation, workspace: Workspace
) -> None:
    author = Author("u-later", "Later")
    [before] = held(moderation, 1, author=author)
    workspace.set_policy(
        "news-site", "u-later", policy=AuthorPolicy.BAN, trust_threshold=0.9, note="raid",
        actor="ann",
    )  # fmt: skip
    [after] = held(moderation, 1, author=author)

    assert moderation.get_comment(before).status is Status.WITHHELD
    assert moderation.get_comment(after).status is Status.REJECTED
    view = workspace.author("news-site", "u-later")
    assert view.policy is not None
    assert (view.policy.policy, view.policy.trust_threshold, view.policy.set_by) == (
        AuthorPolicy.BAN, None, "ann",
    )  # fmt: skip
    assert view.record.counts == {"withheld": 1, "rejected": 1}
    assert workspace.delete_policy("news-site", "u-later") is True
    assert workspace.author("news-site", "u-later").policy is None
    assert workspace.delete_policy("news-site", "u-later") is False


def test_moderation_view_carries_the_parent(moderation: Moderation) -> None:
    [parent] = submit(moderation, [new_comment(article_id="thread")])
    [reply] = submit(moderation, [new_comment(article_id="thread", parent_id=parent.comment_id)])

    view = moderation.moderation_view(reply.comment_id)

    assert view.parent is not None
    assert view.parent.id == parent.comment_id
    assert moderation.moderation_view(parent.comment_id).parent is None
