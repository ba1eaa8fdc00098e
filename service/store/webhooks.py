"""Webhook endpoints, their deliveries (one per event and endpoint) and the delivery log."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.orm import Session

from service.domain import Page, stored_events
from service.domain.webhooks import Attempt, Delivery, DeliveryStatus, Endpoint, Redelivery
from service.errors import NotFoundError
from service.models import (
    OutboxRow,
    WebhookAttemptRow,
    WebhookDeliveryRow,
    WebhookEndpointRow,
)
from service.store.cursor import decode_cursor, encode_cursor, sequence
from service.store.outbox import to_event

PENDING = DeliveryStatus.PENDING.value


# -- endpoints ----------------------------------------------------------------------------------


def add_endpoint(session: Session, endpoint: Endpoint) -> Endpoint:
    """Store a new endpoint."""
    row = WebhookEndpointRow(
        **{f.name: getattr(endpoint, f.name) for f in dataclasses.fields(endpoint)}
    )
    row.events = list(endpoint.events)
    session.add(row)
    session.flush()
    return to_endpoint(row)


def endpoint_row(session: Session, endpoint_id: str, site_id: str | None) -> WebhookEndpointRow:
    """One endpoint's row (a site only reaches its own); NotFoundError otherwise."""
    row = session.get(WebhookEndpointRow, endpoint_id)
    if row is None or (site_id is not None and row.site_id != site_id):
        raise NotFoundError(f"webhook {endpoint_id!r} does not exist")
    return row


def list_endpoints(session: Session, site_id: str | None) -> list[Endpoint]:
    """Every endpoint of a site (or of all sites), oldest first."""
    query = select(WebhookEndpointRow).order_by(
        WebhookEndpointRow.created_at, WebhookEndpointRow.id
    )
    if site_id is not None:
        query = query.where(WebhookEndpointRow.site_id == site_id)
    return [to_endpoint(row) for row in session.scalars(query).all()]


def delete_endpoint(session: Session, endpoint_id: str) -> None:
    """Remove an endpoint with its deliveries and log."""
    session.execute(delete(WebhookAttemptRow).where(WebhookAttemptRow.endpoint_id == endpoint_id))
    session.execute(delete(WebhookDeliveryRow).where(WebhookDeliveryRow.endpoint_id == endpoint_id))
    session.execute(delete(WebhookEndpointRow).where(WebhookEndpointRow.id == endpoint_id))


def to_endpoint(row: WebhookEndpointRow) -> Endpoint:
    """A stored endpoint as a domain value."""
    return Endpoint(
        id=row.id,
        site_id=row.site_id,
        url=row.url,
        description=row.description,
        events=tuple(row.events or ()),
        secret=row.secret,
        previous_secret=row.previous_secret,
        previous_secret_until=row.previous_secret_until,
        created_by=row.created_by,
        created_at=row.created_at,
        disabled_at=row.disabled_at,
        disabled_reason=row.disabled_reason,
        consecutive_failures=row.consecutive_failures,
        retry_at=row.retry_at,
        last_success_at=row.last_success_at,
        last_failure_at=row.last_failure_at,
    )


# -- fan-out ------------------------------------------------------------------------------------


def fan_out(session: Session, numbered: Sequence[tuple[int, int]], now: datetime) -> int:
    """A pending delivery of each newly numbered event to every enabled endpoint that wants it.

    Runs in the sequencing transaction, so each event is fanned out exactly once.
    """
    if not numbered:
        return 0
    seq_of = dict(numbered)
    events = session.execute(
        select(OutboxRow.id, OutboxRow.site_id, OutboxRow.kind, OutboxRow.comment_id).where(
            OutboxRow.id.in_(list(seq_of))
        )
    ).all()
    endpoints = _enabled_by_site(session, {e.site_id for e in events})
    rows = [
        _delivery(endpoint.id, e.id, seq_of[e.id], e.comment_id, now)
        for e in events
        for endpoint in endpoints.get(e.site_id, [])
        if not endpoint.events or e.kind in endpoint.events
    ]
    if rows:
        session.execute(insert(WebhookDeliveryRow), rows)
    return len(rows)


def _enabled_by_site(session: Session, sites: set[str]) -> dict[str, list[WebhookEndpointRow]]:
    if not sites:
        return {}
    rows = session.scalars(
        select(WebhookEndpointRow).where(
            WebhookEndpointRow.site_id.in_(sorted(sites)), WebhookEndpointRow.disabled_at.is_(None)
        )
    ).all()
    found: dict[str, list[WebhookEndpointRow]] = {}
    for row in rows:
        found.setdefault(row.site_id, []).append(row)
    return found


