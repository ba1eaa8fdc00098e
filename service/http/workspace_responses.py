"""Response shapes of the moderator workspace (issue 4): claims, undo, bulk decisions, authors
and their policies (wire Structs)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta

from service.domain import AuthorPolicy
from service.http.responses import Comment
from service.http.wire import CommentIdText, Response_


class Claim(Response_):
    """Who holds a comment, until when."""

    comment_id: CommentIdText
    claimed_by: str
    expires_at: datetime


class Undone(Response_):
    """What an undo restored."""

    batch_id: str
    undone: int
    comment_ids: list[CommentIdText]


class BulkPreview(Response_):
    """The count a bulk action would decide, and the first ids."""

    count: int
    comment_ids: Annotated[
        list[CommentIdText], Meta(description="the first ones, at most a bulk action's")
    ]


class BulkReceipt(Response_):
    """A bulk action as recorded: its batch, size and undo deadline."""

    batch_id: str
    decided: int
    undo_until: datetime


class AuthorPolicySetting(Response_):
    """An author policy as set."""

    policy: AuthorPolicy
    trust_threshold: float | None
    note: str | None
    set_by: str
    set_at: datetime
    expires_at: Annotated[
        datetime | None, Meta(description="when it ends by itself (null: until removed)")
    ]


class RecentRejections(Response_):
    """The author's recent decided comments as the site's recent-history trigger counts them."""

    decided: int
    rejected: int
    is_held: Annotated[
        bool, Meta(description="whether new comments are held now (reason recent_rejections)")
    ]


class AuthorNote(Response_):
    """A moderator's private note on an author."""

    id: int
    note: str
    written_by: str
    written_at: datetime


class AuthorView(Response_):
    """An author's record in one site, and their policy."""

    site_id: str
    author_id: str
    counts: dict[str, int]
    recent: list[Comment]
    policy: Annotated[
        AuthorPolicySetting | None, Meta(description="the policy in force (an expired one is not)")
    ]
    recent_rejections: Annotated[
        RecentRejections | None,
        Meta(description="null when the site has no recent-history trigger"),
    ]
    notes: Annotated[
        list[AuthorNote], Meta(description="moderators' private notes, newest first (up to 50)")
    ]


class ReportsDismissed(Comment):
    """The comment after a dismissal of its reports (``approved`` again when reports had taken
    it to review) and how many open reports were dismissed (0: there were none, nothing was
    recorded)."""

    dismissed: int
