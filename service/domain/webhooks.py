"""Webhook domain values: endpoints, deliveries, attempts. Plain types, no I/O."""

from __future__ import annotations

import dataclasses
import enum
from datetime import datetime

from service.domain.changes import OutboxEvent


class DeliveryStatus(enum.StrEnum):
    """Where one event stands for one endpoint."""

    PENDING = "pending"  # not yet answered with a 2xx; attempted again at next_attempt_at
    DELIVERED = "delivered"
    FAILED = "failed"  # given up after the maximum attempts (redeliver to try again)


@dataclasses.dataclass(frozen=True)
class Endpoint:
    """Where a site wants its events. ``secret`` is served only when created or rotated."""

    id: str
    site_id: str
    url: str
    description: str | None
    events: tuple[str, ...]  # empty: every event type
    secret: str
    previous_secret: str | None
    previous_secret_until: datetime | None
    created_by: str
    created_at: datetime
    disabled_at: datetime | None
    disabled_reason: str | None
    consecutive_failures: int
    retry_at: datetime | None
    last_success_at: datetime | None
    last_failure_at: datetime | None

    @property
    def is_enabled(self) -> bool:
        """Whether events are sent to it."""
        return self.disabled_at is None

    def signing_secrets(self, now: datetime) -> list[str]:
        """The current secret, and the previous one while a rotation's overlap lasts."""
        secrets = [self.secret]
        until = self.previous_secret_until
        if self.previous_secret and until is not None and now < until:
            secrets.append(self.previous_secret)
        return secrets


@dataclasses.dataclass(frozen=True)
class Delivery:
    """One event for one endpoint, and how its delivery went so far."""

    id: int
    endpoint_id: str
    event: OutboxEvent
    sequence: int
    status: DeliveryStatus
    attempts: int
    next_attempt_at: datetime
    last_status_code: int | None
    last_error: str | None
    created_at: datetime
    delivered_at: datetime | None


@dataclasses.dataclass(frozen=True)
class Attempt:
    """One request in the delivery log."""

    id: int
    endpoint_id: str
    delivery_id: int | None  # None for a test ping
    event_id: str
    event_type: str
    attempted_at: datetime
    duration_ms: float
    status_code: int | None
    error: str | None
    response_excerpt: str | None

    @property
    def is_success(self) -> bool:
        """A 2xx answer."""
        return self.status_code is not None and 200 <= self.status_code < 300


@dataclasses.dataclass(frozen=True)
class Redelivery:
    """Which events to send again: one by id, or those created in a time range."""

    event_id: str | None = None
    since: datetime | None = None
    until: datetime | None = None
