"""Response shapes of the core API: comments, queues and moderation (wire Structs); models and
training are in ``model_responses``, sessions, events, stats, health and keys in ``ops_responses``.

Member order is the order clients have always received; ``UNSET`` members are left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from msgspec import UNSET, Meta, UnsetType

from service.domain import ActionKind, Status
from service.domain.appeals import AppealStatus
from service.domain.reports import ReportState
from service.domain.statements import StatementCode
from service.http.wire import CommentIdText, Response_

Scores = dict[str, float]  # label → score


class BriefAuthor(Response_):
    """An author as readers see them."""

    id: str
    display_name: str


class FullAuthor(Response_):
    """An author as the site sent them."""

    id: str
    display_name: str
    email_hash: str | None
    account_age_days: float | None
    karma: int | None


class Accepted(Response_):
    """A submission as stored (or replayed: ``replayed`` true, status 200)."""

    id: CommentIdText
    status: Status
    replayed: bool


class Statement(Response_):
    """A rejection's statement of reasons (EU Digital Services Act, art. 17), for the author."""

    code: Annotated[StatementCode, Meta(description="the ground, from a closed list")]
    explanation: Annotated[str, Meta(description="plain language, to show the author")]
    automated: Annotated[bool, Meta(description="true: decided by automated means")]


class SiteAppeal(Response_):
    """An appeal as the site sees it (never the moderator's name)."""

    id: int
    comment_id: CommentIdText
    status: AppealStatus
    filed_at: datetime
    decided_at: datetime | None
    reply: Annotated[str | None, Meta(description="the moderator's words on the outcome")]


class CommentStatus(Response_):
    """A comment as its site sees it: status, and reasons once decided."""

    id: CommentIdText
    article_id: str
    parent_id: CommentIdText | None
    author: BriefAuthor
    body: str
    language: str | None
    status: Status
    reasons: list[str]
    created_at: datetime
    decided_at: datetime | None
    revision: Annotated[int, Meta(description="1 as submitted, +1 per edit")]
    statement: Annotated[
        Statement | None, Meta(description="while rejected or spam: the statement of reasons")
    ]
    appeal: Annotated[SiteAppeal | None, Meta(description="the latest appeal, if any")]


class EditedComment(CommentStatus):
    """An edited comment; ``edited`` false when the body was the same."""

    edited: bool


class Comment(Response_):
    """Everything stored about a comment, for moderators."""

    id: CommentIdText
    article_id: str
    parent_id: CommentIdText | None
    author: FullAuthor
    body: str
    language: str | None
    status: Status
    reasons: list[str]
    created_at: datetime
    decided_at: datetime | None
    revision: int
    site_id: str
    root_id: CommentIdText
    risk: float | None
    model_version: str | None
    version: int
    statement: Statement | None


class LanguageEvidence(Response_):
    """The language a comment held with ``unsupported_language`` was identified as."""

    code: Annotated[str, Meta(description="ISO 639 code, e.g. de")]
    confidence: Annotated[float, Meta(ge=0, le=1, description="the identifier's probability")]
    letters: Annotated[int, Meta(ge=0, description="letters in its words, links left out")]


class Evidence(Response_):
    """Spans of the body behind a hold: per label, and rule hits (a watched word's ``rule`` is
    ``banned_word`` or ``suspect_word`` and its ``detail`` the list entry it matched), and the
    language, when held for it."""

    labels: dict[str, Any]
    rules: list[Any]
    notes: (
        Annotated[
            list[str],
            Meta(description="what a check could not do, e.g. ran out of time; absent: nothing"),
        ]
        | UnsetType
    ) = UNSET
    language: LanguageEvidence | UnsetType = UNSET


class CardReport(Response_):
    """A reader's report on a card: why, in their words, and when (never who)."""

    reason: str
    note: str | None
    created_at: datetime
    state: Annotated[
        ReportState,
        Meta(description="open until a moderator upholds it (reject, spam) or dismisses it"),
    ]
    weight: Annotated[
        float,
        Meta(
            ge=0,
            le=2,
            description="how much the reporter's word counts now: 1 for a reporter never "
            "judged, towards 2 when their reports were upheld, towards 0 when dismissed",
        ),
    ]


