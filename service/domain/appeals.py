"""Appeals against rejections (EU Digital Services Act, art. 20): plain values, no I/O.

A site files an appeal for the author of one of its rejected comments; moderators work through
open appeals as their own queue and decide each one: ``upheld`` (the rejection stands) or
``overturned`` (the comment is approved and published). Where the team has more than one
moderator, the one who made the original decision may not decide the appeal against it.
"""

from __future__ import annotations

import dataclasses
import enum
from datetime import UTC, datetime
from typing import Any

from service.domain import Comment, Status
from service.domain.changes import CommentRef, EventType, OutboxEvent, comment_data, new_event
from service.domain.statements import Statement

APPEAL_TEXT_MAX = 5000


class AppealStatus(enum.StrEnum):
    """Where an appeal stands."""

    OPEN = "open"
    UPHELD = "upheld"  # the rejection stands
    OVERTURNED = "overturned"  # the comment was approved and published


class AppealOutcome(enum.StrEnum):
    """What a moderator can decide about an appeal (the status it takes)."""

    UPHELD = "upheld"
    OVERTURNED = "overturned"

    @property
    def status(self) -> AppealStatus:
        """The appeal's status after this outcome."""
        return AppealStatus(self.value)


@dataclasses.dataclass(frozen=True)
class OriginalDecision:
    """The rejection an appeal is against, as the action log recorded it."""

    action_id: int
    status: Status
    reasons: tuple[str, ...]
    statement: Statement | None
    decided_by: str | None  # the moderator; None: the system (the model, rules, policies)
    decided_at: datetime


@dataclasses.dataclass(frozen=True)
class Appeal:
    """One appeal: the author's text, the decision it contests, and its outcome once decided."""

    id: int
    comment_id: str
    site_id: str
    status: AppealStatus
    text: str
    filed_at: datetime
    original: OriginalDecision
    decided_by: str | None = None
    decided_at: datetime | None = None
    reply: str | None = None  # the moderator's explanation of the outcome, for the author


@dataclasses.dataclass(frozen=True)
class AppealCard:
    """An appeal with the comment it is about, as the appeals queue shows it."""

    appeal: Appeal
    comment: Comment


@dataclasses.dataclass(frozen=True)
class AppealDecision:
    """A moderator's decision on an appeal, ready to record."""

    outcome: AppealOutcome
    actor: str
    reply: str | None
    team_size: int  # how many moderators the service knows (the different-moderator rule)


def appeal_data(appeal: Appeal) -> dict[str, Any]:
    """An appeal as sites receive it (events and comment reads); never the author's text."""
    return {
        "id": appeal.id,
        "status": appeal.status.value,
        "filed_at": _stamp(appeal.filed_at),
        "decided_at": _stamp(appeal.decided_at) if appeal.decided_at is not None else None,
        "reply": appeal.reply,
    }


def appeal_event(type_: EventType, appeal: Appeal, ref: CommentRef, status: Status) -> OutboxEvent:
    """``comment.appealed`` or ``comment.appeal_decided`` for one appeal."""
    data = {"comment": comment_data(ref, status), "appeal": appeal_data(appeal)}
    return new_event(ref.site_id, type_, data, appeal.decided_at or appeal.filed_at, ref.id)


def _stamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
