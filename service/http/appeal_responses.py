"""Response shapes of appeals for moderators (wire Structs); the site's view is
``responses.SiteAppeal``."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from service.domain import Status
from service.domain.appeals import AppealStatus
from service.http.responses import Comment, Statement
from service.http.wire import CommentIdText, Response_


class OriginalDecision(Response_):
    """The rejection an appeal contests, as the action log recorded it."""

    action_id: int
    status: Status
    reasons: list[str]
    statement: Statement | None
    decided_by: Annotated[str | None, Meta(description="the moderator; null: the system")]
    decided_at: datetime


class Appeal(Response_):
    """An appeal: the author's words, the decision it contests, and its outcome once decided."""

    id: int
    comment_id: CommentIdText
    site_id: str
    status: AppealStatus
    text: Annotated[str, Meta(description="the author's appeal, as the site sent it")]
    filed_at: datetime
    original: OriginalDecision
    decided_by: Annotated[str | None, Meta(description="the moderator who decided the appeal")]
    decided_at: datetime | None
    reply: Annotated[str | None, Meta(description="the moderator's words on the outcome")]


class AppealCard(Appeal):
    """An appeal in the appeals queue, with the comment it is about."""

    comment: Comment


class AppealPage(Response_):
    """A page of the appeals queue, oldest first."""

    items: list[AppealCard]
    next_cursor: str | None
