"""Use cases of webhook endpoints: register, change, rotate the secret, disable and enable, read
the delivery log, redeliver, send a test ping.

A site manages its own endpoints (``site_id`` is its key's name); ops manage any site's (through
the API, the CLI or the workspace). Every URL passes the SSRF guard before it is stored.
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import Page
from service.domain.changes import EventType, new_event
from service.domain.webhooks import Attempt, Delivery, Endpoint, Redelivery
from service.errors import FieldError, ValidationError
from service.store import webhooks as store
from service.transaction import transaction
from service.webhook_settings import WebhookSettings
from service.webhooks.payload import PING, attempt_result, ping_body, signed_headers
from service.webhooks.sender import Sender
from service.webhooks.signing import new_secret
from service.webhooks.targets import Resolver, TargetRefusedError, check_target, system_resolver

EVENT_TYPES = tuple(t.value for t in EventType)


@dataclasses.dataclass(frozen=True)
class EndpointChange:
    """What a PATCH may change (None: leave as is)."""

    url: str | None = None
    events: Sequence[str] | None = None
    description: str | None = None
    enabled: bool | None = None


class Webhooks:
    """Endpoints of the sites and what was sent to them."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: WebhookSettings,
        sender: Sender | None = None,
        clock: Callable[[], datetime] = utcnow,
        resolve: Resolver = system_resolver,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.clock = clock
        self._resolve = resolve
        self._sender = sender or Sender(
            settings.allowed_networks, settings.timeout_seconds, resolve
        )

    def create(
        self,
        site_id: str,
        url: str,
        *,
        events: Sequence[str],
        description: str | None,
        actor: str,
    ) -> Endpoint:
        """Register an endpoint with a fresh secret (returned here, and on rotation only)."""
        self._check_url(url)
        endpoint = Endpoint(
            id=str(uuid.uuid4()),
            site_id=site_id,
            url=url,
            description=description,
            events=_event_types(events),
            secret=new_secret(),
            previous_secret=None,
            previous_secret_until=None,
            created_by=actor,
            created_at=self.clock(),
            disabled_at=None,
            disabled_reason=None,
            consecutive_failures=0,
            retry_at=None,
            last_success_at=None,
            last_failure_at=None,
        )
        with transaction(self.sessions) as session:
            return store.add_endpoint(session, endpoint)

    def list(self, site_id: str | None) -> list[Endpoint]:
        """A site's endpoints (None: every site's)."""
        with transaction(self.sessions) as session:
            return store.list_endpoints(session, site_id)

    def get(self, endpoint_id: str, site_id: str | None) -> Endpoint:
        """One endpoint (a site reaches only its own)."""
        with transaction(self.sessions) as session:
            return store.to_endpoint(store.endpoint_row(session, endpoint_id, site_id))

    def change(self, endpoint_id: str, site_id: str | None, change: EndpointChange) -> Endpoint:
        """Change the URL, event types, description, or enable/disable by hand."""
        if change.url is not None:
            self._check_url(change.url)
        with transaction(self.sessions) as session:
            row = store.endpoint_row(session, endpoint_id, site_id)
            if change.url is not None:
                row.url = change.url
            if change.events is not None:
                row.events = list(_event_types(change.events))
            if change.description is not None:
                row.description = change.description
            if change.enabled is True:
                row.disabled_at, row.disabled_reason = None, None
                row.consecutive_failures, row.retry_at = 0, None
            elif change.enabled is False and row.disabled_at is None:
                row.disabled_at, row.disabled_reason = self.clock(), "disabled by hand"
            session.flush()
            return store.to_endpoint(row)

    def delete(self, endpoint_id: str, site_id: str | None) -> None:
        """Remove an endpoint, its pending deliveries and its log."""
        with transaction(self.sessions) as session:
            store.endpoint_row(session, endpoint_id, site_id)
            store.delete_endpoint(session, endpoint_id)

    def rotate_secret(self, endpoint_id: str, site_id: str | None) -> Endpoint:
        """A new secret; the old one keeps signing (beside it) for the overlap period."""
        now = self.clock()
        with transaction(self.sessions) as session:
            row = store.endpoint_row(session, endpoint_id, site_id)
            row.previous_secret = row.secret
            row.previous_secret_until = now + timedelta(
                seconds=self.settings.secret_overlap_seconds
            )
            row.secret = new_secret()
            session.flush()
            return store.to_endpoint(row)

    def deliveries(
        self,
        endpoint_id: str,
        site_id: str | None,
        status: str | None,
        cursor: str | None,
        limit: int,
    ) -> Page[Delivery]:
        """The endpoint's deliveries, newest event first."""
        with transaction(self.sessions) as session:
            store.endpoint_row(session, endpoint_id, site_id)
            return store.list_deliveries(session, endpoint_id, status, cursor, limit)

    def attempts(
        self, endpoint_id: str, site_id: str | None, cursor: str | None, limit: int
    ) -> Page[Attempt]:
        """The endpoint's delivery log, newest first."""
        with transaction(self.sessions) as session:
            store.endpoint_row(session, endpoint_id, site_id)
            return store.list_attempts(session, endpoint_id, cursor, limit)

    def redeliver(self, endpoint_id: str, site_id: str | None, which: Redelivery) -> int:
        """Send one event, or every event of a time range, again; returns how many."""
        with transaction(self.sessions) as session:
            row = store.endpoint_row(session, endpoint_id, site_id)
            return store.redeliver(session, row, which, self.clock())

    def ping(self, endpoint_id: str, site_id: str | None) -> Attempt:
        """Send a signed ``webhook.ping`` now and log it (also to a disabled endpoint)."""
        endpoint = self.get(endpoint_id, site_id)
        now = self.clock()
        event = new_event(endpoint.site_id, EventType.COMMENT_ACCEPTED, {}, now, None)
        body = ping_body(event)
        headers = signed_headers(endpoint, event.event_id, now, body)
        outcome = self._sender.post(endpoint.url, body, headers)
        result = attempt_result(None, event.event_id, PING, now, outcome)
        with transaction(self.sessions) as session:
            store.record_attempt(session, endpoint.id, result)
            page = store.list_attempts(session, endpoint.id, None, 1)
        return page.items[0]

    def _check_url(self, url: str) -> None:
        try:
            check_target(url, self.settings.allowed_networks, self._resolve)
        except TargetRefusedError as exc:
            raise ValidationError([FieldError("/url", str(exc))]) from exc


def _event_types(events: Sequence[str]) -> tuple[str, ...]:
    unknown = [e for e in events if e not in EVENT_TYPES]
    if unknown:
        raise ValidationError(
            [
                FieldError("/events", f"unknown event type {e!r}; known: {', '.join(EVENT_TYPES)}")
                for e in unknown
            ]
        )
    return tuple(dict.fromkeys(events))
