"""Statements of reasons: codes from reasons, explanations, and the events that carry them."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from service.domain import Status
from service.domain.appeals import Appeal, AppealStatus, OriginalDecision, appeal_event
from service.domain.changes import (
    CommentRef,
    Decider,
    EventType,
    Transition,
    decision_statement,
    transition_events,
)
from service.domain.statements import (
    Statement,
    StatementCode,
    code_for,
    moderator_statement,
    system_statement,
)

REF = CommentRef("c-1", "news-site", "a-1", None, 1, 3)
AT = datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)


@pytest.mark.parametrize(
    ("reasons", "code"),
    [
        (["spam", "links"], StatementCode.SPAM),
        (["contact_details"], StatementCode.SPAM),
        (["toxic"], StatementCode.ABUSIVE),
        (["insult", "obscene"], StatementCode.ABUSIVE),
        (["toxic", "identity_hate"], StatementCode.HATE_SPEECH),  # the graver ground wins
        (["toxic", "threat"], StatementCode.HARASSMENT),
        (["spam", "banned_word"], StatementCode.BANNED_WORD),
        (["banned_author"], StatementCode.OTHER),
        (["moderator"], StatementCode.OTHER),
        ([], StatementCode.OTHER),
        (["illegal_content", "spam"], StatementCode.ILLEGAL_CONTENT),
        (["off_topic"], StatementCode.OFF_TOPIC),
    ],
)
def test_a_rejection_takes_the_code_of_its_gravest_reason(
    reasons: list[str], code: StatementCode
) -> None:
    assert code_for(Status.REJECTED, reasons) is code


def test_spam_status_is_always_the_spam_code() -> None:
    assert code_for(Status.SPAM, ["toxic", "threat"]) is StatementCode.SPAM


def test_only_rejections_have_statements() -> None:
    for status in (Status.APPROVED, Status.WITHHELD, Status.PENDING, Status.REPORTED):
        assert system_statement(status, ["spam"], "text") is None
        assert moderator_statement(status, ["spam"], StatementCode.SPAM, "x") is None
        assert decision_statement(status, ["spam"], Decider.MODEL, "m-1") is None


def test_an_automatic_statement_says_how_it_was_decided() -> None:
    statement = decision_statement(Status.REJECTED, ["toxic", "links"], Decider.MODEL, "m-7")
    assert statement == Statement(
        StatementCode.ABUSIVE,
        "Rejected because its toxicity score reached the site's threshold and it contains a "
        "link. Decided by automated means (model m-7).",
        automated=True,
    )
    rules = decision_statement(Status.REJECTED, ["banned_author"], Decider.SYSTEM, None)
    assert rules is not None
    assert rules.explanation.endswith("Decided by automated means (the site's rules).")


def test_a_moderator_statement_uses_their_code_and_words() -> None:
    given = moderator_statement(
        Status.REJECTED, ["insult"], StatementCode.ILLEGAL_CONTENT, "It doxxes a reader."
    )
    assert given == Statement(
        StatementCode.ILLEGAL_CONTENT,
        "Rejected by a human moderator: illegal content. It doxxes a reader.",
        automated=False,
    )
    implied = moderator_statement(Status.SPAM, ["moderator"], None, None)
    assert implied is not None
    assert implied.explanation == "Rejected as spam by a human moderator: spam or advertising."


def test_a_statement_survives_its_stored_form() -> None:
    statement = Statement(StatementCode.HARASSMENT, "Rejected.", automated=False)
    assert Statement.from_json(statement.as_json()) == statement
    assert Statement.from_json(None) is None


def test_a_decided_event_carries_the_given_statement_or_the_derived_one() -> None:
    given = Statement(StatementCode.OFF_TOPIC, "Rejected by a human moderator: off topic.", False)
    human = Transition(
        REF, Status.WITHHELD, Status.REJECTED, ["moderator"], Decider.MODERATOR, AT, statement=given
    )
    model = Transition(REF, Status.PENDING, Status.SPAM, ["spam"], Decider.MODEL, AT, "m-1")
    approved = Transition(REF, Status.WITHHELD, Status.APPROVED, [], Decider.MODERATOR, AT)

    (_left, decided) = transition_events(human)
    assert decided.type is EventType.COMMENT_DECIDED
    assert decided.data["statement"] == given.as_json()
    (spam,) = transition_events(model)
    assert spam.data["statement"]["code"] == "spam"
    assert spam.data["statement"]["automated"] is True
    assert spam.data["statement_of_reasons"]  # kept for existing clients
    (_left, published) = transition_events(approved)
    assert published.data["statement"] is None


def test_an_appeal_event_never_carries_the_authors_words() -> None:
    original = OriginalDecision(1, Status.REJECTED, ("insult",), None, "mod-ann", AT)
    appeal = Appeal(7, "c-1", "news-site", AppealStatus.OPEN, "my secret words", AT, original)

    event = appeal_event(EventType.COMMENT_APPEALED, appeal, REF, Status.REJECTED)

    assert event.data == {
        "comment": {
            "id": "c-1",
            "article_id": "a-1",
            "parent_id": None,
            "status": "rejected",
            "revision": 1,
            "version": 3,
        },
        "appeal": {
            "id": 7,
            "status": "open",
            "filed_at": "2026-01-02T03:04:05Z",
            "decided_at": None,
            "reply": None,
        },
    }
    assert "mod-ann" not in str(event.data)
