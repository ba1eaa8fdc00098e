"""GET /v1/events and GET /v1/stats: who may call them and what they refuse."""

from __future__ import annotations

import dataclasses

import pytest
from starlette.testclient import TestClient

from service.http import create_app
from service.settings import Settings
from tests.integration.http.conftest import Headers


def test_events_need_a_key(client: TestClient) -> None:
    response = client.get("/v1/events")
    assert response.status_code == 401
    assert response.json()["code"] == "unauthenticated"


def test_events_refuse_a_site_key(client: TestClient, site: Headers) -> None:
    response = client.get("/v1/events", headers=site)
    assert response.status_code == 403
    assert response.json()["code"] == "forbidden"


def test_events_without_redis_are_unavailable(app_settings: Settings, moderator: Headers) -> None:
    settings = dataclasses.replace(app_settings, redis_url=None)
    with TestClient(create_app(settings)) as client:
        response = client.get("/v1/events", headers=moderator)
    assert response.status_code == 503
    assert response.json()["code"] == "service-unavailable"


@pytest.mark.parametrize("hours", ["0", "721", "two"])
def test_stats_hours_out_of_range_are_refused(client: TestClient, ops: Headers, hours: str) -> None:
    response = client.get(f"/v1/stats?hours={hours}", headers=ops)
    assert response.status_code == 422
    assert response.json()["errors"][0]["pointer"] == "/query/hours"


def test_stats_are_for_ops_only(client: TestClient, moderator: Headers) -> None:
    assert client.get("/v1/stats", headers=moderator).status_code == 403


def test_stats_default_to_24_hours(client: TestClient, ops: Headers) -> None:
    response = client.get("/v1/stats", headers=ops)
    assert response.status_code == 200
    body = response.json()
    assert len(body["hours"]) == 24
    assert body["since"] == body["hours"][0]["hour"]
    assert body["since"].endswith(":00:00Z")
    assert body["time_to_decision_seconds"] == {"p50": None, "p90": None, "count": 0}
    assert body["per_moderator"] == []
    assert client.get("/v1/stats?hours=720", headers=ops).json()["hours"][-1]["human"] == 0
