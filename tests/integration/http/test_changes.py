"""GET /v1/changes: a site's events in commit order from a durable cursor."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.clock import utcnow
from service.domain import Role
from service.moderation import Moderation
from service.outbox import Outbox
from service.settings import Settings
from tests.integration.http.conftest import Headers, classify, post_comment


def test_the_feed_catches_up_from_a_cursor_after_downtime(
    client: TestClient, site: Headers, moderation: Moderation
) -> None:
    first = [post_comment(client, site) for _ in range(3)]
    page = client.get("/v1/changes", headers=site).json()
    assert [e["data"]["comment"]["id"] for e in page["items"]] == first
    assert [e["type"] for e in page["items"]] == ["comment.accepted"] * 3
    cursor = page["next_cursor"]

    # The site is down while these happen.
    later = [post_comment(client, site) for _ in range(2)]
    classify(moderation, first[0], spam=0.9)

    seen: list[tuple[str, str]] = []
    while True:
        page = client.get(f"/v1/changes?cursor={cursor}&limit=2", headers=site).json()
        seen += [(e["type"], e["data"]["comment"]["id"]) for e in page["items"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break

    assert seen == [
        ("comment.accepted", later[0]),
        ("comment.accepted", later[1]),
        ("comment.decided", first[0]),
        ("comment.entered_queue", first[0]),
    ]
    again = client.get(f"/v1/changes?cursor={cursor}", headers=site).json()
    assert (again["items"], again["next_cursor"]) == ([], cursor)


def test_the_feed_shows_a_site_only_its_own_events(
    client: TestClient, site: Headers, make_key: Callable[[Role, str], Headers]
) -> None:
    other = make_key(Role.SITE, "other-site")
    post_comment(client, site)
    theirs = post_comment(client, other)

    items = client.get("/v1/changes", headers=other).json()["items"]

    assert [e["data"]["comment"]["id"] for e in items] == [theirs]
    assert {e["site_id"] for e in items} == {"other-site"}


def test_a_forged_cursor_is_a_422_and_a_purged_one_a_410(
    client: TestClient,
    site: Headers,
    sessions: sessionmaker[Session],
    app_settings: Settings,
) -> None:
    post_comment(client, site)
    cursor = client.get("/v1/changes", headers=site).json()["next_cursor"]
    start = client.get("/v1/changes?limit=1", headers=site).json()
    forged = client.get("/v1/changes?cursor=bm9wZQ", headers=site)
    post_comment(client, site)

    later = utcnow() + timedelta(days=app_settings.outbox_retention_days + 1)
    outbox = Outbox(sessions, app_settings, clock=lambda: later)
    assert outbox.purge() == 2

    assert forged.status_code == 422
    assert forged.json()["errors"][0]["pointer"] == "/query/cursor"
    expired = client.get(f"/v1/changes?cursor={start['next_cursor']}", headers=site)
    assert expired.status_code == 410
    assert expired.json()["code"] == "cursor-expired"
    assert client.get(f"/v1/changes?cursor={cursor}", headers=site).status_code == 410
    fresh = client.get("/v1/changes", headers=site)
    assert fresh.status_code == 200
    assert fresh.json()["items"] == []
