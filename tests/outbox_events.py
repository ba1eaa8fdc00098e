"""One outbox event of every kind, as the service writes them, for the stored-event tests."""

from __future__ import annotations

from datetime import UTC, datetime

from service.domain import Status
from service.domain.appeals import Appeal, AppealStatus, OriginalDecision, appeal_event
from service.domain.changes import (
    CommentRef,
    Decider,
    EventType,
    OutboxEvent,
    Transition,
    new_event,
    transition_events,
)
from service.domain.statements import StatementCode, moderator_statement

AT = datetime(2026, 11, 30, 8, 30, 11, 123456, tzinfo=UTC)
SITE = "news-site"
TOP = CommentRef("01a22b91-0000-4000-8000-000000000001", SITE, "news-0179", None, 1, 2)
REPLY = CommentRef(
    "01a22b91-0000-4000-8000-000000000002", SITE, "news-0179", TOP.id, 2, 5
)  # an edited reply: revision 2


def every_kind() -> list[OutboxEvent]:
    """Events of every type, with and without the members a stored row may leave out."""
    accepted = Transition(TOP, None, Status.PENDING, [], Decider.SITE, AT)
    held = Transition(
        TOP, Status.PENDING, Status.WITHHELD, ["spam", "links"], Decider.MODEL, AT, "v0-d4240dc0"
    )
    spam = Transition(REPLY, Status.PENDING, Status.SPAM, ["spam"], Decider.MODEL, AT, "v0-1")
    statement = moderator_statement(
        Status.REJECTED, ["insult"], StatementCode.ABUSIVE, "Ne « insultez » pas, s.v.p."
    )
    rejected = Transition(
        REPLY, Status.REPORTED, Status.REJECTED, ["insult"], Decider.MODERATOR, AT, None, statement
    )
    approved = Transition(TOP, Status.WITHHELD, Status.APPROVED, [], Decider.MODERATOR, AT)
    by_rules = Transition(
        REPLY, Status.PENDING, Status.REJECTED, ["banned_word"], Decider.SYSTEM, AT
    )
    edited = Transition(REPLY, Status.APPROVED, Status.PENDING, [], Decider.SITE, AT)
    deleted = Transition(TOP, Status.APPROVED, Status.DELETED, [], Decider.SITE, AT)
    events = [
        *transition_events(accepted, EventType.COMMENT_ACCEPTED),
        *transition_events(held),  # decided, entered_queue
        *transition_events(spam),
        *transition_events(rejected),  # left_queue, decided with a moderator's statement
        *transition_events(approved),  # left_queue, decided
        *transition_events(by_rules),
        *transition_events(edited, EventType.COMMENT_EDITED),
        *transition_events(deleted, EventType.COMMENT_DELETED),
        *_appeal_events(),
        new_event(
            SITE, EventType.AUTHOR_ERASED, {"erasure_id": "e-1", "author_key": "k", "comments": 3},
            AT, None,
        ),
    ]  # fmt: skip
    assert {e.type for e in events} == set(EventType)
    return events


def _appeal_events() -> list[OutboxEvent]:
    original = OriginalDecision(1, Status.REJECTED, ("insult",), None, "mod", AT)
    filed = Appeal(7, REPLY.id, SITE, AppealStatus.OPEN, "text", AT, original)
    decided = Appeal(
        7, REPLY.id, SITE, AppealStatus.OVERTURNED, "text", AT, original, "mod", AT, "Fair enough"
    )
    return [
        appeal_event(EventType.COMMENT_APPEALED, filed, REPLY, Status.REJECTED),
        appeal_event(EventType.COMMENT_APPEAL_DECIDED, decided, REPLY, Status.APPROVED),
    ]
