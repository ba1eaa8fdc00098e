"""Statements of reasons and appeal outcomes delivered to a real receiver (issue 12)."""

from __future__ import annotations

from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from service.appeals import Appeals
from service.domain import Decision
from service.domain.appeals import AppealOutcome
from service.domain.statements import StatementCode
from service.moderation import Moderation
from service.webhooks.endpoints import Webhooks
from tests.factories import SPAM_PITCH, new_comment, scores
from tests.intake import submit
from tests.integration.webhooks.conftest import Deliver, deliver_until
from tests.integration.webhooks.receiver import Receiver


def test_a_rejection_and_an_overturned_appeal_reach_the_site_signed(
    hooks: Webhooks,
    receiver: Receiver,
    moderation: Moderation,
    sessions: sessionmaker[Session],
    deliver: Deliver,
) -> None:
    endpoint = hooks.create(
        "news-site",
        receiver.url,
        events=("comment.decided", "comment.appealed", "comment.appeal_decided"),
        description=None,
        actor="test",
    )
    (stored,) = submit(moderation, [new_comment()])
    moderation.decide(
        stored.comment_id,
        decision=Decision.REJECT,
        actor="mod-ann",
        reason="insult",
        note=None,
        expected_version=None,
        statement_code=StatementCode.HARASSMENT,
        explanation="It singles out another reader.",
    )
    appeals = Appeals(sessions)
    appeal = appeals.file(stored.comment_id, "news-site", "I was joking.", "news-site")
    appeals.decide(appeal.id, AppealOutcome.OVERTURNED, "mod-ben", "Fair enough.")

    deliver_until(deliver, lambda: len(receiver.events()) == 4)

    for request in receiver.requests:
        Webhook(endpoint.secret).verify(request.body, request.headers)
    rejected, appealed, approved, decided = receiver.events()
    assert rejected["type"] == "comment.decided"
    assert rejected["data"]["statement"] == {
        "code": "harassment",
        "explanation": (
            "Rejected by a human moderator: harassment or threats. It singles out another reader."
        ),
        "automated": False,
    }
    assert appealed["type"] == "comment.appealed"
    assert appealed["data"]["appeal"]["status"] == "open"
    assert "I was joking" not in str(appealed)  # the author's words stay with moderators
    assert (approved["type"], approved["data"]["comment"]["status"]) == (
        "comment.decided",
        "approved",
    )
    assert approved["data"]["statement"] is None
    assert decided["type"] == "comment.appeal_decided"
    assert decided["data"]["appeal"]["status"] == "overturned"
    assert decided["data"]["appeal"]["reply"] == "Fair enough."
    assert decided["data"]["comment"]["status"] == "approved"
    assert "mod-ben" not in str(decided)  # a moderator's name never leaves the service
    sequences = [e["sequence"] for e in receiver.events()]
    assert sequences == sorted(sequences)


def test_an_upheld_appeal_of_an_automatic_rejection_reaches_the_site(
    hooks: Webhooks,
    receiver: Receiver,
    moderation: Moderation,
    sessions: sessionmaker[Session],
    deliver: Deliver,
) -> None:
    hooks.create(
        "news-site", receiver.url, events=("comment.decided", "comment.appeal_decided"),
        description=None, actor="test",
    )  # fmt: skip
    (stored,) = submit(moderation, [new_comment(body=SPAM_PITCH)])
    moderation.record_classifications([scores(stored.comment_id, spam=0.995, version="m-7")])
    appeals = Appeals(sessions)
    appeal = appeals.file(stored.comment_id, "news-site", "Not spam.", "news-site")
    appeals.decide(appeal.id, AppealOutcome.UPHELD, "mod-ann", None)

    deliver_until(deliver, lambda: len(receiver.events()) == 2)

    spam, upheld = receiver.events()
    assert spam["data"]["statement"]["code"] == "spam"
    assert spam["data"]["statement"]["automated"] is True
    assert "automated means (model m-7)" in spam["data"]["statement"]["explanation"]
    assert upheld["type"] == "comment.appeal_decided"
    assert (upheld["data"]["appeal"]["status"], upheld["data"]["comment"]["status"]) == (
        "upheld",
        "spam",
    )
