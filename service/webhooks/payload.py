"""What goes on the wire: request bodies and signed headers, and how an attempt is logged."""

from __future__ import annotations

import json
from datetime import datetime

from service.domain.changes import OutboxEvent, envelope
from service.domain.webhooks import Endpoint
from service.store.webhooks import Result
from service.webhooks.sender import Outcome
from service.webhooks.signing import signature_headers

PING = "webhook.ping"


def body_of(event: OutboxEvent, sequence: int | None) -> bytes:
    """The request body of an event: the same bytes on every attempt."""
    return json.dumps(
        envelope(event, sequence), separators=(",", ":"), sort_keys=True, ensure_ascii=False
    ).encode()


def ping_body(event: OutboxEvent) -> bytes:
    """The body of a test ping."""
    data = {**envelope(event, None), "type": PING, "data": {"message": "ping from Comment Desk"}}
    return json.dumps(data, separators=(",", ":"), sort_keys=True).encode()


def signed_headers(endpoint: Endpoint, event_id: str, now: datetime, body: bytes) -> dict[str, str]:
    """Standard Webhooks headers, signed with every secret the endpoint has now."""
    return signature_headers(endpoint.signing_secrets(now), event_id, int(now.timestamp()), body)


def attempt_result(
    delivery_id: int | None, event_id: str, event_type: str, at: datetime, outcome: Outcome
) -> Result:
    """An attempt's outcome, to log (the caller sets ``retry_at`` for a failure)."""
    return Result(
        delivery_id=delivery_id,
        event_id=event_id,
        event_type=event_type,
        at=at,
        duration_ms=outcome.duration_ms,
        status_code=outcome.status_code,
        error=outcome.error,
        excerpt=outcome.excerpt,
    )
