"""One delivery run: send an endpoint's due events, in order, until none is due or one fails.

A run first takes the endpoint's lease (a conditional UPDATE), so one run at a time sends to an
endpoint, across workers and hosts; a run killed mid-way leaves the lease to expire and its
unrecorded deliveries pending, so they are sent again (at least once, same event id).

A failed attempt ends the run: the endpoint backs off (exponentially, with jitter) and, after
``disable_after`` consecutive failures, is disabled with the reason. The failed event itself
backs off too and is given up after ``max_attempts``. Never-tried events are sent before
retries, so one event a receiver keeps refusing does not hold up the others (but it does hold
up later events of the same comment: those go in order).
"""

from __future__ import annotations

import dataclasses
import logging
import random
import time
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from service import metrics
from service.clock import utcnow
from service.domain.webhooks import Delivery, Endpoint
from service.store import webhooks as store
from service.store.webhooks import Result
from service.transaction import transaction
from service.webhook_settings import WebhookSettings
from service.webhooks.backoff import backoff
from service.webhooks.payload import attempt_result, body_of, signed_headers
from service.webhooks.sender import Sender

BATCH = 50  # deliveries read per round

log = logging.getLogger(__name__)


@dataclasses.dataclass(frozen=True)
class RunReport:
    """What a run did."""

    endpoint_id: str
    delivered: int = 0
    failed: int = 0
    leased: bool = True
    disabled: bool = False


class Deliverer:
    """Runs deliveries for one endpoint at a time."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        settings: WebhookSettings,
        sender: Sender,
        clock: Callable[[], datetime] = utcnow,
        rng: random.Random | None = None,
    ) -> None:
        self.sessions = sessions
        self.settings = settings
        self.sender = sender
        self.clock = clock
        self._rng = rng or random.Random()  # noqa: S311 - jitter, not cryptography

    def run(self, endpoint_id: str, owner: str) -> RunReport:
        """Deliver what is due for this endpoint (nothing when another run holds its lease)."""
        now = self.clock()
        lease = timedelta(seconds=self.settings.lease_seconds)
        with transaction(self.sessions) as session:
            if not store.take_lease(session, endpoint_id, owner, now, now + lease):
                return RunReport(endpoint_id, leased=False)
        try:
            return self._deliver_until_done(endpoint_id)
        finally:
            with transaction(self.sessions) as session:
                store.release_lease(session, endpoint_id, owner)

    def _deliver_until_done(self, endpoint_id: str) -> RunReport:
        # Half the lease: the run ends well before another could take the endpoint over.
        deadline = time.monotonic() + self.settings.lease_seconds / 2
        report = RunReport(endpoint_id)
        while time.monotonic() < deadline:
            with transaction(self.sessions) as session:
                endpoint = store.to_endpoint(store.endpoint_row(session, endpoint_id, None))
                batch = store.next_deliveries(session, endpoint_id, self.clock(), BATCH)
            if not endpoint.is_enabled or not batch:
                break
            report, failed = self._send_batch(endpoint, batch, report)
            if failed:
                break
        return report

    def _send_batch(
        self, endpoint: Endpoint, batch: list[Delivery], report: RunReport
    ) -> tuple[RunReport, bool]:
        results: list[Result] = []
        for delivery in batch:
            result = self._send(endpoint, delivery)
            results.append(result)
            if not result.is_success:
                break
        failed = not results[-1].is_success
        disabled = self._record(endpoint, results)
        delivered = report.delivered + len(results) - int(failed)
        return (
            dataclasses.replace(
                report, delivered=delivered, failed=report.failed + int(failed), disabled=disabled
            ),
            failed,
        )

    def _send(self, endpoint: Endpoint, delivery: Delivery) -> Result:
        now = self.clock()
        body = body_of(delivery.event, delivery.sequence)
        headers = signed_headers(endpoint, delivery.event.event_id, now, body)
        outcome = self.sender.post(endpoint.url, body, headers)
        result = attempt_result(
            delivery.id, delivery.event.event_id, delivery.event.type.value, now, outcome
        )
        if outcome.is_success:
            return result
        log.info(
            "webhook %s: %s %s failed (%s)",
            endpoint.id,
            delivery.event.type.value,
            delivery.event.event_id,
            outcome.summary(),
        )
        return dataclasses.replace(result, retry_at=self._retry_at(delivery.attempts + 1, now))

    def _retry_at(self, attempts: int, now: datetime) -> datetime | None:
        if attempts >= self.settings.max_attempts:
            return None  # given up: the delivery is marked failed (redeliver to try again)
        return now + self._backoff(attempts)

    def _backoff(self, failures: int) -> timedelta:
        return backoff(
            failures,
            self.settings.backoff_base_seconds,
            self.settings.backoff_max_seconds,
            self._rng,
        )

    def _record(self, endpoint: Endpoint, results: list[Result]) -> bool:
        """Log every attempt and update the endpoint; returns whether it was disabled."""
        disabled = self._store_results(endpoint, results)
        for result in results:
            metrics.record_webhook_delivery("delivered" if result.is_success else "failed")
        if disabled:
            metrics.record_webhook_delivery("gave_up")
        return disabled

    def _store_results(self, endpoint: Endpoint, results: list[Result]) -> bool:
        last = results[-1]
        with transaction(self.sessions) as session:
            for result in results:
                store.record_attempt(session, endpoint.id, result)
            if any(r.is_success for r in results):
                store.endpoint_succeeded(session, endpoint.id, last.at)
            if last.is_success:
                return False
            failures = store.endpoint_failed(session, endpoint.id, last.at)
            if failures >= self.settings.disable_after:
                reason = (
                    f"disabled after {failures} consecutive failed deliveries "
                    f"(last: {_summary(last)} at {last.at.isoformat()})"
                )
                store.disable(session, endpoint.id, reason, last.at)
                log.warning("webhook %s %s", endpoint.id, reason)
                return True
            store.back_off(session, endpoint.id, last.at + self._backoff(failures))
            return False


def _summary(result: Result) -> str:
    return f"HTTP {result.status_code}" if result.status_code is not None else str(result.error)
