"""Request shapes of the core API (wire Structs) and their conversion into domain values.

Length limits follow the database columns, so an over-long value is a 422 here rather than a
storage error later.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import Annotated, Literal, TypeVar

from msgspec import Meta

from service.domain import ActionKind, Author, Decision, Envelope, NewComment, Queue
from service.domain.queues import AuditFilter, QueueFilter
from service.domain.statements import StatementCode
from service.errors import FieldError, NotFoundError, ValidationError
from service.http.wire import (
    INT32,
    INT64_MAX,
    LINE,
    TEXT,
    Request,
    max_length_of,
    normalised,
    with_limits,
)
from service.settings import Settings

IDEMPOTENCY_KEY_MAX = 200
REASON_CODE = re.compile(r"[a-z_]{1,32}")
NOTE_MAX = 2000
EXPLANATION_MAX = 1000  # a statement of reasons is read by the author: short and plain


class SubmissionAuthor(Request):
    """Who wrote the comment."""

    id: Annotated[
        str,
        LINE,
        Meta(max_length=200, description="The site's id for the author.", examples=["u-1842"]),
    ]
    display_name: Annotated[
        str,
        LINE,
        Meta(
            max_length=200,
            description=("Name shown with the comment; NFKC-normalised and stripped."),
            examples=["Satoshi Fan"],
        ),
    ]
    email_hash: (
        Annotated[
            str, LINE, Meta(max_length=128, description="Any stable hash of the author's email.")
        ]
        | None
    ) = None
    account_age_days: (
        Annotated[
            float, Meta(ge=0, description="Age of the author's account in days.", examples=[412])
        ]
        | None
    ) = None
    karma: (
        Annotated[
            int,
            INT32,
            Meta(description="The site's reputation score for the author.", examples=[37]),
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        self.display_name = normalised(self.display_name, "display_name", 200, "line")


class SubmissionEnvelope(Request):
    """Request context as the site received it."""

    ip: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=64,
                description=("The reader's IP address as the site saw it."),
                examples=["203.0.113.7"],
            ),
        ]
        | None
    ) = None
    user_agent: (
        Annotated[str, LINE, Meta(max_length=512, description="The reader's User-Agent.")] | None
    ) = None
    referrer: (
        Annotated[str, LINE, Meta(max_length=2048, description="The page the reader came from.")]
        | None
    ) = None
    permalink: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=2048,
                description=("Where the comment will appear."),
                examples=["https://news.example/btc-etf#comments"],
            ),
        ]
        | None
    ) = None


class Submission(Request):
    """``POST /v1/comments`` (and ``POST /v1/check``)."""

    article_id: Annotated[
        str,
        LINE,
        Meta(
            max_length=200,
            description=("The site's id for the article."),
            examples=["btc-etf-approved"],
        ),
    ]
    author: SubmissionAuthor
    body: Annotated[
        str,
        TEXT,
        Meta(
            description=("The comment text; NFKC-normalised and stripped."),
            examples=["Great analysis, thanks."],
        ),
    ]
    parent_id: (
        Annotated[
            str,
            LINE,
            Meta(max_length=36, description=("The comment this one replies to (same article).")),
        ]
        | None
    ) = None
    language: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=35,
                description=("BCP 47 language tag, if the site knows it."),
                examples=["en"],
            ),
        ]
        | None
    ) = None
    envelope: SubmissionEnvelope | None = None

    def __post_init__(self) -> None:
        self.body = normalised(self.body, "body", max_length_of(type(self), "body"))


def submission(settings: Settings) -> type[Submission]:
    """The submission shape with the comment length limit of ``settings``."""
    return _submission(settings.max_comment_chars)


@functools.cache
def _submission(max_comment_chars: int) -> type[Submission]:
    return with_limits(Submission, body=Meta(max_length=max_comment_chars))


class ReportRequest(Request):
    """``POST /v1/comments/{id}/reports``."""

    reporter_id: Annotated[
        str,
        LINE,
        Meta(
            max_length=200,
            description=("The site's id for the reader who reports."),
            examples=["u-77"],
        ),
    ]
    reason: Annotated[
        str,
        LINE,
        Meta(
            max_length=32,
            description=("Why, as a short code (e.g. spam, abuse, off_topic)."),
            examples=["spam"],
        ),
    ]
    note: (
        Annotated[str, TEXT, Meta(max_length=NOTE_MAX, description="Free text from the reader.")]
        | None
    ) = None


class DecisionRequest(Request):
    """``POST /v1/comments/{id}/decision``."""

    decision: Annotated[
        Decision, Meta(description="The moderator's decision.", examples=["approve"])
    ]
    reason: (
        Annotated[
            str,
            LINE,
            Meta(max_length=32, description=("Why, as a short code; defaults to 'moderator'.")),
        ]
        | None
    ) = None
    note: (
        Annotated[str, TEXT, Meta(max_length=NOTE_MAX, description="Free text for the audit log.")]
        | None
    ) = None
    statement_code: (
        Annotated[
            StatementCode,
            Meta(
                description=(
                    "Reject or spam only: the statement of reasons' code the site receives; "
                    "defaults to the code the reason implies (else 'other')."
                ),
                examples=["abusive"],
            ),
        ]
        | None
    ) = None
    explanation: (
        Annotated[
            str,
            TEXT,
            Meta(
                max_length=EXPLANATION_MAX,
                description="Reject or spam only: words for the author, added to the statement.",
            ),
        ]
        | None
    ) = None
    expected_version: (
        Annotated[
            int,
            Meta(
                ge=1,
                le=INT64_MAX,
                description=(
                    "The comment version the decision was made on; a different current version "
                    "is a 409."
                ),
                examples=[2],
            ),
        ]
        | None
    ) = None


class PageQuery(Request):
    """The ``cursor`` and ``limit`` query parameters every listing takes."""

    cursor: (
        Annotated[
            str, LINE, Meta(description=("Opaque cursor from the previous page's next_cursor."))
        ]
        | None
    ) = None
    limit: Annotated[int, Meta(ge=1, description="Page size.")] | None = None


PageQueryShape = TypeVar("PageQueryShape", bound=PageQuery)


def paged(shape: type[PageQueryShape], settings: Settings) -> type[PageQueryShape]:
    """A listing's query with the page size limits of ``settings``."""
    return _paged(shape, settings.max_page_size, settings.default_page_size)


