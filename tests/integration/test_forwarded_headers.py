"""Issue 9, defect 8: X-Forwarded-For is believed only from the proxies named in settings."""

from __future__ import annotations

import dataclasses
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import uvicorn

from commentdesk.server import server_options
from service.settings import Settings


async def echo_client(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    host = (scope.get("client") or ("none", 0))[0]
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": host.encode()})


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def serving(settings: Settings) -> Iterator[str]:
    options = server_options(dataclasses.replace(settings, port=free_port()))
    server = uvicorn.Server(uvicorn.Config(echo_client, lifespan="off", **options))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{options['port']}/"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


def client_address(url: str) -> str:
    request = urllib.request.Request(url, headers={"X-Forwarded-For": "203.0.113.66"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return str(response.read().decode())


def test_a_local_process_cannot_pose_as_another_address() -> None:
    with serving(Settings()) as url:
        assert client_address(url) == "127.0.0.1"


@pytest.mark.parametrize("trusted", ["127.0.0.1", "127.0.0.0/8"])
def test_a_named_proxy_is_believed(trusted: str) -> None:
    with serving(Settings(forwarded_allow_ips=trusted)) as url:
        assert client_address(url) == "203.0.113.66"
