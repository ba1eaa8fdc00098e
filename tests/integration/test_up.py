"""`commentdesk up`, the README's run command, as a newcomer would use it: one process tree,
embedded Valkey and SQLite, a comment in, a decision out, Ctrl-C stops everything."""

from __future__ import annotations

import dataclasses
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
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from prometheus_client.parser import text_string_to_metric_families

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


@dataclasses.dataclass
class Up:
    """A running `commentdesk up`: its process, URL, first keys and everything it printed."""

    process: subprocess.Popen[str]
    url: str
    keys: dict[str, str]
    lines: list[str]
    data_dir: Path

    def printed(self, text: str) -> bool:
        return any(text in line for line in list(self.lines))


def start_up(data_dir: Path, port: int) -> subprocess.Popen[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL"}}
    env.update(COMMENTDESK_SWEEP_INTERVAL_SECONDS="1", COMMENTDESK_MODEL_POLL_SECONDS="1")
    command = [sys.executable, "-m", "commentdesk", "up", "--data-dir", str(data_dir),
               "--port", str(port), "--workers", "1"]  # fmt: skip
    return subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )


@pytest.fixture
def up(tmp_path: Path) -> Iterator[Up]:
    port = free_port()
    data_dir = tmp_path / "data"
    process = start_up(data_dir, port)
    lines: list[str] = []
    try:
        keys = read_until_running(process, lines)
        # Keep reading, or the children's logs would fill the pipe and block them.
        drain = threading.Thread(target=_collect, args=(process, lines), daemon=True)
        drain.start()
        yield Up(process, f"http://127.0.0.1:{port}", keys, lines, data_dir)
    finally:
        stop_up(process)
        if process.stdout is not None:
            process.stdout.close()


def stop_up(process: subprocess.Popen[str]) -> None:
    """Ctrl-C, so `up` stops its children (its embedded Valkey would outlive a SIGKILL)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            process.kill()
    process.wait(timeout=10)


def _collect(process: subprocess.Popen[str], lines: list[str]) -> None:
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line)


def read_until_running(process: subprocess.Popen[str], seen: list[str]) -> dict[str, str]:
    assert process.stdout is not None
    keys: dict[str, str] = {}
    deadline = time.monotonic() + START_TIMEOUT
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


def test_up_runs_everything_and_stops_cleanly(up: Up) -> None:
    process, url, keys = up.process, up.url, up.keys
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
    # The API's /metrics adds up what every process counted (PROMETHEUS_MULTIPROC_DIR). The
    # worker times its batch after the verdict is committed, so the decision can be visible a
    # moment before the batch is counted.
    batch = ("commentdesk_worker_batch_seconds_count", None, None)
    eventually(lambda: counted_metrics(url).get(batch, 0) >= 1, 30, "the worker's batch counted")
    counted = counted_metrics(url)
    assert counted[("commentdesk_decisions_total", "system", decided["status"])] == 1
    assert ("commentdesk_worker_model_info", None, None) in counted
    with urllib.request.urlopen(f"{url}/ui/login", timeout=10) as page:  # the workspace is up too
        assert page.status == 200
        assert 'name="password"' in page.read().decode()
        assert "script-src 'self'" in page.headers["Content-Security-Policy"]
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=60) == 0
    with pytest.raises(urllib.error.URLError):
        urllib.request.urlopen(f"{url}/healthz", timeout=2)


def counted_metrics(url: str) -> dict[tuple[str, str | None, str | None], float]:
    """Every sample of the API's /metrics by (name, source label, status label)."""
    with urllib.request.urlopen(f"{url}/metrics", timeout=10) as response:
        families = text_string_to_metric_families(response.read().decode())
        return {
            (s.name, s.labels.get("source"), s.labels.get("status")): s.value
            for family in families
            for s in family.samples
        }


def wait_for_decision(url: str, key: str, comment_id: str) -> dict[str, Any]:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        _, comment = call(f"{url}/v1/comments/{comment_id}", key)
        if comment["status"] != "pending":
            return dict(comment)
        time.sleep(0.2)
    raise AssertionError(f"comment {comment_id} was not decided in time")


def comment(url: str, key: str) -> str:
    body = {"article_id": "a1", "author": {"id": "u1", "display_name": "Ann"},
            "body": "Solid reporting on the ETF flows, thanks."}  # fmt: skip
    status, created = call(f"{url}/v1/comments", key, body)
    assert status == 202
    return str(created["id"])


def eventually(check: Callable[[], bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not after {timeout:.0f}s")
        time.sleep(0.2)


def test_up_restarts_what_dies_and_owns_its_data_dir(up: Up, tmp_path: Path) -> None:
    # Issue 9, defect 3: a second `up` on the same data directory is refused, untouched.
    second = start_up(up.data_dir, free_port())
    out, _ = second.communicate(timeout=60)
    assert second.returncode == 1
    assert "another `commentdesk up`" in out
    assert (up.data_dir / "valkey" / "url").is_file()

    # The embedded Valkey is killed: `up` starts it again on its port, and keeps serving.
    pid_line = next(line for line in up.lines if "embedded Valkey, pid" in line)
    valkey_pid = int(re.findall(r"pid (\d+)", pid_line)[0])
    os.kill(valkey_pid, signal.SIGKILL)
    eventually(lambda: up.printed("the embedded Valkey is back"), 30, "Valkey restarted")
    assert up.process.poll() is None
    decided = wait_for_decision(up.url, up.keys["site"], comment(up.url, up.keys["site"]))
    assert decided["status"] != "pending"

    # A worker is killed: `up` starts it again; comments keep being decided.
    worker_pid = child_pid(up.process.pid, "worker-")
    os.kill(worker_pid, signal.SIGKILL)
    eventually(lambda: up.printed("exited with status -9; starting it again"), 10, "restart")
    decided = wait_for_decision(up.url, up.keys["site"], comment(up.url, up.keys["site"]))
    assert decided["status"] != "pending"
    assert up.process.poll() is None


def child_pid(parent: int, name_part: str) -> int:
    """The pid of the child of ``parent`` whose command line contains ``name_part``."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if int(stat[1]) == parent and name_part in cmdline:
            return int(entry.name)
    raise AssertionError(f"no child of {parent} runs {name_part!r}")
