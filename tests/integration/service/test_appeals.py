"""Statements of reasons and appeals against real SQLite/PostgreSQL (issue 12, DSA art. 17/20)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from service.appeals import Appeals
from service.auth import generate_api_key
from service.domain import ActionKind, Decision, Role, Status
from service.domain.appeals import AppealOutcome, AppealStatus
from service.domain.decisions import Decided
from service.domain.queues import AuditFilter
from service.domain.statements import StatementCode
from service.errors import (
    AppealDecidedError,
    AppealOpenError,
    NotFoundError,
    NotRejectedError,
    SameModeratorError,
    StaleDecisionError,
)
from service.moderation import Moderation
from service.privacy import Privacy
from service.settings import Settings
from service.store import appeals as store_appeals
from service.store import undo
from service.store.keys import add_api_key
from service.transaction import transaction
from tests.factories import SPAM_PITCH, new_comment, scores
from tests.intake import submit


@pytest.fixture
def appeals(sessions: sessionmaker[Session]) -> Appeals:
    return Appeals(sessions)


def add_moderators(sessions: sessionmaker[Session], *names: str) -> None:
    """Moderator keys, so the service knows a team of that many."""
    with sessions.begin() as session:
        for name in names:
            _token, digest, prefix = generate_api_key()
            add_api_key(
                session, name=name, role=Role.MODERATOR, key_hash=digest, prefix=prefix,
                now=datetime.now(UTC),
            )  # fmt: skip


def rejected_by(
    moderation: Moderation,
    actor: str = "mod-ann",
    reason: str | None = "insult",
    **statement: object,
) -> str:
    """A comment a moderator rejected (with ``statement_code``/``explanation`` if given)."""
    (stored,) = submit(moderation, [new_comment()])
    moderation.record_classifications([scores(stored.comment_id, spam=0.6)])
    decide(moderation, stored.comment_id, Decision.REJECT, actor, reason, **statement)
    return stored.comment_id


def decide(
    moderation: Moderation,
    comment_id: str,
    decision: Decision,
    actor: str = "mod-ann",
    reason: str | None = None,
    **statement: object,
) -> Decided:
    return moderation.decide(
        comment_id,
        decision=decision,
        actor=actor,
        reason=reason,
        note=None,
        expected_version=None,
        **statement,  # type: ignore[arg-type]
    )


def test_an_automatic_spam_rejection_carries_an_automated_spam_statement(
    moderation: Moderation,
) -> None:
    (stored,) = submit(moderation, [new_comment(body=SPAM_PITCH)])
    moderation.record_classifications([scores(stored.comment_id, spam=0.995, version="m-7")])

    comment = moderation.get_comment(stored.comment_id)
    assert comment.status is Status.SPAM
    assert comment.statement is not None
    assert comment.statement.code is StatementCode.SPAM
    assert comment.statement.automated
    assert "automated means (model m-7)" in comment.statement.explanation
    classified = moderation.moderation_view(stored.comment_id).actions[-1]
    assert classified.kind is ActionKind.CLASSIFIED
    assert classified.statement == comment.statement


def test_a_held_or_approved_comment_has_no_statement(moderation: Moderation) -> None:
    held, approved = submit(moderation, [new_comment(), new_comment()])
    moderation.record_classifications(
        [scores(held.comment_id, spam=0.7), scores(approved.comment_id)]
    )
    assert moderation.get_comment(held.comment_id).statement is None
    assert moderation.get_comment(approved.comment_id).statement is None


@pytest.mark.parametrize(
    ("reason", "code"),
    [
        ("insult", StatementCode.ABUSIVE),
        ("identity_hate", StatementCode.HATE_SPEECH),
        ("threat", StatementCode.HARASSMENT),
        ("off_topic", StatementCode.OFF_TOPIC),
        (None, StatementCode.OTHER),
    ],
)
def test_a_moderator_rejection_takes_the_code_its_reason_implies(
    moderation: Moderation, reason: str | None, code: StatementCode
) -> None:
    comment = moderation.get_comment(rejected_by(moderation, reason=reason))
    assert comment.statement is not None
    assert comment.statement.code is code
    assert not comment.statement.automated
    assert comment.statement.explanation.startswith("Rejected by a human moderator")


def test_a_moderator_gives_the_code_and_words_for_the_author(moderation: Moderation) -> None:
    comment_id = rejected_by(
        moderation,
        statement_code=StatementCode.ILLEGAL_CONTENT,
        explanation="It names a private person's address.",
    )
    statement = moderation.get_comment(comment_id).statement
    assert statement is not None
    assert statement.code is StatementCode.ILLEGAL_CONTENT
    assert statement.explanation == (
        "Rejected by a human moderator: illegal content. It names a private person's address."
    )
    approved = moderation.decide(
        comment_id,
        decision=Decision.APPROVE,
        actor="mod-ann",
        reason=None,
        note=None,
        expected_version=moderation.get_comment(comment_id).version,
    )
    assert approved.comment.statement is None  # a standing approval has nothing to explain


def test_undoing_a_rejection_restores_the_statement_before_it(moderation: Moderation) -> None:
    (stored,) = submit(moderation, [new_comment(body=SPAM_PITCH)])
    moderation.record_classifications([scores(stored.comment_id, spam=0.995)])
    before = moderation.get_comment(stored.comment_id).statement
    decided = moderation.decide(
        stored.comment_id,
        decision=Decision.REJECT,
        actor="mod-ann",
        reason="toxic",
        note=None,
        expected_version=None,
    )
    assert decided.comment.statement is not None
    assert decided.comment.statement.code is StatementCode.ABUSIVE
    assert decided.batch_id is not None
    with transaction(moderation.sessions) as session:
        undo.undo_batch(
            session, decided.batch_id, actor="mod-ann", window=timedelta(minutes=5),
            now=datetime.now(UTC),
        )  # fmt: skip
    assert moderation.get_comment(stored.comment_id).statement == before


def test_the_site_files_an_appeal_on_its_rejected_comment(
    moderation: Moderation, appeals: Appeals
) -> None:
    comment_id = rejected_by(moderation, actor="mod-ann")

    appeal = appeals.file(comment_id, "news-site", "I was quoting the article.", "news-site")

    assert appeal.status is AppealStatus.OPEN
    assert appeal.original.decided_by == "mod-ann"
    assert appeal.original.status is Status.REJECTED
    assert appeal.original.statement is not None
    assert appeal.original.statement.code is StatementCode.ABUSIVE
    kinds = [a.kind for a in moderation.moderation_view(comment_id).actions]
    assert kinds[-1] is ActionKind.APPEALED
    comment, latest = appeals.comment_with_appeal(comment_id, "news-site")
    assert latest == appeal
    assert comment.status is Status.REJECTED


def test_an_appeal_needs_a_standing_rejection_of_the_site_and_no_open_appeal(
    moderation: Moderation, appeals: Appeals
) -> None:
    (held,) = submit(moderation, [new_comment()])
    with pytest.raises(NotRejectedError):
        appeals.file(held.comment_id, "news-site", "Why?", "news-site")
    comment_id = rejected_by(moderation)
    with pytest.raises(NotFoundError):
        appeals.file(comment_id, "other-site", "Why?", "other-site")
    appeals.file(comment_id, "news-site", "Why?", "news-site")
    with pytest.raises(AppealOpenError):
        appeals.file(comment_id, "news-site", "Why, again?", "news-site")


def test_open_appeals_form_a_queue_oldest_first_with_pages(
    moderation: Moderation, appeals: Appeals
) -> None:
    ids = [rejected_by(moderation) for _ in range(3)]
    for comment_id in ids:
        appeals.file(comment_id, "news-site", f"Appeal on {comment_id}", "news-site")

    first = appeals.queue(AppealStatus.OPEN, None, 2)
    assert [c.comment.id for c in first.items] == ids[:2]
    assert first.next_cursor is not None
    rest = appeals.queue(AppealStatus.OPEN, first.next_cursor, 2)
    assert [c.comment.id for c in rest.items] == ids[2:]
    assert rest.next_cursor is None
    assert first.items[0].appeal.text == f"Appeal on {ids[0]}"
    assert appeals.queue(AppealStatus.UPHELD, None, 10).items == []


def test_overturning_approves_the_comment_and_logs_each_step(
    moderation: Moderation, appeals: Appeals
) -> None:
    comment_id = rejected_by(moderation, actor="mod-ann")
    appeal = appeals.file(comment_id, "news-site", "I was quoting.", "news-site")

    decided = appeals.decide(appeal.id, AppealOutcome.OVERTURNED, "mod-ben", "You were right.")

    assert (decided.status, decided.decided_by, decided.reply) == (
        AppealStatus.OVERTURNED,
        "mod-ben",
        "You were right.",
    )
    comment = moderation.get_comment(comment_id)
    assert (comment.status, comment.statement) == (Status.APPROVED, None)
    log = moderation.audit(AuditFilter(comment_id=comment_id), None, 50).items
    overturned, appealed = log[0], log[1]
    assert (overturned.kind, overturned.actor) == (ActionKind.OVERTURNED, "mod-ben")
    assert (overturned.from_status, overturned.to_status) == (Status.REJECTED, Status.APPROVED)
    assert appealed.kind is ActionKind.APPEALED
    assert appeals.queue(AppealStatus.OPEN, None, 10).items == []
    with pytest.raises(AppealDecidedError):
        appeals.decide(appeal.id, AppealOutcome.UPHELD, "mod-cy", None)


def test_after_an_overturn_a_repeat_of_the_old_rejection_is_no_silent_no_op(
    moderation: Moderation, appeals: Appeals
) -> None:
    comment_id = rejected_by(moderation, actor="mod-ann")
    appeal = appeals.file(comment_id, "news-site", "I was quoting.", "news-site")
    appeals.decide(appeal.id, AppealOutcome.OVERTURNED, "mod-ben", None)

    with pytest.raises(StaleDecisionError, match="mod-ben already decided"):
        decide(moderation, comment_id, Decision.REJECT, "mod-ann", "insult")
    assert decide(moderation, comment_id, Decision.APPROVE, "mod-ben").batch_id is None  # a repeat
    assert moderation.get_comment(comment_id).status is Status.APPROVED


def test_upholding_keeps_the_rejection_and_its_statement(
    moderation: Moderation, appeals: Appeals
) -> None:
    (stored,) = submit(moderation, [new_comment(body=SPAM_PITCH)])
    moderation.record_classifications([scores(stored.comment_id, spam=0.995)])
    before = moderation.get_comment(stored.comment_id)
    appeal = appeals.file(stored.comment_id, "news-site", "Not spam.", "news-site")
    assert appeal.original.decided_by is None  # the system decided

    decided = appeals.decide(appeal.id, AppealOutcome.UPHELD, "mod-ann", None)

    after = moderation.get_comment(stored.comment_id)
    assert decided.status is AppealStatus.UPHELD
    assert (after.status, after.statement, after.version) == (
        Status.SPAM,
        before.statement,
        before.version,
    )
    upheld = moderation.moderation_view(stored.comment_id).actions[-1]
    assert (upheld.kind, upheld.actor, upheld.to_status) == (
        ActionKind.UPHELD,
        "mod-ann",
        Status.SPAM,
    )
    # Decided, the comment may be appealed again (a new appeal, against the same rejection).
    again = appeals.file(stored.comment_id, "news-site", "Please look again.", "news-site")
    assert again.id != appeal.id


def test_in_a_team_the_original_moderator_may_not_decide_the_appeal(
    moderation: Moderation, appeals: Appeals, sessions: sessionmaker[Session]
) -> None:
    add_moderators(sessions, "mod-ann", "mod-ben")
    comment_id = rejected_by(moderation, actor="mod-ann")
    appeal = appeals.file(comment_id, "news-site", "Please reconsider.", "news-site")

    with pytest.raises(SameModeratorError, match="another moderator"):
        appeals.decide(appeal.id, AppealOutcome.UPHELD, "mod-ann", None)
    assert appeals.queue(AppealStatus.OPEN, None, 10).items[0].appeal.id == appeal.id

    decided = appeals.decide(appeal.id, AppealOutcome.UPHELD, "mod-ben", None)
    assert decided.decided_by == "mod-ben"


def test_a_one_moderator_team_decides_its_own_appeals(
    moderation: Moderation, appeals: Appeals, sessions: sessionmaker[Session]
) -> None:
    add_moderators(sessions, "mod-ann")
    comment_id = rejected_by(moderation, actor="mod-ann")
    appeal = appeals.file(comment_id, "news-site", "Please reconsider.", "news-site")

    decided = appeals.decide(appeal.id, AppealOutcome.OVERTURNED, "mod-ann", None)

    assert decided.status is AppealStatus.OVERTURNED


def test_an_appeal_on_a_comment_no_longer_rejected_cannot_be_overturned(
    moderation: Moderation, appeals: Appeals
) -> None:
    comment_id = rejected_by(moderation, actor="mod-ann")
    appeal = appeals.file(comment_id, "news-site", "Please reconsider.", "news-site")
    moderation.decide(
        comment_id,
        decision=Decision.APPROVE,
        actor="mod-ben",
        reason=None,
        note=None,
        expected_version=moderation.get_comment(comment_id).version,
    )
    with pytest.raises(NotRejectedError):
        appeals.decide(appeal.id, AppealOutcome.OVERTURNED, "mod-cy", None)
    # Still open (the refusal rolled back); upholding closes it without touching the comment.
    closed = appeals.decide(appeal.id, AppealOutcome.UPHELD, "mod-cy", None)
    assert closed.status is AppealStatus.UPHELD
    assert moderation.get_comment(comment_id).status is Status.APPROVED


def test_an_unknown_appeal_is_not_found(appeals: Appeals) -> None:
    with pytest.raises(NotFoundError):
        appeals.decide(12345, AppealOutcome.UPHELD, "mod-ann", None)


def test_the_authors_appeal_is_in_their_export_and_gone_with_their_erasure(
    moderation: Moderation, appeals: Appeals, sessions: sessionmaker[Session], settings: Settings
) -> None:
    comment_id = rejected_by(moderation)
    author_id = moderation.get_comment(comment_id).author.id
    appeal = appeals.file(comment_id, "news-site", "My words, my data.", "news-site")
    privacy = Privacy(sessions, settings)

    (exported,) = privacy.export_author("news-site", author_id)["comments"]
    assert exported["statement"]["code"] == "abusive"
    assert [(a["text"], a["status"]) for a in exported["appeals"]] == [
        ("My words, my data.", "open")
    ]
    assert exported["history"][-1] == exported["history"][-1] | {"what": "appealed", "by": "site"}

    privacy.erase_author("news-site", author_id, "ops-olu")

    (card,) = appeals.queue(AppealStatus.OPEN, None, 10).items
    assert (card.appeal.id, card.appeal.text) == (appeal.id, "")  # the outcome can still be given


def test_the_index_keeps_one_open_appeal_when_the_check_is_raced(
    moderation: Moderation, appeals: Appeals, monkeypatch: pytest.MonkeyPatch
) -> None:
    comment_id = rejected_by(moderation)
    appeals.file(comment_id, "news-site", "First.", "news-site")
    # As if a second request had checked before the first one committed.
    monkeypatch.setattr(store_appeals, "_open_appeal_id", lambda _session, _comment_id: None)

    with pytest.raises(AppealOpenError):
        appeals.file(comment_id, "news-site", "Second.", "news-site")
    assert [c.appeal.text for c in appeals.queue(AppealStatus.OPEN, None, 10).items] == ["First."]