@functools.cache
def _paged(shape: type[PageQueryShape], maximum: int, default: int) -> type[PageQueryShape]:
    return with_limits(shape, limit=Meta(le=maximum, description=f"Page size (default {default})."))


class QueueQuery(PageQuery):
    """Query parameters of ``GET /v1/queues/{name}``."""

    article_id: (
        Annotated[str, LINE, Meta(max_length=200, description="Only comments on this article.")]
        | None
    ) = None
    author_id: (
        Annotated[str, LINE, Meta(max_length=200, description="Only comments by this author.")]
        | None
    ) = None
    label: (
        Annotated[
            str,
            LINE,
            Meta(max_length=32, description=("Only comments scored for this label (e.g. spam).")),
        ]
        | None
    ) = None
    min_score: (
        Annotated[
            float,
            Meta(
                ge=0,
                le=1,
                description=("Only comments with a score (of `label`, or any) at least this high."),
            ),
        ]
        | None
    ) = None
    q: (
        Annotated[
            str,
            TEXT,
            Meta(
                max_length=200,
                description="Only comments whose text contains this, ignoring case "
                "(`%` and `_` are literal).",
            ),
        ]
        | None
    ) = None
    reason: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=32,
                description="Only comments held (or decided) for this reason code ([a-z_]), "
                "e.g. links or new_author.",
            ),
        ]
        | None
    ) = None
    sort: (
        Annotated[
            Literal["risk", "age"],
            Meta(description=("risk (highest first, default) or age (oldest first).")),
        ]
        | None
    ) = None
    include: (
        Annotated[
            Literal["details"],
            Meta(
                description=(
                    "details: each item also carries `details` (its scores, evidence and parent), "
                    "so a screen of cards needs one request, not one per card."
                )
            ),
        ]
        | None
    ) = None

    def __post_init__(self) -> None:
        if self.q is not None:  # searched as the stored bodies are kept: NFKC, stripped
            self.q = normalised(self.q, "q", 200)
        if self.reason is not None and not REASON_CODE.fullmatch(self.reason):
            # The filter matches the quoted code in the reasons' JSON text: only [a-z_] is safe.
            raise ValueError("`reason` must be a reason code ([a-z_]+)")


