"""Webhook delivery to a real HTTP receiver: signatures, retries, de-duplication, disabling."""

from __future__ import annotations

import time
from datetime import UTC, datetime

import pytest
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from service import metrics
from service.domain import Decision, Status
from service.domain.changes import CommentRef, Decider, EventType, Transition
from service.domain.webhooks import Endpoint
from service.moderation import Moderation
from service.store import outbox
from service.transaction import transaction
from service.webhooks.endpoints import EndpointChange, Webhooks
from tests.factories import new_comment, scores
from tests.intake import submit
from tests.integration.webhooks.conftest import Deliver, deliver_until
from tests.integration.webhooks.receiver import Receiver
from workers.context import WorkerContext


def _endpoint(hooks: Webhooks, receiver: Receiver, *events: str) -> Endpoint:
    return hooks.create("news-site", receiver.url, events=events, description=None, actor="test")


def test_an_accepted_comment_reaches_the_receiver_signed(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    endpoint = _endpoint(hooks, receiver)
    (stored,) = submit(moderation, [new_comment()])

    deliver_until(deliver, lambda: len(receiver.requests) == 1)

    request = receiver.requests[0]
    # Verified by the Standard Webhooks reference library, not by our own code.
    event = Webhook(endpoint.secret).verify(request.body, request.headers)
    assert event["type"] == "comment.accepted"
    assert event["id"] == request.event_id
    assert event["data"]["comment"]["id"] == stored.comment_id
    assert event["data"]["comment"]["status"] == "pending"
    assert event["sequence"] >= 1
    with pytest.raises(Exception, match="signature"):
        Webhook(hooks.rotate_secret(endpoint.id, None).secret).verify(
            request.body + b" ", request.headers
        )


def test_a_500_is_retried_with_the_same_event_id_and_body(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    endpoint = _endpoint(hooks, receiver)
    receiver.plan(500, 503)
    submit(moderation, [new_comment()])

    deliver_until(deliver, lambda: len(receiver.requests) == 3)

    assert len({r.event_id for r in receiver.requests}) == 1
    assert len({r.body for r in receiver.requests}) == 1
    log = hooks.attempts(endpoint.id, None, None, 10).items
    assert [a.status_code for a in reversed(log)] == [500, 503, 200]
    first = hooks.attempts(endpoint.id, None, None, 2)
    rest = hooks.attempts(endpoint.id, None, first.next_cursor, 2)
    assert [a.id for a in [*first.items, *rest.items]] == [a.id for a in log]
    assert rest.next_cursor is None
    [delivery] = hooks.deliveries(endpoint.id, None, None, None, 10).items
    assert (delivery.status.value, delivery.attempts) == ("delivered", 3)
    assert hooks.get(endpoint.id, None).consecutive_failures == 0


def test_a_timeout_is_retried_and_the_receiver_can_deduplicate(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    endpoint = _endpoint(hooks, receiver)
    receiver.plan((200, 1.0))  # processed, but answered after the 0.5 s timeout
    submit(moderation, [new_comment()])

    deliver_until(deliver, lambda: len(receiver.requests) == 2)

    first, second = receiver.requests
    assert first.event_id == second.event_id  # a receiver keeps one of the two
    assert int(second.headers["webhook-timestamp"]) >= int(first.headers["webhook-timestamp"])
    log = hooks.attempts(endpoint.id, None, None, 10).items
    assert log[-1].status_code is None
    assert "Timeout" in (log[-1].error or "")
    assert log[0].status_code == 200


def test_repeated_failures_disable_the_endpoint_with_a_reason(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    endpoint = _endpoint(hooks, receiver)
    receiver.plan(*[500] * 20)
    submit(moderation, [new_comment()])

    deliver_until(deliver, lambda: not hooks.get(endpoint.id, None).is_enabled)
    sent = len(receiver.requests)
    time.sleep(0.3)
    deliver()

    disabled = hooks.get(endpoint.id, None)
    assert sent == 3  # COMMENTDESK_WEBHOOK_DISABLE_AFTER in these tests
    assert len(receiver.requests) == sent  # nothing more once disabled
    assert disabled.disabled_reason is not None
    assert "3 consecutive failed deliveries" in disabled.disabled_reason
    assert "HTTP 500" in disabled.disabled_reason


def test_enabling_again_resumes_pending_deliveries(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    endpoint = _endpoint(hooks, receiver)
    receiver.plan(500, 500, 500)
    submit(moderation, [new_comment()])
    deliver_until(deliver, lambda: not hooks.get(endpoint.id, None).is_enabled)

    hooks.change(endpoint.id, None, EndpointChange(enabled=True))
    deliver_until(deliver, lambda: len(receiver.requests) == 4)

    [delivery] = hooks.deliveries(endpoint.id, None, None, None, 10).items
    assert delivery.status.value == "delivered"


def test_events_of_one_comment_arrive_in_order_despite_a_failure(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    _endpoint(hooks, receiver)
    receiver.plan(500)  # the first request (comment A accepted) fails once
    (a,) = submit(moderation, [new_comment()])
    moderation.record_classifications([scores(a.comment_id, spam=0.7)])
    (b,) = submit(moderation, [new_comment()])

    deliver_until(deliver, lambda: len(receiver.events()) == 5)

    delivered = receiver.events()[1:]  # after the failed first attempt
    of_a = [e["type"] for e in delivered if e["data"]["comment"]["id"] == a.comment_id]
    assert of_a == ["comment.accepted", "comment.decided", "comment.entered_queue"]
    assert [e["type"] for e in delivered if e["data"]["comment"]["id"] == b.comment_id] == [
        "comment.accepted"
    ]
    sequences = [e["sequence"] for e in delivered if e["data"]["comment"]["id"] == a.comment_id]
    assert sequences == sorted(sequences)


def test_decided_events_carry_reasons_decider_and_a_statement(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    _endpoint(hooks, receiver, "comment.decided", "comment.left_queue")
    (stored,) = submit(moderation, [new_comment()])
    moderation.record_classifications([scores(stored.comment_id, spam=0.7, version="m-7")])
    moderation.decide(
        stored.comment_id,
        decision=Decision.REJECT,
        actor="mod-ann",
        reason="spam",
        note=None,
        expected_version=None,
    )

    deliver_until(deliver, lambda: len(receiver.events()) == 3)

    model, left, human = receiver.events()
    assert model["type"] == "comment.decided"
    assert model["data"]["comment"]["status"] == "withheld"
    assert model["data"]["reasons"] == ["spam"]
    assert model["data"]["decided_by"] == {"type": "model", "model_version": "m-7"}
    assert "automated means (model m-7)" in model["data"]["statement_of_reasons"]
    assert (left["type"], left["data"]["queue"]) == ("comment.left_queue", "review")
    assert human["data"]["decided_by"] == {"type": "human", "role": "moderator"}
    assert "mod-ann" not in str(human)  # a moderator's name never leaves the service
    assert human["data"]["statement_of_reasons"].startswith("Rejected because its spam score")


def test_nothing_is_sent_for_a_rolled_back_change(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    _endpoint(hooks, receiver, "comment.decided")
    a, b = submit(moderation, [new_comment(), new_comment()])
    pending = moderation.pending([a.comment_id, b.comment_id])  # what a worker read first
    moderation.decide(
        a.comment_id,
        decision=Decision.APPROVE,
        actor="mod-ann",
        reason=None,
        note=None,
        expected_version=None,
    )
    # The batch's verdicts are written together, found partial (A was decided meanwhile),
    # rolled back and written again one by one: A's verdict is never recorded.
    moderation.record_classifications(
        [scores(a.comment_id, spam=0.9), scores(b.comment_id, spam=0.9)], pending
    )

    deliver_until(deliver, lambda: len(receiver.events()) == 2)
    time.sleep(0.2)
    deliver()

    decided = {
        (e["data"]["comment"]["id"], e["data"]["decided_by"]["type"]) for e in receiver.events()
    }
    assert decided == {(a.comment_id, "human"), (b.comment_id, "model")}
    assert len(receiver.requests) == 2


FAILED_ID = "019ad5c0-0000-7000-8000-00000000c001"  # a comment id no comment here has


def test_events_of_a_transaction_that_fails_are_never_sent(
    hooks: Webhooks,
    receiver: Receiver,
    moderation: Moderation,
    deliver: Deliver,
    sessions: sessionmaker[Session],
) -> None:
    _endpoint(hooks, receiver)
    ref = CommentRef(FAILED_ID, "news-site", "a-1", None, 1, 1)
    change = Transition(ref, None, Status.PENDING, [], Decider.SITE, datetime.now(UTC))

    with pytest.raises(RuntimeError):
        _write_then_fail(sessions, change)
    submit(moderation, [new_comment()])
    deliver_until(deliver, lambda: len(receiver.requests) == 1)
    time.sleep(0.2)
    deliver()

    assert len(receiver.requests) == 1
    assert FAILED_ID not in str(receiver.events())


def _write_then_fail(sessions: sessionmaker[Session], change: Transition) -> None:
    with transaction(sessions) as session:
        outbox.record(session, [change], EventType.COMMENT_ACCEPTED)
        raise RuntimeError("the change failed after its event was written")


def test_redelivery_of_one_event_and_of_a_time_range(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    from datetime import timedelta

    from service.domain.webhooks import Redelivery

    endpoint = _endpoint(hooks, receiver)
    submit(moderation, [new_comment(), new_comment()])
    deliver_until(deliver, lambda: len(receiver.requests) == 2)
    first_id = receiver.requests[0].event_id

    assert hooks.redeliver(endpoint.id, None, Redelivery(event_id=first_id)) == 1
    deliver_until(deliver, lambda: len(receiver.requests) == 3)
    assert receiver.requests[2].event_id == first_id

    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    assert hooks.redeliver(endpoint.id, None, Redelivery(since=hour_ago)) == 2
    deliver_until(deliver, lambda: len(receiver.requests) == 5)


def test_a_rotated_secret_signs_beside_the_old_one(
    hooks: Webhooks, receiver: Receiver, moderation: Moderation, deliver: Deliver
) -> None:
    old = _endpoint(hooks, receiver)
    new = hooks.rotate_secret(old.id, None)
    submit(moderation, [new_comment()])

    deliver_until(deliver, lambda: len(receiver.requests) == 1)

    request = receiver.requests[0]
    assert len(request.headers["webhook-signature"].split()) == 2
    Webhook(old.secret).verify(request.body, request.headers)
    Webhook(new.secret).verify(request.body, request.headers)


def test_ping_sends_a_signed_test_event_and_logs_it(hooks: Webhooks, receiver: Receiver) -> None:
    endpoint = _endpoint(hooks, receiver)

    attempt = hooks.ping(endpoint.id, None)

    assert (attempt.status_code, attempt.event_type) == (200, "webhook.ping")
    assert attempt.delivery_id is None
    request = receiver.requests[0]
    assert Webhook(endpoint.secret).verify(request.body, request.headers)["type"] == "webhook.ping"
    assert hooks.attempts(endpoint.id, None, None, 5).items[0].id == attempt.id


def _sample(name: str, **labels: str) -> float:
    return metrics.REGISTRY.get_sample_value(name, labels) or 0.0


def test_deliveries_and_the_backlog_reach_the_metrics(
    hooks: Webhooks,
    receiver: Receiver,
    moderation: Moderation,
    deliver: Deliver,
    webhook_context: WorkerContext,
) -> None:
    assert webhook_context.webhooks is not None
    dispatcher = webhook_context.webhooks.dispatcher
    deliveries, backlog = "commentdesk_webhook_deliveries_total", "commentdesk_outbox_backlog"
    before = {o: _sample(deliveries, outcome=o) for o in ("delivered", "failed")}
    _endpoint(hooks, receiver, "comment.accepted")
    receiver.plan(500)
    submit(moderation, [new_comment()])

    dispatcher.dispatch()
    assert _sample(backlog) == 1
    deliver_until(deliver, lambda: len(receiver.requests) == 2)
    dispatcher.dispatch()

    assert _sample(backlog) == 0
    assert _sample(deliveries, outcome="failed") - before["failed"] == 1
    assert _sample(deliveries, outcome="delivered") - before["delivered"] == 1
