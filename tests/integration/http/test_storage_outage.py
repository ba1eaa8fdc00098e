"""Issue 9, defect 5: with the database unreachable, every path that needs it answers a plain
503 problem (never a 500), without quoting hosts, ports or SQL."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from starlette.testclient import TestClient

from service.http import create_app
from service.settings import Settings
from tests.integration.http.conftest import checked
from tests.integration.http.contract import ResponseContract, document_for


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])  # nothing listens once the socket is closed


@pytest.fixture
def stopped_db_client(tmp_path: Path) -> Iterator[TestClient]:
    url = f"postgresql://postgres@127.0.0.1:{closed_port()}/gone?connect_timeout=2"
    settings = Settings(data_dir=tmp_path, database_url=url)
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        yield checked(client, ResponseContract(document_for(settings)))


def assert_plain_503(response: object) -> None:
    status = getattr(response, "status_code", None)
    text = getattr(response, "text", "")
    assert status == 503, text
    body = response.json()  # type: ignore[attr-defined]
    assert body["code"] == "storage-unavailable"
    assert "127.0.0.1" not in text
    assert "connection" not in body["detail"].lower()
    assert "select" not in text.lower()


def test_an_uncached_api_key_is_a_503_when_the_database_is_down(
    stopped_db_client: TestClient,
) -> None:
    response = stopped_db_client.get(
        "/v1/queues", headers={"Authorization": "Bearer cdk_not-cached"}
    )
    assert_plain_503(response)


def test_a_session_cookie_is_a_503_when_the_database_is_down(
    stopped_db_client: TestClient,
) -> None:
    stopped_db_client.cookies.set("cd_session", "some-token")
    assert_plain_503(stopped_db_client.get("/v1/queues"))
    assert_plain_503(stopped_db_client.get("/ui/"))


def test_signing_in_is_a_503_when_the_database_is_down(stopped_db_client: TestClient) -> None:
    form = stopped_db_client.get("/ui/login")
    token = form.cookies.get("cd_login_csrf") or stopped_db_client.cookies.get("cd_login_csrf")
    response = stopped_db_client.post(
        "/ui/login",
        data={"username": "ann", "password": "x" * 12, "csrf": token or "", "next": "/ui/"},
    )
    assert response.status_code == 503, response.text


def test_readyz_names_the_database_without_leaking_its_address(
    stopped_db_client: TestClient,
) -> None:
    response = stopped_db_client.get("/readyz")
    assert response.status_code == 503
    assert "127.0.0.1" not in response.text
    assert response.json()["checks"]["database"]["ok"] is False


def test_readyz_is_not_ready_while_sqlite_refuses_writes(
    tmp_path: Path, sqlite_template: Path, test_redis_url: str
) -> None:
    import shutil

    path = tmp_path / "commentdesk.db"
    shutil.copy(sqlite_template, path)
    from tests.integration.http.conftest import comment_payload, make_site_key

    headers = make_site_key(f"sqlite:///{path}")
    # Opened read-only: reads answer, every write is refused, like a full disk or a read-only
    # directory.
    settings = Settings(
        data_dir=tmp_path, database_url=f"sqlite:///file:{path}?mode=ro&uri=true",
        redis_url=test_redis_url,
    )  # fmt: skip
    contract = ResponseContract(document_for(settings))
    with TestClient(create_app(settings), raise_server_exceptions=False) as client:
        checked(client, contract)
        response = client.post("/v1/comments", json=comment_payload(), headers=headers)
        assert_plain_503(response)
        ready = client.get("/readyz")
        assert ready.status_code == 503
        assert ready.json()["checks"]["database"] == {
            "ok": False,
            "detail": "the database answers but refuses writes",
        }


def test_log_lines_of_a_request_carry_its_trace_id(stopped_db_client: TestClient) -> None:
    import io
    import json
    import logging

    from service.logs import JsonFormatter, TraceIdFilter

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(TraceIdFilter())
    handler.setFormatter(JsonFormatter())
    logger = logging.getLogger("service.http.problems")
    logger.addHandler(handler)
    try:
        response = stopped_db_client.get("/v1/queues", headers={"Authorization": "Bearer x"})
    finally:
        logger.removeHandler(handler)
    lines = [json.loads(line) for line in stream.getvalue().splitlines()]
    assert lines, "the 503 was not logged"
    assert {line["trace_id"] for line in lines} == {response.headers["x-trace-id"]}