class AuditQuery(PageQuery):
    """Query parameters of ``GET /v1/audit``."""

    comment_id: (
        Annotated[str, LINE, Meta(max_length=36, description="Only actions on this comment.")]
        | None
    ) = None
    actor: (
        Annotated[
            str,
            LINE,
            Meta(max_length=200, description=("Only actions by this client name, or 'system'.")),
        ]
        | None
    ) = None
    kind: Annotated[ActionKind, Meta(description="Only actions of this kind.")] | None = None


def new_comment(
    values: Submission, site_id: str, raw_body: bytes, idempotency_key: str | None
) -> NewComment:
    """A validated submission as a domain value."""
    author = values.author
    envelope = values.envelope or SubmissionEnvelope()
    return NewComment(
        site_id=site_id,
        article_id=values.article_id,
        author=Author(
            id=author.id,
            display_name=author.display_name,
            email_hash=author.email_hash,
            account_age_days=author.account_age_days,
            karma=author.karma,
        ),
        body=values.body,
        language=values.language,
        parent_id=values.parent_id,
        envelope=Envelope(
            ip=envelope.ip,
            user_agent=envelope.user_agent,
            referrer=envelope.referrer,
            permalink=envelope.permalink,
        ),
        idempotency_key=idempotency_key,
        request_hash=request_hash(raw_body) if idempotency_key else None,
    )


def request_hash(raw_body: bytes) -> str:
    """SHA-256 of the canonical JSON of a body, so key order and spacing do not matter."""
    payload = json.loads(raw_body)
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def idempotency_key(header: str | None) -> str | None:
    """A validated Idempotency-Key header value."""
    if header is None:
        return None
    if not header or len(header) > IDEMPOTENCY_KEY_MAX or not header.isprintable():
        raise ValidationError(
            [
                FieldError(
                    "/headers/idempotency-key",
                    f"must be 1 to {IDEMPOTENCY_KEY_MAX} printable characters",
                )
            ]
        )
    return header


def expected_version(body_value: int | None, if_match: str | None) -> int | None:
    """The expected comment version, from the body or an ``If-Match: "<version>"`` header."""
    if if_match is None:
        return body_value
    tag = if_match.strip().removeprefix("W/").strip('"')
    if not tag.isdigit():
        raise ValidationError([FieldError("/headers/if-match", 'must be "<version>"')])
    if body_value is not None and body_value != int(tag):
        raise ValidationError(
            [FieldError("/headers/if-match", "disagrees with expected_version in the body")]
        )
    return int(tag)


def queue_filter(query: QueueQuery) -> QueueFilter:
    """The filters of a queue listing."""
    return QueueFilter(
        article_id=query.article_id,
        author_id=query.author_id,
        label=query.label,
        min_score=query.min_score,
        text=query.q,
        reason=query.reason,
    )


def audit_filter(query: AuditQuery) -> AuditFilter:
    """The filters of an audit listing."""
    return AuditFilter(comment_id=query.comment_id, actor=query.actor, kind=query.kind)


def queue_named(name: str) -> Queue:
    """The queue called ``name``; unknown names are a 404 (the queue does not exist)."""
    try:
        return Queue(name)
    except ValueError as exc:
        known = ", ".join(q.value for q in Queue)
        raise NotFoundError(f"there is no queue {name!r} (queues: {known})") from exc


class ShadowQuery(Request):
    """Query parameters of ``GET /v1/models/{version_id}/shadow``."""

    champion: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=80,
                description=("Compare against this version instead of the current champion."),
            ),
        ]
        | None
    ) = None


class LabelsExportQuery(Request):
    """Query parameters of ``GET /v1/labels/export``."""

    format: (
        Annotated[Literal["csv", "jsonl"], Meta(description="csv (default) or jsonl.")] | None
    ) = None
    after: (
        Annotated[
            int,
            Meta(
                ge=0,
                le=INT64_MAX,
                description=(
                    "Only comments whose latest decision has an action id above this (incremental)."
                ),
            ),
        ]
        | None
    ) = None
