"""Response shapes of the site integration (issue 11): webhooks, deliveries, the change feed,
edits, reading and privacy (wire Structs)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from msgspec import Meta

from service.domain import Status
from service.domain.changes import EventType
from service.domain.webhooks import DeliveryStatus
from service.http.responses import CommentStatus, Evidence, Scores
from service.http.wire import TIME, CommentIdText, Response_


class Webhook(Response_):
    """A webhook endpoint."""

    id: str
    site_id: str
    url: str
    description: str | None
    events: list[EventType]
    enabled: bool
    disabled_at: datetime | None
    disabled_reason: Annotated[str | None, Meta(description="why it was disabled")]
    consecutive_failures: int
    retry_at: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None
    secret_hint: str
    previous_secret_until: datetime | None
    created_by: str
    created_at: datetime


class WebhookWithSecret(Webhook):
    """An endpoint right after it was made or its secret rotated."""

    secret: Annotated[str, Meta(description=(
        "whsec_…: shown only now; verify signatures with it"))]  # fmt: skip


class WebhookList(Response_):
    """Webhook endpoints."""

    items: list[Webhook]


class WebhookAttempt(Response_):
    """One request of the delivery log."""

    id: int
    delivery_id: int | None
    event_id: str
    event_type: str
    attempted_at: datetime
    duration_ms: float
    status_code: int | None
    success: bool
    error: str | None
    response_excerpt: str | None


class AttemptPage(Response_):
    """A page of the delivery log."""

    items: list[WebhookAttempt]
    next_cursor: str | None


class WebhookDelivery(Response_):
    """One event's delivery to one endpoint."""

    id: int
    event_id: str
    event_type: EventType
    sequence: int
    comment_id: CommentIdText | None
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime | None
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


class DeliveryPage(Response_):
    """A page of deliveries."""

    items: list[WebhookDelivery]
    next_cursor: str | None


class Redelivered(Response_):
    """How many deliveries are pending again."""

    webhook_id: str
    redelivering: int


class Event(Response_):
    """A change feed item: the same JSON a webhook request carries."""

    id: Annotated[str, Meta(description="the same on every delivery: de-duplicate on it")]
    type: EventType
    created_at: Annotated[str, TIME]
    site_id: str
    sequence: Annotated[int, Meta(description="commit order across the site's events")]
    data: Annotated[dict[str, Any], Meta(description="see docs/integration.md for each type")]


class ChangePage(Response_):
    """Events after a cursor."""

    items: list[Event]
    next_cursor: str | None
    has_more: bool


class Deleted(Response_):
    """A deleted comment."""

    id: str
    status: Status


class Revision(Response_):
    """One body a comment had."""

    revision: int
    body: str
    submitted_at: datetime
    replaced_at: Annotated[datetime | None, Meta(description="null: the current body")]


class Diff(Response_):
    """What changed between two revisions."""

    from_: int = msgspec.field(name="from")
    to: int
    diff: Annotated[str, Meta(description="unified diff")]


class Revisions(Response_):
    """Every body of a comment, oldest first, and the diffs between them."""

    comment_id: CommentIdText
    revisions: list[Revision]
    diffs: list[Diff]


AuthorExport = Annotated[dict[str, Any], Meta(description=(
    "site_id, author_id, exported_at, comments (with earlier revisions, envelope and history), "
    "reports_made, policy: see docs/integration.md"))]  # fmt: skip


class Lookup(Response_):
    """The status of each known id; ``missing`` lists the others."""

    items: list[CommentStatus]
    missing: list[str]


class CheckResult(Response_):
    """The verdict a comment would get now."""

    verdict: Annotated[str, Meta(extra_json_schema={"enum": ["approve", "withhold", "reject"]})]
    status: Status
    reasons: list[str]
    scores: Scores
    model_version: str | None
    evidence: Annotated[Evidence | None, Meta(description="spans of the body behind a hold")]


class Erasure(Response_):
    """An author's erasure."""

    erasure_id: str
    author_key: str
    comments: int
    erased_at: datetime
