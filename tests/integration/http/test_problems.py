from __future__ import annotations

import logging
from typing import Any

import pytest
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.testclient import TestClient

from service.http import create_app
from service.settings import Settings
from tests.integration.http.conftest import Headers, comment_payload

PROBLEM_FIELDS = {"type", "title", "status", "detail", "instance", "code", "trace_id"}


def assert_problem(response: Any, status: int, code: str) -> dict[str, Any]:
    """The response is an RFC 9457 problem with our extension members."""
    assert response.status_code == status
    assert response.headers["content-type"] == "application/problem+json"
    body: dict[str, Any] = response.json()
    assert set(body) >= PROBLEM_FIELDS
    assert body["status"] == status
    assert body["code"] == code
    assert body["type"] == f"https://commentdesk.dev/problems/{code}"
    assert body["instance"] == response.request.url.path
    assert body["trace_id"] == response.headers["x-trace-id"]
    return body


def test_problem_401_asks_for_a_bearer_key(client: TestClient) -> None:
    response = client.get("/v1/queues")
    assert_problem(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"].startswith("Bearer")


def test_problem_401_for_a_non_bearer_scheme(client: TestClient) -> None:
    response = client.get("/v1/queues", headers={"Authorization": "Basic dTpw"})
    assert_problem(response, 401, "unauthenticated")


def test_problem_403_names_the_role(client: TestClient, site: Headers) -> None:
    body = assert_problem(client.get("/v1/queues", headers=site), 403, "forbidden")
    assert "moderator" in body["detail"]


def test_problem_404_for_unknown_route_and_unknown_comment(
    client: TestClient, site: Headers
) -> None:
    assert_problem(client.get("/v2/nothing"), 404, "not-found")
    assert_problem(client.get("/v1/comments/missing", headers=site), 404, "not-found")


def test_problem_405_lists_allowed_methods(client: TestClient, site: Headers) -> None:
    response = client.delete("/v1/comments", headers=site)
    assert_problem(response, 405, "method-not-allowed")
    assert response.headers["allow"] == "POST"


def test_problem_409_for_a_reused_idempotency_key(client: TestClient, site: Headers) -> None:
    headers = {**site, "Idempotency-Key": "k-409"}
    client.post("/v1/comments", json=comment_payload(), headers=headers)
    response = client.post("/v1/comments", json=comment_payload(), headers=headers)
    assert_problem(response, 409, "idempotency-key-reused")


def test_problem_413_for_an_oversized_body(client: TestClient, site: Headers) -> None:
    headers = {**site, "Content-Type": "application/json"}
    response = client.post("/v1/comments", content=b"x" * 5000, headers=headers)
    assert_problem(response, 413, "payload-too-large")


def test_problem_422_lists_errors_with_pointers(client: TestClient, site: Headers) -> None:
    body = assert_problem(
        client.post("/v1/comments", json={"body": "x"}, headers=site), 422, "validation-failed"
    )
    assert {"pointer": "/article_id", "detail": "is required"} in body["errors"]


def test_problem_500_says_only_the_trace_id_and_logs_the_traceback(
    app_settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    async def explode(_request: Request) -> Response:
        raise RuntimeError("secret internals")

    app = create_app(app_settings)
    app.router.routes.append(Route("/boom", explode))
    with caplog.at_level(logging.ERROR), TestClient(app) as client:
        response = client.get("/boom")

    body = assert_problem(response, 500, "internal-error")
    assert "secret" not in response.text
    assert body["trace_id"] in body["detail"]
    [record] = [r for r in caplog.records if r.exc_info]
    assert body["trace_id"] in record.getMessage()
    assert record.exc_info is not None
    assert "secret internals" in str(record.exc_info[1])


def test_trace_id_is_on_every_response_and_taken_from_a_sane_request_header(
    client: TestClient,
) -> None:
    assert len(client.get("/healthz").headers["x-trace-id"]) == 16
    echoed = client.get("/healthz", headers={"X-Trace-Id": "edge-proxy-1234"})
    assert echoed.headers["x-trace-id"] == "edge-proxy-1234"
    forged = client.get("/healthz", headers={"X-Trace-Id": "bad id\twith spaces"})
    assert forged.headers["x-trace-id"] != "bad id\twith spaces"
