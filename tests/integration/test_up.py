"""`commentdesk up`, the README's run command, as a newcomer would use it: one process tree,
embedded Valkey and SQLite, a comment in, a decision out, Ctrl-C stops everything."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

START_TIMEOUT = 120.0
KEY_LINE = re.compile(r"^\s+(site|moderator|ops)\s+(cdk_\S+)$")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def call(url: str, key: str, body: dict[str, Any] | None = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, method="POST" if data else "GET")
    request.add_header("Authorization", f"Bearer {key}")
    request.add_header("Content-Type", "application/json")
    with urllib.request.urlopen(request, timeout=10) as response:
        return response.status, json.loads(response.read())


@pytest.fixture
def running_up(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[str], str, dict[str, str]]]:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(COMMENTDESK_SWEEP_INTERVAL_SECONDS="1", COMMENTDESK_MODEL_POLL_SECONDS="1")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "commentdesk",
            "up",
            "--data-dir",
            str(tmp_path / "data"),
            "--port",
            str(port),
            "--workers",
            "1",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        keys = read_until_running(process)
        # Keep reading, or the children's logs would fill the pipe and block them.
        drain = threading.Thread(target=process.stdout.read, daemon=True)  # type: ignore[union-attr]
        drain.start()
        yield process, f"http://127.0.0.1:{port}", keys
    finally:
        if process.poll() is None:
            process.kill()
        process.wait(timeout=10)
        if process.stdout is not None:
            process.stdout.close()


def read_until_running(process: subprocess.Popen[str]) -> dict[str, str]:
    assert process.stdout is not None
    keys: dict[str, str] = {}
    deadline = time.monotonic() + START_TIMEOUT
    seen: list[str] = []
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            raise AssertionError("commentdesk up ended early:\n" + "".join(seen))
        seen.append(line)
        if match := KEY_LINE.match(line.rstrip("\n")):
            keys[match.group(1)] = match.group(2)
        if line.startswith("try: curl"):
            return keys
    raise AssertionError("commentdesk up did not start in time:\n" + "".join(seen))


def test_up_runs_everything_and_stops_cleanly(
    running_up: tuple[subprocess.Popen[str], str, dict[str, str]],
) -> None:
    process, url, keys = running_up
    assert set(keys) == {"site", "moderator", "ops"}
    status, created = call(
        f"{url}/v1/comments",
        keys["site"],
        {
            "article_id": "a1",
            "author": {"id": "u1", "display_name": "Ann"},
            "body": "Solid reporting on the ETF flows, thanks.",
        },
    )
    assert status == 202
    decided = wait_for_decision(url, keys["site"], created["id"])
    assert decided["status"] in {"approved", "withheld", "rejected", "spam"}
    with urllib.request.urlopen(f"{url}/ui/login", timeout=10) as page:  # the workspace is up too
        assert page.status == 200
        assert 'name="password"' in page.read().decode()
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/healthz", timeout=2)


def wait_for_decision(url: str, key: str, comment_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        _, comment = call(f"{url}/v1/comments/{comment_id}", key)
        if comment["status"] != "pending":
            return dict(comment)
        time.sleep(0.2)
    raise AssertionError(f"comment {comment_id} was not decided in time")
