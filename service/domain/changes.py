"""What a site is told when one of its comments changes: event types, payloads, reasons.

Pure values, no I/O. The store turns every status change into events with
:func:`transition_events` and writes them to the outbox in the transaction that made the change
(service/store/outbox.py); webhooks and the change feed (GET /v1/changes) serve them.

Payloads carry ids, statuses and reasons, never a comment's text or who wrote it: the outbox
keeps no personal data, so erasing an author never has to rewrite it.
"""

from __future__ import annotations

import dataclasses
import enum
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from service.domain import Status, statement_wording_v1
from service.domain.statements import REJECTED, Statement, moderator_statement, system_statement


class EventType(enum.StrEnum):
    """Every event a site can receive (webhooks) or read (change feed)."""

    COMMENT_ACCEPTED = "comment.accepted"
    COMMENT_DECIDED = "comment.decided"
    COMMENT_ENTERED_QUEUE = "comment.entered_queue"
    COMMENT_LEFT_QUEUE = "comment.left_queue"
    COMMENT_EDITED = "comment.edited"
    COMMENT_DELETED = "comment.deleted"
    COMMENT_APPEALED = "comment.appealed"  # the site filed an appeal against a rejection
    COMMENT_APPEAL_DECIDED = "comment.appeal_decided"  # a moderator upheld or overturned it
    AUTHOR_ERASED = "author.erased"


# The statuses that put a comment in front of moderators, and the queue each one is.
QUEUE_OF: Mapping[Status, str] = {Status.WITHHELD: "review", Status.REPORTED: "reported"}
# A change to one of these is a decision the site hears about as comment.decided.
DECIDED = frozenset({Status.APPROVED, Status.WITHHELD, Status.REJECTED, Status.SPAM})


class Decider(enum.StrEnum):
    """Who made a change, as a site may know it (never a moderator's name)."""

    MODEL = "model"  # the automatic policy (with the model version that scored)
    SYSTEM = "system"  # the automatic policy without a model's scores (rules, author policies)
    MODERATOR = "moderator"
    SITE = "site"


@dataclasses.dataclass(frozen=True)
class CommentRef:
    """What events say about the comment they concern."""

    id: str
    site_id: str
    article_id: str
    parent_id: str | None
    revision: int
    version: int


@dataclasses.dataclass(frozen=True)
class Transition:
    """One committed change of a comment's status."""

    comment: CommentRef
    from_status: Status | None
    to_status: Status
    reasons: Sequence[str]
    decider: Decider
    at: datetime
    model_version: str | None = None
    # The statement of reasons of a rejection, when the caller has one (a moderator's code and
    # words); otherwise :func:`decision_statement` derives it from the reasons.
    statement: Statement | None = None

    def rejection_statement(self) -> Statement | None:
        """The statement of reasons this change carries (None unless it is a rejection)."""
        if self.to_status not in REJECTED:
            return None
        if self.statement is not None:
            return self.statement
        return decision_statement(self.to_status, self.reasons, self.decider, self.model_version)


@dataclasses.dataclass(frozen=True)
class OutboxEvent:
    """One event as written to the outbox (``sequence`` is assigned after commit)."""

    event_id: str
    site_id: str
    type: EventType
    comment_id: str | None
    data: Mapping[str, Any]
    created_at: datetime


def new_event(
    site_id: str, type_: EventType, data: Mapping[str, Any], at: datetime, comment_id: str | None
) -> OutboxEvent:
    """An event with a fresh id (the id every delivery and feed read of it carries)."""
    return OutboxEvent(f"evt_{uuid.uuid4().hex}", site_id, type_, comment_id, dict(data), at)


def transition_events(change: Transition, cause: EventType | None = None) -> list[OutboxEvent]:
    """The events one status change produces, in the order a site should apply them.

    ``cause`` names a change that is not a decision (accepted, edited, deleted); without it a
    change to a decided status is ``comment.decided``. Leaving a moderation queue comes first and
    entering one last, so a site that applies events in order always knows the queue.
    """
    events: list[OutboxEvent] = []
    before, after = change.from_status, change.to_status
    if before is not None and before in QUEUE_OF and before is not after:
        events.append(_event(change, EventType.COMMENT_LEFT_QUEUE, queue=QUEUE_OF[before]))
    if cause is not None:
        events.append(_event(change, cause))
    elif after in DECIDED or after is Status.PENDING:
        events.append(_decided(change))
    if after in QUEUE_OF and before is not after:
        events.append(_event(change, EventType.COMMENT_ENTERED_QUEUE, queue=QUEUE_OF[after]))
    return events


def _event(change: Transition, type_: EventType, **extra: Any) -> OutboxEvent:
    data: dict[str, Any] = {
        "comment": comment_data(change.comment, change.to_status),
        "previous_status": change.from_status.value if change.from_status else None,
        "reasons": list(change.reasons),
        **extra,
    }
    return new_event(change.comment.site_id, type_, data, change.at, change.comment.id)


def _decided(change: Transition) -> OutboxEvent:
    statement = change.rejection_statement()
    return _event(
        change,
        EventType.COMMENT_DECIDED,
        decided_by=decided_by(change.decider, change.model_version),
        statement_of_reasons=statement_of_reasons(
            change.to_status, change.reasons, change.decider, change.model_version
        ),
        statement=statement.as_json() if statement is not None else None,
    )


def comment_data(ref: CommentRef, status: Status) -> dict[str, Any]:
    """The comment as every event describes it."""
    return {
        "id": ref.id,
        "article_id": ref.article_id,
        "parent_id": ref.parent_id,
        "status": status.value,
        "revision": ref.revision,
        "version": ref.version,
    }


def decided_by(decider: Decider, model_version: str | None) -> dict[str, Any]:
    """Who decided: the model (and its version), the rules, or a human's role."""
    if decider is Decider.MODEL:
        return {"type": "model", "model_version": model_version}
    if decider is Decider.MODERATOR:
        return {"type": "human", "role": "moderator"}
    return {"type": decider.value}


def statement_of_reasons(
    status: Status, reasons: Sequence[str], decider: Decider, model_version: str | None
) -> str:
    """A plain-language statement of what was decided, on what grounds, and how.

    Meant to be shown to the author (the facts the EU Digital Services Act asks a statement of
    reasons to give: the decision, its grounds, and whether automated means took it). The words
    are those of the wording in force, ``statement_wording_v1``: events store a statement in it
    as its number (service/domain/stored_events.py). New words go in a new wording module, which
    this function then uses; v1 never changes.
    """
    text = statement_wording_v1.statement(status.value, reasons, decided_by(decider, model_version))
    assert text is not None  # the wording has words for every Decider
    return text


def decision_statement(
    status: Status, reasons: Sequence[str], decider: Decider, model_version: str | None
) -> Statement | None:
    """The statement of a rejection nobody wrote one for (None for any other status).

    An automatic rejection explains itself with :func:`statement_of_reasons`; a moderator's
    (bulk, undo, imported labels) gets the code of its reasons and the plain moderator text.
    """
    if status not in REJECTED:
        return None
    if decider is Decider.MODERATOR:
        return moderator_statement(status, reasons, None, None)
    text = statement_of_reasons(status, reasons, decider, model_version)
    return system_statement(status, reasons, text)


def envelope(event: OutboxEvent, sequence: int | None) -> dict[str, Any]:
    """An event as sites receive it: the webhook body and a change feed item."""
    return {
        "id": event.event_id,
        "type": event.type.value,
        "created_at": event.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "site_id": event.site_id,
        "sequence": sequence,
        "data": dict(event.data),
    }