def _delivery(
    endpoint_id: str, outbox_id: int, seq: int, comment_id: str | None, now: datetime
) -> dict[str, Any]:
    return {
        "endpoint_id": endpoint_id,
        "outbox_id": outbox_id,
        "seq": seq,
        "comment_id": comment_id,
        "status": PENDING,
        "attempts": 0,
        "next_attempt_at": now,
        "last_status_code": None,
        "last_error": None,
        "created_at": now,
        "delivered_at": None,
    }


# -- scheduling ---------------------------------------------------------------------------------


def pending_deliveries(session: Session) -> int:
    """How many deliveries wait for a 2xx, over every endpoint (index range per endpoint)."""
    pending = (
        select(func.count())
        .select_from(WebhookDeliveryRow)
        .where(
            WebhookDeliveryRow.endpoint_id.in_(select(WebhookEndpointRow.id)),
            WebhookDeliveryRow.status == DeliveryStatus.PENDING.value,
        )
    )
    return session.execute(pending).scalar_one()


def due_endpoints(session: Session, now: datetime, limit: int) -> list[str]:
    """Enabled endpoints with a delivery due, not backing off and not leased to a live run."""
    due = (
        select(WebhookDeliveryRow.endpoint_id)
        .where(WebhookDeliveryRow.status == PENDING, WebhookDeliveryRow.next_attempt_at <= now)
        .distinct()
        .subquery()
    )
    return list(
        session.scalars(
            select(WebhookEndpointRow.id)
            .join(due, due.c.endpoint_id == WebhookEndpointRow.id)
            .where(
                WebhookEndpointRow.disabled_at.is_(None),
                or_(WebhookEndpointRow.retry_at.is_(None), WebhookEndpointRow.retry_at <= now),
                or_(
                    WebhookEndpointRow.lease_until.is_(None),
                    WebhookEndpointRow.lease_until <= now,
                ),
            )
            .limit(limit)
        ).all()
    )


