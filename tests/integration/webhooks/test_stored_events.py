"""What sites receive does not depend on how the outbox stores an event (issue 10).

The golden path is the code before 0017: the payload stored whole (a JSON round trip) and read
back as it was. Every kind of event, stored packed and stored whole (a row written before 0017),
must give the same webhook body byte for byte, and the same change feed item.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime

import msgspec
import pytest
from sqlalchemy import insert, select
from sqlalchemy.orm import Session, sessionmaker

from service.domain.changes import OutboxEvent
from service.domain.webhooks import Redelivery
from service.errors import NotFoundError
from service.http import integration_render
from service.models import OUTBOX, OutboxRow
from service.outbox import Outbox
from service.settings import Settings
from service.store import outbox, webhooks
from service.transaction import transaction
from service.webhooks.endpoints import Webhooks
from service.webhooks.payload import body_of
from tests.outbox_events import SITE, every_kind


def _as_before(event: OutboxEvent, sequence: int) -> tuple[bytes, bytes]:
    """The webhook body and the feed item as the code before 0017 made them."""
    stored = dataclasses.replace(event, data=json.loads(json.dumps(dict(event.data))))
    return body_of(stored, sequence), _feed_item(stored, sequence)


def _feed_item(event: OutboxEvent, sequence: int) -> bytes:
    return msgspec.json.encode(integration_render.event((event, sequence)))


def _store_whole(session: Session, events: list[OutboxEvent]) -> None:
    """Rows as they were before 0017 (and as 0017 keeps a payload it cannot pack)."""
    rows = [
        {
            "event_id": bytes.fromhex(e.event_id.removeprefix("evt_")),
            "site_id": e.site_id,
            "kind": e.type.value,
            "comment_id": e.comment_id,
            "packed": dict(e.data),
            "created_at": e.created_at,
            "seq": None,
        }
        for e in events
    ]
    session.execute(insert(OUTBOX), rows)


@pytest.mark.parametrize("shape", ["packed", "whole"])
def test_every_kind_of_event_reaches_sites_as_before(
    shape: str, sessions: sessionmaker[Session], settings: Settings, hooks: Webhooks
) -> None:
    endpoint = hooks.create("news-site", "http://127.0.0.1:9/h", events=(), description=None,
                            actor="test")  # fmt: skip
    events = every_kind()
    with transaction(sessions) as session:
        if shape == "packed":
            outbox.add_events(session, events)
        else:
            _store_whole(session, events)
    box = Outbox(sessions, settings)
    box.sequence()

    feed = box.feed(SITE, None, 100)
    with transaction(sessions) as session:
        deliveries = webhooks.list_deliveries(session, endpoint.id, None, None, 100).items

    sequence = {e.event_id: s for e, s in feed.items}
    assert [e.event_id for e, _ in feed.items] == [e.event_id for e in events]
    by_id = {d.event.event_id: d for d in deliveries}
    for event in events:
        body, _ = _as_before(event, sequence[event.event_id])
        delivery = by_id[event.event_id]
        assert body_of(delivery.event, delivery.sequence) == body, event.type
    for (event, seq), original in zip(feed.items, events, strict=True):
        assert _feed_item(event, seq) == _as_before(original, seq)[1], event.type


def test_an_event_is_stored_in_fewer_bytes(sessions: sessionmaker[Session]) -> None:
    events = every_kind()
    with transaction(sessions) as session:
        outbox.add_events(session, events)
    with transaction(sessions) as session:
        rows = session.scalars(select(OutboxRow).order_by(OutboxRow.id)).all()
        stored = [(bytes(r.event_id), r.packed) for r in rows]

    for (event_id, payload), event in zip(stored, events, strict=True):
        assert event_id == bytes.fromhex(event.event_id.removeprefix("evt_"))
        assert "id" not in payload.get("comment", {}), event.type
    packed = sum(len(json.dumps(p)) for _, p in stored)
    assert packed < 0.85 * sum(len(json.dumps(dict(e.data))) for e in events)


def test_redelivery_finds_an_event_by_its_id(
    sessions: sessionmaker[Session], settings: Settings, hooks: Webhooks
) -> None:
    endpoint = hooks.create("news-site", "http://127.0.0.1:9/h", events=(), description=None,
                            actor="test")  # fmt: skip
    events = every_kind()
    with transaction(sessions) as session:
        outbox.add_events(session, events)
    Outbox(sessions, settings).sequence()
    now = datetime.now(UTC)

    with transaction(sessions) as session:
        row = webhooks.endpoint_row(session, endpoint.id, None)
        found = webhooks.redeliver(session, row, Redelivery(event_id=events[3].event_id), now)
        for unknown in ("evt_nope", "evt_" + "0" * 32, events[3].event_id.upper()):
            with pytest.raises(NotFoundError):
                webhooks.redeliver(session, row, Redelivery(event_id=unknown), now)

    assert found == 1
