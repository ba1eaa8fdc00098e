from __future__ import annotations

import dataclasses

from redis import Redis
from starlette.testclient import TestClient

from service.heartbeat import announce_model
from service.http import create_app
from service.lifecycle import Lifecycle
from service.moderation import Moderation
from service.settings import Settings
from tests.integration.http.conftest import Headers, comment_payload
from tests.integration.http.test_ops import model_version


def test_healthz_answers_without_auth(client: TestClient) -> None:
    response = client.get("/healthz")
    assert (response.status_code, response.json()) == (200, {"status": "ok"})


def test_readyz_is_503_naming_missing_champion_and_worker(client: TestClient) -> None:
    response = client.get("/readyz")

    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["code"] == "not-ready"
    assert "champion" in body["detail"]
    assert "workers" in body["detail"]
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["redis"] == {"ok": True}
    assert body["checks"]["workers"]["ok"] is False


def test_readyz_is_200_with_a_champion_and_a_worker_heartbeat(
    client: TestClient, moderation: Moderation, redis: Redis
) -> None:
    Lifecycle(moderation.sessions).register(model_version("m-ready"), champion_if_unset=True)
    announce_model(redis, "worker-1", "m-ready")

    response = client.get("/readyz")

    assert response.status_code == 200
    checks = response.json()["checks"]
    assert checks["champion"] == {"ok": True, "version": "m-ready"}
    assert checks["workers"] == {"ok": True, "loaded": {"worker-1": "m-ready"}}


def test_app_without_redis_accepts_comments_and_is_not_ready(
    settings: Settings, site: Headers
) -> None:
    with TestClient(create_app(dataclasses.replace(settings, redis_url=None))) as client:
        accepted = client.post("/v1/comments", json=comment_payload(), headers=site)
        ready = client.get("/readyz")

    assert accepted.status_code == 202
    assert ready.status_code == 503
    assert "redis" in ready.json()["detail"]