def take_lease(
    session: Session, endpoint_id: str, owner: str, now: datetime, until: datetime
) -> bool:
    """Make ``owner`` the only run delivering to this endpoint until ``until``."""
    result = session.execute(
        update(WebhookEndpointRow)
        .where(
            WebhookEndpointRow.id == endpoint_id,
            WebhookEndpointRow.disabled_at.is_(None),
            or_(WebhookEndpointRow.retry_at.is_(None), WebhookEndpointRow.retry_at <= now),
            or_(WebhookEndpointRow.lease_until.is_(None), WebhookEndpointRow.lease_until <= now),
        )
        .values(lease_owner=owner, lease_until=until)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def release_lease(session: Session, endpoint_id: str, owner: str) -> None:
    """End ``owner``'s lease (a lease another run took over is left alone)."""
    session.execute(
        update(WebhookEndpointRow)
        .where(WebhookEndpointRow.id == endpoint_id, WebhookEndpointRow.lease_owner == owner)
        .values(lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


def next_deliveries(
    session: Session, endpoint_id: str, now: datetime, limit: int
) -> list[Delivery]:
    """Due deliveries that may go now: never-tried ones first, and per comment only the one
    with the lowest sequence still pending (events of a comment go out in order)."""
    rows = session.execute(
        select(WebhookDeliveryRow, OutboxRow)
        .join(OutboxRow, OutboxRow.id == WebhookDeliveryRow.outbox_id)
        .where(
            WebhookDeliveryRow.endpoint_id == endpoint_id,
            WebhookDeliveryRow.status == PENDING,
            WebhookDeliveryRow.next_attempt_at <= now,
        )
        .order_by(WebhookDeliveryRow.attempts, WebhookDeliveryRow.seq)
        .limit(limit)
    ).all()
    first = _first_pending(session, endpoint_id, {d.comment_id for d, _ in rows} - {None})
    return [
        to_delivery(d, o) for d, o in rows if d.comment_id is None or first[d.comment_id] == d.seq
    ]


def _first_pending(
    session: Session, endpoint_id: str, comment_ids: set[str | None]
) -> dict[Any, int]:
    if not comment_ids:
        return {}
    rows = session.execute(
        select(WebhookDeliveryRow.comment_id, func.min(WebhookDeliveryRow.seq))
        .where(
            WebhookDeliveryRow.endpoint_id == endpoint_id,
            WebhookDeliveryRow.status == PENDING,
            WebhookDeliveryRow.comment_id.in_(sorted(c for c in comment_ids if c)),
        )
        .group_by(WebhookDeliveryRow.comment_id)
    ).all()
    return {cid: int(seq) for cid, seq in rows}


def to_delivery(row: WebhookDeliveryRow, event: OutboxRow) -> Delivery:
    """A stored delivery, with its event, as a domain value."""
    return Delivery(
        id=row.id,
        endpoint_id=row.endpoint_id,
        event=to_event(event),
        sequence=row.seq,
        status=DeliveryStatus(row.status),
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        last_status_code=row.last_status_code,
        last_error=row.last_error,
        created_at=row.created_at,
        delivered_at=row.delivered_at,
    )


# -- results ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Result:
    """How one attempt went, to record."""

    delivery_id: int | None
    event_id: str
    event_type: str
    at: datetime
    duration_ms: float
    status_code: int | None
    error: str | None
    excerpt: str | None
    # For a failure: when to try this delivery again, or None to give it up.
    retry_at: datetime | None = None

    @property
    def is_success(self) -> bool:
        """A 2xx answer."""
        return self.status_code is not None and 200 <= self.status_code < 300


def record_attempt(session: Session, endpoint_id: str, result: Result) -> None:
    """Log the attempt and move its delivery on (delivered, retry later, or failed)."""
    session.add(
        WebhookAttemptRow(
            endpoint_id=endpoint_id,
            delivery_id=result.delivery_id,
            event_id=result.event_id,
            event_type=result.event_type,
            attempted_at=result.at,
            duration_ms=result.duration_ms,
            status_code=result.status_code,
            error=result.error,
            response_excerpt=result.excerpt,
        )
    )
    if result.delivery_id is None:
        return
    changes: dict[str, Any] = {
        "attempts": WebhookDeliveryRow.attempts + 1,
        "last_status_code": result.status_code,
        "last_error": result.error,
    }
    if result.is_success:
        changes.update(status=DeliveryStatus.DELIVERED.value, delivered_at=result.at)
    elif result.retry_at is None:
        changes.update(status=DeliveryStatus.FAILED.value)
    else:
        changes.update(next_attempt_at=result.retry_at)
    session.execute(
        update(WebhookDeliveryRow)
        .where(WebhookDeliveryRow.id == result.delivery_id)
        .values(**changes)
        .execution_options(synchronize_session=False)
    )


def endpoint_succeeded(session: Session, endpoint_id: str, at: datetime) -> None:
    """Reset the endpoint's failure count after a 2xx."""
    session.execute(
        update(WebhookEndpointRow)
        .where(WebhookEndpointRow.id == endpoint_id)
        .values(consecutive_failures=0, retry_at=None, last_success_at=at)
        .execution_options(synchronize_session=False)
    )


def endpoint_failed(session: Session, endpoint_id: str, at: datetime) -> int:
    """Count a failed attempt; returns the endpoint's consecutive failures."""
    session.execute(
        update(WebhookEndpointRow)
        .where(WebhookEndpointRow.id == endpoint_id)
        .values(
            consecutive_failures=WebhookEndpointRow.consecutive_failures + 1, last_failure_at=at
        )
        .execution_options(synchronize_session=False)
    )
    return int(
        session.scalar(
            select(WebhookEndpointRow.consecutive_failures).where(
                WebhookEndpointRow.id == endpoint_id
            )
        )
        or 0
    )


def back_off(session: Session, endpoint_id: str, until: datetime) -> None:
    """No attempt to this endpoint before ``until``."""
    session.execute(
        update(WebhookEndpointRow)
        .where(WebhookEndpointRow.id == endpoint_id)
        .values(retry_at=until)
        .execution_options(synchronize_session=False)
    )


def disable(session: Session, endpoint_id: str, reason: str, at: datetime) -> None:
    """Stop sending to an endpoint, saying why."""
    session.execute(
        update(WebhookEndpointRow)
        .where(WebhookEndpointRow.id == endpoint_id)
        .values(disabled_at=at, disabled_reason=reason, lease_owner=None, lease_until=None)
        .execution_options(synchronize_session=False)
    )


# -- the log and redelivery ---------------------------------------------------------------------


def list_deliveries(
    session: Session, endpoint_id: str, status: str | None, cursor: str | None, limit: int
) -> Page[Delivery]:
    """An endpoint's deliveries, newest event first."""
    query = (
        select(WebhookDeliveryRow, OutboxRow)
        .join(OutboxRow, OutboxRow.id == WebhookDeliveryRow.outbox_id)
        .where(WebhookDeliveryRow.endpoint_id == endpoint_id)
    )
    if status is not None:
        query = query.where(WebhookDeliveryRow.status == status)
    rows = _newest_first(session, query, WebhookDeliveryRow.seq, cursor, limit)
    page = [to_delivery(d, o) for d, o in rows[:limit]]
    return Page(page, encode_cursor(rows[limit - 1][0].seq) if len(rows) > limit else None)


def list_attempts(
    session: Session, endpoint_id: str, cursor: str | None, limit: int
) -> Page[Attempt]:
    """An endpoint's delivery log, newest first."""
    query = select(WebhookAttemptRow).where(WebhookAttemptRow.endpoint_id == endpoint_id)
    rows = [r for (r,) in _newest_first(session, query, WebhookAttemptRow.id, cursor, limit)]
    page = [to_attempt(r) for r in rows[:limit]]
    return Page(page, encode_cursor(rows[limit - 1].id) if len(rows) > limit else None)


def _newest_first(
    session: Session, query: Any, key: Any, cursor: str | None, limit: int
) -> list[Any]:
    """Up to ``limit + 1`` rows in descending ``key`` order, after a cursor of that key."""
    if cursor:
        (before,) = decode_cursor(cursor, sequence)
        query = query.where(key < before)
    return list(session.execute(query.order_by(key.desc()).limit(limit + 1)).all())


def to_attempt(row: WebhookAttemptRow) -> Attempt:
    """A logged attempt as a domain value."""
    return Attempt(
        id=row.id,
        endpoint_id=row.endpoint_id,
        delivery_id=row.delivery_id,
        event_id=row.event_id,
        event_type=row.event_type,
        attempted_at=row.attempted_at,
        duration_ms=row.duration_ms,
        status_code=row.status_code,
        error=row.error,
        response_excerpt=row.response_excerpt,
    )


def redeliver(
    session: Session, endpoint: WebhookEndpointRow, which: Redelivery, now: datetime
) -> int:
    """Make the chosen events of the endpoint's site pending again for it (creating deliveries
    for events it never had); returns how many. NotFoundError for an unknown event id."""
    query = select(OutboxRow.id, OutboxRow.seq, OutboxRow.comment_id, OutboxRow.kind).where(
        OutboxRow.site_id == endpoint.site_id, OutboxRow.seq.is_not(None)
    )
    if which.event_id is not None:
        # An id that is not "evt_<32 hex>" is no event's: it matches nothing (a 404 below).
        stored_id = stored_events.parse_id(which.event_id) or b""
        query = query.where(OutboxRow.event_id == stored_id)
    if which.since is not None:
        query = query.where(OutboxRow.created_at >= which.since)
    if which.until is not None:
        query = query.where(OutboxRow.created_at < which.until)
    found = session.execute(query).all()
    wanted = [e for e in found if not endpoint.events or e.kind in endpoint.events]
    if which.event_id is not None and not wanted:
        raise NotFoundError(f"event {which.event_id!r} is not among this webhook's events")
    existing = _delivered_before(session, endpoint.id, [e.id for e in wanted])
    fresh = [
        _delivery(endpoint.id, e.id, int(e.seq), e.comment_id, now)
        for e in wanted
        if e.id not in existing
    ]
    if fresh:
        session.execute(insert(WebhookDeliveryRow), fresh)
    if existing:
        session.execute(
            update(WebhookDeliveryRow)
            .where(
                WebhookDeliveryRow.endpoint_id == endpoint.id,
                WebhookDeliveryRow.outbox_id.in_(sorted(existing)),
            )
            .values(status=PENDING, attempts=0, next_attempt_at=now, delivered_at=None)
            .execution_options(synchronize_session=False)
        )
    return len(wanted)


def _delivered_before(session: Session, endpoint_id: str, outbox_ids: list[int]) -> set[int]:
    if not outbox_ids:
        return set()
    return set(
        session.scalars(
            select(WebhookDeliveryRow.outbox_id).where(
                WebhookDeliveryRow.endpoint_id == endpoint_id,
                WebhookDeliveryRow.outbox_id.in_(outbox_ids),
            )
        ).all()
    )


def purge_attempts(session: Session, older_than: datetime) -> int:
    """Drop delivery log entries older than the log's retention."""
    result = session.execute(
        delete(WebhookAttemptRow).where(WebhookAttemptRow.attempted_at < older_than)
    )
    return int(result.rowcount)  # type: ignore[attr-defined]
