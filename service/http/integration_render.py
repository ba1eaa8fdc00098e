"""Site-integration values as response Structs: webhooks, deliveries, the delivery log, change
feed events."""

from __future__ import annotations

from typing import Any

from service.domain import Page
from service.domain.changes import OutboxEvent, envelope
from service.domain.webhooks import Attempt, Delivery, Endpoint
from service.http import integration_responses as out
from service.http.render import maybe_utc, utc
from service.outbox import FeedPage


def webhook(endpoint: Endpoint, *, with_secret: bool = False) -> out.Webhook:
    """An endpoint; its secret only right after it was made or rotated."""
    members: dict[str, Any] = {
        "id": endpoint.id,
        "site_id": endpoint.site_id,
        "url": endpoint.url,
        "description": endpoint.description,
        "events": list(endpoint.events),
        "enabled": endpoint.is_enabled,
        "disabled_at": maybe_utc(endpoint.disabled_at),
        "disabled_reason": endpoint.disabled_reason,
        "consecutive_failures": endpoint.consecutive_failures,
        "retry_at": maybe_utc(endpoint.retry_at),
        "last_success_at": maybe_utc(endpoint.last_success_at),
        "last_failure_at": maybe_utc(endpoint.last_failure_at),
        "secret_hint": endpoint.secret[:10] + "…",
        "previous_secret_until": maybe_utc(endpoint.previous_secret_until),
        "created_by": endpoint.created_by,
        "created_at": utc(endpoint.created_at),
    }
    if with_secret:
        return out.WebhookWithSecret(**members, secret=endpoint.secret)
    return out.Webhook(**members)


def webhook_list(endpoints: list[Endpoint]) -> out.WebhookList:
    """Endpoints, without their secrets."""
    return out.WebhookList(items=[webhook(e) for e in endpoints])


def delivery(entry: Delivery) -> out.WebhookDelivery:
    """One event's delivery to one endpoint."""
    return out.WebhookDelivery(
        id=entry.id,
        event_id=entry.event.event_id,
        event_type=entry.event.type,
        sequence=entry.sequence,
        comment_id=entry.event.comment_id,
        status=entry.status,
        attempts=entry.attempts,
        next_attempt_at=maybe_utc(entry.next_attempt_at),
        last_status_code=entry.last_status_code,
        last_error=entry.last_error,
        created_at=utc(entry.created_at),
        delivered_at=maybe_utc(entry.delivered_at),
    )


def attempt(entry: Attempt) -> out.WebhookAttempt:
    """One request of the delivery log."""
    return out.WebhookAttempt(
        id=entry.id,
        delivery_id=entry.delivery_id,
        event_id=entry.event_id,
        event_type=entry.event_type,
        attempted_at=utc(entry.attempted_at),
        duration_ms=entry.duration_ms,
        status_code=entry.status_code,
        success=entry.is_success,
        error=entry.error,
        response_excerpt=entry.response_excerpt,
    )


def delivery_page(page: Page[Delivery]) -> out.DeliveryPage:
    """A page of deliveries."""
    return out.DeliveryPage(items=[delivery(d) for d in page.items], next_cursor=page.next_cursor)


def attempt_page(page: Page[Attempt]) -> out.AttemptPage:
    """A page of the delivery log."""
    return out.AttemptPage(items=[attempt(a) for a in page.items], next_cursor=page.next_cursor)


def event(item: tuple[OutboxEvent, int]) -> out.Event:
    """A change feed item: the same JSON a webhook request carries."""
    return out.Event(**envelope(item[0], item[1]))


def feed_page(page: FeedPage) -> out.ChangePage:
    """A page of the change feed."""
    return out.ChangePage(
        items=[event(i) for i in page.items], next_cursor=page.next_cursor, has_more=page.has_more
    )
