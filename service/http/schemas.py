"""Request shapes of the core API (wire Structs) and their conversion into domain values.

Length limits follow the database columns, so an over-long value is a 422 here rather than a
storage error later.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import Annotated

from msgspec import Meta

from service.domain import Author, Decision, Envelope, NewComment
from service.domain.statements import StatementCode
from service.errors import FieldError, ValidationError
from service.http.wire import (
    INT32,
    INT64_MAX,
    LINE,
    TEXT,
    CommentIdText,
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

# Fields that several requests share, declared once (their OpenAPI text comes from here).
AuditNote = Annotated[
    str, TEXT, Meta(max_length=NOTE_MAX, description="Free text for the audit log.")
]
SeenVersion = Annotated[
    int,
    Meta(
        ge=1,
        le=INT64_MAX,
        description=(
            "The comment version the moderator saw; a different current version (a report or "
            "decision since) is a 409."
        ),
        examples=[2],
    ),
]


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
            CommentIdText, Meta(description=("The comment this one replies to (same article)."))
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
    note: AuditNote | None = None
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
    expected_version: SeenVersion | None = None


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
