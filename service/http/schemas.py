"""Request fields of the API and their conversion into domain values.

Length limits follow the database columns, so an over-long value is a 422 here rather than a
storage error later.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from typing import Any

from service.domain import ActionKind, Author, Decision, Envelope, NewComment, Queue
from service.errors import FieldError, NotFoundError, ValidationError
from service.http.fields import INT32_MAX, INT32_MIN, Field, Fields
from service.settings import Settings
from service.store.queues import AuditFilter, QueueFilter

IDEMPOTENCY_KEY_MAX = 200
NOTE_MAX = 2000
REASON_CODE = re.compile(r"[a-z_]{1,32}")

AUTHOR_FIELDS: Fields = {
    "id": Field(
        "string", "The site's id for the author.", required=True, max_length=200, example="u-1842"
    ),
    "display_name": Field(
        "string",
        "Name shown with the comment.",
        required=True,
        max_length=200,
        normalise=True,
        example="Satoshi Fan",
    ),
    "email_hash": Field("string", "Any stable hash of the author's email.", max_length=128),
    "account_age_days": Field(
        "number", "Age of the author's account in days.", minimum=0, example=412
    ),
    "karma": Field(
        "integer",
        "The site's reputation score for the author.",
        minimum=INT32_MIN,
        maximum=INT32_MAX,
        example=37,
    ),
}

ENVELOPE_FIELDS: Fields = {
    "ip": Field(
        "string",
        "The reader's IP address as the site saw it.",
        max_length=64,
        example="203.0.113.7",
    ),
    "user_agent": Field("string", "The reader's User-Agent.", max_length=512),
    "referrer": Field("string", "The page the reader came from.", max_length=2048),
    "permalink": Field(
        "string",
        "Where the comment will appear.",
        max_length=2048,
        example="https://news.example/btc-etf#comments",
    ),
}


@functools.lru_cache(maxsize=8)
def _submission_fields(max_comment_chars: int) -> Fields:
    return {
        "article_id": Field(
            "string",
            "The site's id for the article.",
            required=True,
            max_length=200,
            example="btc-etf-approved",
        ),
        "author": Field("object", "Who wrote the comment.", required=True, fields=AUTHOR_FIELDS),
        "body": Field(
            "string",
            "The comment text; NFKC-normalised and stripped.",
            required=True,
            max_length=max_comment_chars,
            normalise=True,
            text="text",
            example="Great analysis, thanks.",
        ),
        "parent_id": Field(
            "string", "The comment this one replies to (same article).", max_length=36
        ),
        "language": Field(
            "string", "BCP 47 language tag, if the site knows it.", max_length=35, example="en"
        ),
        "envelope": Field(
            "object", "Request context as the site received it.", fields=ENVELOPE_FIELDS
        ),
    }


def submission_fields(settings: Settings) -> Fields:
    """Fields of ``POST /v1/comments`` (the body limit comes from settings)."""
    return _submission_fields(settings.max_comment_chars)


REPORT_FIELDS: Fields = {
    "reporter_id": Field(
        "string",
        "The site's id for the reader who reports.",
        required=True,
        max_length=200,
        example="u-77",
    ),
    "reason": Field(
        "string",
        "Why, as a short code (e.g. spam, abuse, off_topic).",
        required=True,
        max_length=32,
        example="spam",
    ),
    "note": Field("string", "Free text from the reader.", max_length=NOTE_MAX, text="text"),
}

DECISION_FIELDS: Fields = {
    "decision": Field(
        "string",
        "The moderator's decision.",
        required=True,
        choices=tuple(d.value for d in Decision),
        example="approve",
    ),
    "reason": Field("string", "Why, as a short code; defaults to 'moderator'.", max_length=32),
    "note": Field("string", "Free text for the audit log.", max_length=NOTE_MAX, text="text"),
    "expected_version": Field(
        "integer",
        "The comment version the decision was made on; a different current version is a 409.",
        minimum=1,
        example=2,
    ),
}


def report_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/comments/{id}/reports``."""
    return REPORT_FIELDS