class ArticleSettings(Response_):
    """How one article takes comments, and who set it when (both null: never set)."""

    site_id: str
    article_id: str
    premoderate: Annotated[bool, Meta(description="every new comment is held")]
    premoderate_links: Annotated[bool, Meta(description="new comments with links are held")]
    closed: Annotated[bool, Meta(description="new comments and edits are refused (409)")]
    set_by: str | None
    set_at: datetime | None


class Card(Response_):
    """What a queue card shows besides the comment."""

    scores: Scores
    evidence: Evidence | None
    parent: Comment | None
    system_reasons: Annotated[
        list[str],
        Meta(description="the latest automatic verdict's reasons, kept after a moderator decides"),
    ]
    reports: Annotated[list[CardReport], Meta(description="readers' reports, oldest first")]
    article: Annotated[
        ArticleSettings | None,
        Meta(description="its article's settings, when the site or a moderator set any"),
    ] = None


class QueuedComment(Comment):
    """A comment in a queue listing, with its claim and (``include=details``) its card."""

    claimed_by: Annotated[str | None, Meta(description="who holds the claim")]
    claim_expires_at: Annotated[datetime | None, Meta(description="when the claim lapses")]
    details: Card | UnsetType = UNSET


class Undo(Response_):
    """How to take a decision back: ``POST /v1/decisions/{batch_id}/undo`` until ``until``."""

    batch_id: str
    until: datetime


class DecidedComment(Comment):
    """A decided comment; ``undo`` null for decisions made before undo existed."""

    undo: Undo | None


class ThreadedComment(Response_):
    """A published comment and its replies, or the place of an unpublished one that has
    published replies (``available`` false: no author, no body)."""

    id: CommentIdText
    parent_id: CommentIdText | None
    available: Annotated[
        bool,
        Meta(
            description="false: this comment is not published (reported, rejected, deleted) but "
            "replies to it are; show a placeholder such as 'comment unavailable'"
        ),
    ]
    author: BriefAuthor | None
    body: str | None
    language: str | None
    created_at: datetime
    replies: list[ThreadedComment]


class ThreadCounts(Response_):
    """An article's approved comments and top-level threads."""

    comments: int
    threads: int


class Threads(Response_):
    """A page of an article's threads."""

    items: list[ThreadedComment]
    next_cursor: str | None
    counts: ThreadCounts


class ReportReceipt(Response_):
    """A report as recorded; ``duplicate`` when this reader had reported it already."""

    comment_id: CommentIdText
    status: Status
    duplicate: bool


class QueueSize(Response_):
    """A queue's size and the age of its oldest comment."""

    name: str
    count: int
    oldest_age_seconds: float | None


class QueueOverview(Response_):
    """Every queue."""

    queues: list[QueueSize]


class CommentPage(Response_):
    """A page of a moderation queue."""

    items: list[QueuedComment]
    next_cursor: str | None


class Action(Response_):
    """One moderation log entry."""

    id: Annotated[
        int,
        Meta(
            description=(
                "0 for a comment's submitted entry, which is derived from the comment, not"
                " stored; positive, in insertion order, for every stored action"
            )
        ),
    ]
    comment_id: CommentIdText
    kind: ActionKind
    actor: Annotated[str | None, Meta(description="null: the system")]
    from_status: Status | None
    to_status: Status | None
    reasons: list[str]
    model_version: str | None
    scores: Scores
    note: str | None
    created_at: datetime
    statement: Annotated[Statement | None, Meta(description="what a rejection told the site")]


class ActionPage(Response_):
    """A page of the audit log."""

    items: list[Action]
    next_cursor: str | None


class AuthorRecord(Response_):
    """An author's counts by status and latest comments."""

    id: str
    counts: dict[str, int]
    recent: list[Comment]


class ModerationView(Response_):
    """What a moderator sees when judging one comment."""

    comment: Comment
    scores: Annotated[dict[str, Scores], Meta(description="model version → label → score")]
    reasons: list[str]
    model_version: str | None
    actions: list[Action]
    author: AuthorRecord
    evidence: Evidence | None
    parent: Annotated[Comment | None, Meta(description="the comment this one replies to")]
    reports: Annotated[list[CardReport], Meta(description="readers' reports, oldest first")]
