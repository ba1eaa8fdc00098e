"""Site-integration values as JSON: webhooks, deliveries, the delivery log, change feed events."""

from __future__ import annotations

from typing import Any

from service.domain import Page
from service.domain.changes import OutboxEvent, envelope
from service.domain.webhooks import Attempt, Delivery, Endpoint
from service.http.render import timestamp
from service.outbox import FeedPage


def webhook(endpoint: Endpoint, *, with_secret: bool = False) -> dict[str, Any]:
    """An endpoint; its secret only right after it was made or rotated."""
    body: dict[str, Any] = {
        "id": endpoint.id,
        "site_id": endpoint.site_id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "enabled": endpoint.is_enabled,
        "disabled_at": timestamp(endpoint.disabled_at),
        "disabled_reason": endpoint.disabled_reason,
        "consecutive_failures": endpoint.consecutive_failures,
        "retry_at": timestamp(endpoint.retry_at),
        "last_success_at": timestamp(endpoint.last_success_at),
        "last_failure_at": timestamp(endpoint.last_failure_at),
        "secret_hint": endpoint.secret[:10] + "…",
        "previous_secret_until": timestamp(endpoint.previous_secret_until),
        "created_by": endpoint.created_by,
        "created_at": timestamp(endpoint.created_at),
    }
    if with_secret:
        body["secret"] = endpoint.secret
    return body


def delivery(entry: Delivery) -> dict[str, Any]:
    """One event's delivery to one endpoint."""
    return {
        "id": entry.id,
        "event_id": entry.event.event_id,
        "event_type": entry.event.type.value,
        "sequence": entry.sequence,
        "comment_id": entry.event.comment_id,
        "status": entry.status.value,
        "attempts": entry.attempts,
        "next_attempt_at": timestamp(entry.next_attempt_at),
        "last_status_code": entry.last_status_code,
        "last_error": entry.last_error,
        "created_at": timestamp(entry.created_at),
        "delivered_at": timestamp(entry.delivered_at),
    }


def attempt(entry: Attempt) -> dict[str, Any]:
    """One request of the delivery log."""
    return {
        "id": entry.id,
        "delivery_id": entry.delivery_id,
        "event_id": entry.event_id,
        "event_type": entry.event_type,
        "attempted_at": timestamp(entry.attempted_at),
        "duration_ms": entry.duration_ms,
        "status_code": entry.status_code,
        "success": entry.is_success,
        "error": entry.error,
        "response_excerpt": entry.response_excerpt,
    }


def delivery_page(page: Page[Delivery]) -> dict[str, Any]:
    """A page of deliveries."""
    return {"items": [delivery(d) for d in page.items], "next_cursor": page.next_cursor}


def attempt_page(page: Page[Attempt]) -> dict[str, Any]:
    """A page of the delivery log."""
    return {"items": [attempt(a) for a in page.items], "next_cursor": page.next_cursor}


def event(item: tuple[OutboxEvent, int]) -> dict[str, Any]:
    """A change feed item: the same JSON a webhook request carries."""
    return envelope(item[0], item[1])


def feed_page(page: FeedPage) -> dict[str, Any]:
    """A page of the change feed."""
    return {
        "items": [event(i) for i in page.items],
        "next_cursor": page.next_cursor,
        "has_more": page.has_more,
    }