def decision_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/comments/{id}/decision``."""
    return DECISION_FIELDS


def page_fields(settings: Settings) -> Fields:
    """The ``cursor`` and ``limit`` query parameters every listing takes."""
    return {
        "cursor": Field("string", "Opaque cursor from the previous page's next_cursor."),
        "limit": Field(
            "integer",
            f"Page size (default {settings.default_page_size}).",
            minimum=1,
            maximum=settings.max_page_size,
        ),
    }


def queue_query(settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/queues/{name}``."""
    return {
        "article_id": Field("string", "Only comments on this article.", max_length=200),
        "author_id": Field("string", "Only comments by this author.", max_length=200),
        "label": Field("string", "Only comments scored for this label (e.g. spam).", max_length=32),
        "min_score": Field(
            "number",
            "Only comments with a score (of `label`, or any) at least this high.",
            minimum=0,
            maximum=1,
        ),
        "q": Field(
            "string",
            "Only comments whose text contains this, ignoring case (`%` and `_` are literal).",
            max_length=200,
            normalise=True,
        ),
        "reason": Field(
            "string",
            "Only comments held (or decided) for this reason code, e.g. links or new_author.",
            max_length=32,
        ),
        "sort": Field(
            "string",
            "risk (highest first, default) or age (oldest first).",
            choices=("risk", "age"),
        ),
        "include": Field(
            "string",
            "details: each item also carries `details` (its scores, evidence and parent), "
            "so a screen of cards needs one request, not one per card.",
            choices=("details",),
        ),
        **page_fields(settings),
    }


def audit_query(settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/audit``."""
    return {
        "comment_id": Field("string", "Only actions on this comment.", max_length=36),
        "actor": Field("string", "Only actions by this client name, or 'system'.", max_length=200),
        "kind": Field(
            "string", "Only actions of this kind.", choices=tuple(k.value for k in ActionKind)
        ),
        **page_fields(settings),
    }


def new_comment(
    values: dict[str, Any], site_id: str, payload: Any, idempotency_key: str | None
) -> NewComment:
    """A validated submission as a domain value."""
    author = values["author"]
    envelope = values["envelope"] or {}
    return NewComment(
        site_id=site_id,
        article_id=values["article_id"],
        author=Author(
            id=author["id"],
            display_name=author["display_name"],
            email_hash=author["email_hash"],
            account_age_days=author["account_age_days"],
            karma=author["karma"],
        ),
        body=values["body"],
        language=values["language"],
        parent_id=values["parent_id"],
        envelope=Envelope(**envelope),
        idempotency_key=idempotency_key,
        request_hash=request_hash(payload) if idempotency_key else None,
    )


def request_hash(payload: Any) -> str:
    """SHA-256 of the canonical JSON of a body, so key order and spacing do not matter."""
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


def queue_filter(query: dict[str, Any]) -> QueueFilter:
    """The filters of a queue listing."""
    return QueueFilter(
        article_id=query["article_id"],
        author_id=query["author_id"],
        label=query["label"],
        min_score=query["min_score"],
        text=query["q"],
        reason=_reason_code(query["reason"]),
    )


def _reason_code(code: str | None) -> str | None:
    """A reason code as the queue filter matches it; anything else is a 422."""
    if code is not None and not REASON_CODE.fullmatch(code):
        raise ValidationError([FieldError("/query/reason", "must be a reason code ([a-z_]+)")])
    return code


def audit_filter(query: dict[str, Any]) -> AuditFilter:
    """The filters of an audit listing."""
    return AuditFilter(comment_id=query["comment_id"], actor=query["actor"], kind=query["kind"])


def queue_named(name: str) -> Queue:
    """The queue called ``name``; unknown names are a 404 (the queue does not exist)."""
    try:
        return Queue(name)
    except ValueError as exc:
        known = ", ".join(q.value for q in Queue)
        raise NotFoundError(f"there is no queue {name!r} (queues: {known})") from exc


def shadow_query(_settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/models/{version_id}/shadow``."""
    return {
        "champion": Field(
            "string",
            "Compare against this version instead of the current champion.",
            max_length=80,
        ),
    }


def labels_export_query(_settings: Settings) -> Fields:
    """Query parameters of ``GET /v1/labels/export``."""
    return {
        "format": Field("string", "csv (default) or jsonl.", choices=("csv", "jsonl")),
        "after": Field(
            "integer",
            "Only comments whose latest decision has an action id above this (incremental).",
            minimum=0,
        ),
    }
