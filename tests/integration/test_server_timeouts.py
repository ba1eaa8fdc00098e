"""Issue 9, defect 6: requests that never finish arriving are answered and closed, and HTTP
uvicorn cannot parse is a problem+json 400. Against the real `commentdesk api` process."""

from __future__ import annotations

import json
import socket
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from service.domain import Role
from tests.integration.http.conftest import Headers
from tests.integration.http.conftest import make_key as make_key  # a fixture, shared
from tests.integration.http.test_events_stream import start_api, stop_api

TIMEOUT = 1.0  # COMMENTDESK_REQUEST_TIMEOUT_SECONDS for these tests


@pytest.fixture
def api(database_url: str, test_redis_url: str, tmp_path: Path) -> Iterator[tuple[str, int]]:
    url, process = start_api(
        database_url, test_redis_url, tmp_path, COMMENTDESK_REQUEST_TIMEOUT_SECONDS=str(TIMEOUT)
    )
    try:
        yield url, int(url.rsplit(":", 1)[1])
    finally:
        stop_api(process)


def exchange(port: int, parts: list[bytes], pause: float = 0.0, wait: float = 10.0) -> bytes:
    """Send ``parts`` (``pause`` s apart) and read until the server closes; what it answered."""
    with socket.create_connection(("127.0.0.1", port), timeout=wait) as sock:
        for part in parts:
            try:
                sock.sendall(part)
            except OSError:
                break  # closed on us: read what it said
            time.sleep(pause)
        answer = b""
        while not _is_complete(answer) and (chunk := sock.recv(65536)):
            answer += chunk
        return answer


def _is_complete(answer: bytes) -> bool:
    head, found, body = answer.partition(b"\r\n\r\n")
    if not found:
        return False
    length = [line for line in head.lower().split(b"\r\n") if line.startswith(b"content-length")]
    return bool(length) and len(body) >= int(length[0].split(b":")[1])


def problem(answer: bytes) -> tuple[int, str, dict[str, object]]:
    head, _, body = answer.partition(b"\r\n\r\n")
    lines = head.decode().split("\r\n")
    headers = dict(line.lower().split(": ", 1) for line in lines[1:])
    return int(lines[0].split()[1]), headers["content-type"], json.loads(body)


def test_an_unparseable_content_length_is_a_problem_400(api: tuple[str, int]) -> None:
    _, port = api
    answer = exchange(
        port, [b"POST /v1/comments HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n"]
    )
    status, content_type, body = problem(answer)
    assert (status, content_type, body["code"]) == (400, "application/problem+json",
                                                   "malformed-request")  # fmt: skip


def test_trickled_headers_get_a_408_and_the_connection_closed(api: tuple[str, int]) -> None:
    _, port = api
    started = time.monotonic()
    trickle = [b"GET /healthz HTTP/1.1\r\n"] + [b"X-Slow: 1\r\n"] * 30
    answer = exchange(port, trickle, pause=0.2)
    assert problem(answer)[0] == 408
    assert time.monotonic() - started < TIMEOUT + 2


def test_a_silent_connection_is_closed(api: tuple[str, int]) -> None:
    _, port = api
    started = time.monotonic()
    answer = exchange(port, [])
    assert problem(answer)[0] == 408
    assert time.monotonic() - started < TIMEOUT + 2


def test_a_body_shorter_than_its_content_length_gets_a_408(
    api: tuple[str, int], make_key: Callable[[Role, str], Headers]
) -> None:
    _, port = api
    key = make_key(Role.SITE, "news-site")["Authorization"]
    head = (f"POST /v1/comments HTTP/1.1\r\nHost: x\r\nAuthorization: {key}\r\n"
            "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n")  # fmt: skip
    started = time.monotonic()
    answer = exchange(port, [head.encode() + b'{"body": "x"'])
    status, _, body = problem(answer)
    assert (status, body["code"]) == (408, "request-timeout")
    assert time.monotonic() - started < TIMEOUT + 3
