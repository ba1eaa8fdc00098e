"""The webhook routes: who may manage which endpoints, the secret shown once, validation."""

from __future__ import annotations

import dataclasses
import ipaddress
from collections.abc import Callable, Iterator

import pytest
from starlette.testclient import TestClient

from service.domain import Role
from service.http import create_app
from service.settings import Settings
from tests.integration.http.conftest import Headers
from tests.integration.http.contract import ResponseContract

HOOK = "http://127.0.0.1:9/hooks"  # nothing listens: these tests never deliver


@pytest.fixture
def hook_client(app_settings: Settings, contract: ResponseContract) -> Iterator[TestClient]:
    hooks = dataclasses.replace(
        app_settings.webhooks, allowed_networks=(ipaddress.ip_network("127.0.0.0/8"),)
    )
    with TestClient(create_app(dataclasses.replace(app_settings, webhooks=hooks))) as client:
        client.event_hooks = {"request": [], "response": [contract.check]}
        yield client


def test_a_loopback_url_is_refused_unless_allowed(client: TestClient, site: Headers) -> None:
    response = client.post("/v1/webhooks", json={"url": HOOK}, headers=site)

    assert response.status_code == 422
    [error] = response.json()["errors"]
    assert error["pointer"] == "/url"
    assert "loopback" in error["detail"]
    assert "COMMENTDESK_WEBHOOK_ALLOWED_NETWORKS" in error["detail"]


def test_a_site_registers_a_webhook_and_sees_its_secret_once(
    hook_client: TestClient, site: Headers
) -> None:
    created = hook_client.post(
        "/v1/webhooks", json={"url": HOOK, "events": ["comment.decided"]}, headers=site
    )

    assert created.status_code == 201, created.text
    body = created.json()
    assert body["secret"].startswith("whsec_")
    assert (body["site_id"], body["events"], body["enabled"]) == (
        "news-site",
        ["comment.decided"],
        True,
    )
    shown = hook_client.get(created.headers["Location"], headers=site).json()
    assert "secret" not in shown
    assert body["secret"] not in str(shown)
    rotated = hook_client.post(f"/v1/webhooks/{body['id']}/rotate-secret", headers=site).json()
    assert rotated["secret"] != body["secret"]
    assert rotated["previous_secret_until"] is not None


def test_sites_see_only_their_own_webhooks_and_ops_see_all(
    hook_client: TestClient,
    site: Headers,
    ops: Headers,
    moderator: Headers,
    make_key: Callable[[Role, str], Headers],
) -> None:
    other = make_key(Role.SITE, "other-site")
    mine = hook_client.post("/v1/webhooks", json={"url": HOOK}, headers=site).json()
    hook_client.post("/v1/webhooks", json={"url": HOOK}, headers=other)

    assert [w["id"] for w in hook_client.get("/v1/webhooks", headers=site).json()["items"]] == [
        mine["id"]
    ]
    assert hook_client.get(f"/v1/webhooks/{mine['id']}", headers=other).status_code == 404
    assert hook_client.delete(f"/v1/webhooks/{mine['id']}", headers=other).status_code == 404
    assert len(hook_client.get("/v1/webhooks", headers=ops).json()["items"]) == 2
    one_site = hook_client.get("/v1/webhooks?site_id=other-site", headers=ops).json()["items"]
    assert [w["site_id"] for w in one_site] == ["other-site"]
    assert hook_client.get("/v1/webhooks", headers=moderator).status_code == 403
    spoof = hook_client.post(
        "/v1/webhooks", json={"url": HOOK, "site_id": "other-site"}, headers=site
    )
    assert spoof.status_code == 422


def test_ops_register_for_a_named_site(hook_client: TestClient, ops: Headers) -> None:
    missing = hook_client.post("/v1/webhooks", json={"url": HOOK}, headers=ops)
    created = hook_client.post(
        "/v1/webhooks", json={"url": HOOK, "site_id": "news-site"}, headers=ops
    )

    assert missing.status_code == 422
    assert missing.json()["errors"][0]["pointer"] == "/site_id"
    assert created.status_code == 201
    assert created.json()["site_id"] == "news-site"


def test_changing_disabling_and_deleting_a_webhook(hook_client: TestClient, site: Headers) -> None:
    hook = hook_client.post("/v1/webhooks", json={"url": HOOK}, headers=site).json()
    url = f"/v1/webhooks/{hook['id']}"

    bad = hook_client.patch(url, json={"events": ["comment.exploded"]}, headers=site)
    changed = hook_client.patch(url, json={"events": ["comment.deleted"]}, headers=site)
    disabled = hook_client.post(f"{url}/disable", headers=site).json()
    enabled = hook_client.post(f"{url}/enable", headers=site).json()
    deleted = hook_client.delete(url, headers=site)

    assert bad.status_code == 422
    assert bad.json()["errors"][0]["pointer"] == "/events/0"
    assert changed.json()["events"] == ["comment.deleted"]
    assert (disabled["enabled"], disabled["disabled_reason"]) == (False, "disabled by hand")
    assert (enabled["enabled"], enabled["disabled_reason"]) == (True, None)
    assert deleted.status_code == 204
    assert hook_client.get(url, headers=site).status_code == 404


def test_redelivery_needs_one_event_or_a_time_range(hook_client: TestClient, site: Headers) -> None:
    hook = hook_client.post("/v1/webhooks", json={"url": HOOK}, headers=site).json()
    url = f"/v1/webhooks/{hook['id']}/redeliver"

    neither = hook_client.post(url, json={}, headers=site)
    unknown = hook_client.post(url, json={"event_id": "evt_nope"}, headers=site)
    naive = hook_client.post(url, json={"since": "2026-01-01T00:00:00"}, headers=site)
    window = hook_client.post(url, json={"since": "2026-01-01T00:00:00Z"}, headers=site)

    assert neither.status_code == 422
    assert unknown.status_code == 404
    assert naive.json()["errors"][0]["pointer"] == "/since"
    assert window.json() == {"webhook_id": hook["id"], "redelivering": 0}
