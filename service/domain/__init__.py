"""Domain types of comment moderation: plain values, no I/O.

This module holds the vocabulary every layer speaks (statuses, decisions, reasons, actions,
aliases, comments, model versions); the submodules hold the values of one area each (labels,
queues, authors, decisions, accounts, revisions, changes, webhooks). Nothing here imports
another part of ``service`` (an import contract checks it).
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Mapping
from datetime import datetime
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:  # statements imports Status from here
    from service.domain.statements import Statement

T = TypeVar("T")


class Status(enum.StrEnum):
    """Where a comment stands. ``pending`` means not yet decided."""

    PENDING = "pending"
    APPROVED = "approved"
    WITHHELD = "withheld"
    REPORTED = "reported"
    REJECTED = "rejected"
    SPAM = "spam"
    DELETED = "deleted"  # its author deleted it (through the site): hidden, never decided again


class Queue(enum.StrEnum):
    """Saved views over comments that moderators work through."""

    PENDING = "pending"
    REVIEW = "review"
    REPORTED = "reported"
    APPROVED = "approved"
    REJECTED = "rejected"
    SPAM = "spam"

    @property
    def status(self) -> Status:
        """The comment status this queue shows."""
        return Status.WITHHELD if self is Queue.REVIEW else Status(self.value)


class Decision(enum.StrEnum):
    """What a moderator can decide about a comment."""

    APPROVE = "approve"
    REJECT = "reject"
    SPAM = "spam"

    @property
    def status(self) -> Status:
        """The status a comment takes after this decision."""
        return {
            Decision.APPROVE: Status.APPROVED,
            Decision.REJECT: Status.REJECTED,
            Decision.SPAM: Status.SPAM,
        }[self]


class Reason(enum.StrEnum):
    """Why a comment was withheld or rejected."""

    SPAM = "spam"
    TOXIC = "toxic"
    LINKS = "links"
    CONTACT_DETAILS = "contact_details"  # a phone number, e-mail, messaging app or wallet
    REPEAT_POST = "repeat_post"
    NEW_AUTHOR = "new_author"
    REPORTED = "reported"
    CLASSIFIER_ERROR = "classifier_error"
    MODERATOR = "moderator"
    BANNED_AUTHOR = "banned_author"  # author policy ``ban``: rejected without review
    PREMODERATED = "premoderated"  # author policy ``premoderate``: always held for review
    FLOOD = "flood"  # over a flood limit (accepted by setting) or part of a near-duplicate burst
    UNSUPPORTED_LANGUAGE = "unsupported_language"  # written in a language the model cannot read
    BANNED_WORD = "banned_word"  # a word or phrase on the site's banned list: rejected
    SUSPECT_WORD = "suspect_word"  # a word or phrase on the site's suspect list: held
    WATCHED_WORDS_TIMEOUT = "watched_words_timeout"  # the list check ran out of time: held
    SUSPENDED_AUTHOR = "suspended_author"  # author policy ``suspend``, posted before it began
    ARTICLE_PREMODERATED = "article_premoderated"  # the article holds every comment
    ARTICLE_PREMODERATED_LINKS = "article_premoderated_links"  # the article holds links
    FIRST_COMMENTS = "first_comments"  # one of the author's first comments on the site
    RECENT_REJECTIONS = "recent_rejections"  # the author's recent comments were often rejected


class Role(enum.StrEnum):
    """API client roles; each endpoint names the roles it admits."""

    SITE = "site"
    MODERATOR = "moderator"
    OPS = "ops"


class ActionKind(enum.StrEnum):
    """The kinds of entries in the append-only moderation log."""

    SUBMITTED = "submitted"  # derived from the comment row, never stored (issue 10)
    CLASSIFIED = "classified"
    DECIDED = "decided"
    REPORTED = "reported"
    UNDONE = "undone"  # a moderator took back their own decision within the undo window
    EDITED = "edited"  # the site replaced the body (a new revision); moderation starts again
    DELETED = "deleted"  # the author deleted the comment (through the site)
    ERASED = "erased"  # the text (and, for an erased author, who wrote it) was erased
    HELD = "held"  # the system held a published comment back (a near-duplicate burst)
    APPEALED = "appealed"  # the site filed an appeal for the author against a rejection
    UPHELD = "upheld"  # a moderator decided an appeal: the rejection stands
    OVERTURNED = "overturned"  # a moderator decided an appeal: the comment is approved
    DISMISSED = "dismissed"  # a moderator dismissed readers' reports on the comment


class AuthorPolicy(enum.StrEnum):
    """Standing instructions moderators set for one author."""

    TRUST = "trust"  # approve without review while every score stays below the trust threshold
    PREMODERATE = "premoderate"  # always hold for a human, whatever the model says
    BAN = "ban"  # reject automatically
    SUSPEND = "suspend"  # refuse new comments until the policy expires (it always has an end)


class Verdict(enum.StrEnum):
    """What the automatic policy concluded about a comment (rejected and spam are both reject)."""

    APPROVE = "approve"
    WITHHOLD = "withhold"
    REJECT = "reject"

    @classmethod
    def of(cls, status: Status) -> Verdict:
        """The verdict a status set by the policy stands for."""
        if status is Status.APPROVED:
            return cls.APPROVE
        return cls.WITHHOLD if status is Status.WITHHELD else cls.REJECT


class Alias(enum.StrEnum):
    """The movable names of model versions."""

    CHAMPION = "champion"  # the version whose scores decide
    CHALLENGER = "challenger"  # scored in the shadow of the champion, never decides


@dataclasses.dataclass(frozen=True)
class Author:
    """The commenter as the site knows them."""

    id: str
    display_name: str
    email_hash: str | None = None
    account_age_days: float | None = None
    karma: int | None = None


@dataclasses.dataclass(frozen=True)
class Envelope:
    """Request context as the site received it; kept for spam signals, purged after retention."""

    ip: str | None = None
    user_agent: str | None = None
    referrer: str | None = None
    permalink: str | None = None


@dataclasses.dataclass(frozen=True)
class NewComment:
    """A validated submission, ready to store."""

    site_id: str
    article_id: str
    author: Author
    body: str
    language: str | None
    parent_id: str | None
    envelope: Envelope
    idempotency_key: str | None = None
    request_hash: str | None = None
    hold: str | None = None  # a reason to hold it whatever the model says (``flood``)


@dataclasses.dataclass(frozen=True)
class Comment:
    """A stored comment and its current moderation state."""

    id: str
    site_id: str
    article_id: str
    parent_id: str | None
    root_id: str
    author: Author
    body: str
    language: str | None
    status: Status
    reasons: tuple[str, ...]
    risk: float | None
    model_version: str | None
    created_at: datetime
    decided_at: datetime | None
    version: int
    revision: int = 1  # 1 as submitted; each edit by the site adds one
    hold: str | None = None  # held at intake whatever the model says (``flood``)
    statement: Statement | None = None  # the statement of reasons while rejected or spam


# The id of a comment's ``submitted`` entry, which is derived from the comment and not stored:
# below every stored action's id, so it sorts first in a history and last in the newest-first log.
SUBMISSION_ID = 0


@dataclasses.dataclass(frozen=True)
class Action:
    """One append-only entry in the moderation log. ``actor`` None means the system."""

    id: int
    comment_id: str
    kind: ActionKind
    actor: str | None
    from_status: Status | None
    to_status: Status | None
    reasons: tuple[str, ...]
    model_version: str | None
    scores: Mapping[str, float]
    note: str | None
    created_at: datetime
    evidence: Mapping[str, Any] | None = None
    statement: Statement | None = None  # what a rejecting action told the site


@dataclasses.dataclass(frozen=True)
class ApiClient:
    """An authenticated API client."""

    id: int
    name: str
    role: Role


@dataclasses.dataclass(frozen=True)
class ModelVersion:
    """An immutable registered model."""

    id: str
    artifact_sha256: str
    artifact_path: str
    labels: tuple[str, ...]
    metrics: Mapping[str, Any]
    data_manifest: Mapping[str, Any]
    library_versions: Mapping[str, str]
    created_at: datetime
    aliases: tuple[str, ...] = ()
    thresholds: Mapping[str, Any] = dataclasses.field(default_factory=dict)


class AliasKind(enum.StrEnum):
    """How an alias moved."""

    SET = "set"  # registration made a first champion, or a challenger was chosen
    PROMOTE = "promote"
    ROLLBACK = "rollback"
    UNSET = "unset"


@dataclasses.dataclass(frozen=True)
class AliasEvent:
    """One move of a model alias. ``id`` None: nothing moved (the alias already pointed there)."""

    id: int | None
    alias: str
    kind: AliasKind
    version_id: str | None
    previous_version_id: str | None
    actor: str | None
    created_at: datetime
    reason: str | None = None  # why ops forced a promotion the gate refused


@dataclasses.dataclass(frozen=True)
class ModeratorLabel:
    """A comment's latest human decision, as training data."""

    action_id: int
    body: str
    status: Status
    reasons: tuple[str, ...]
    site_id: str = ""


@dataclasses.dataclass(frozen=True)
class Classification:
    """A model's scores for one comment, or the error that prevented them.

    ``evidence`` is what the model saw, as spans of the stored body, present only for comments
    the policy withheld or rejected: ``{"labels": {label: [span, ...]}, "rules": [span, ...]}``
    with each span a JSON object ``{start, end, text, weight, kind}`` (offsets into the body; rule
    spans also carry ``rule``, and a link's host as ``detail``).
    """

    comment_id: str
    scores: Mapping[str, float]
    model_version: str | None
    error: str | None = None
    evidence: Mapping[str, Any] | None = None
    language: DetectedLanguage | None = None  # None: the worker did not identify it


@dataclasses.dataclass(frozen=True)
class DetectedLanguage:
    """The language a comment's words were identified as (ISO 639 code, ``und`` when unsure)."""

    code: str
    confidence: float  # the identifier's probability for ``code``, 0 to 1
    letters: int  # letters in the comment's words (links, numbers, emoji and tickers left out)


@dataclasses.dataclass(frozen=True)
class Page(Generic[T]):
    """One page of a cursor-paginated listing; ``next_cursor`` is None on the last page."""

    items: list[T]
    next_cursor: str | None
