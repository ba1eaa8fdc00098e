"""Redis servers and Sentinels that a test starts and stops itself, on free loopback ports."""

from __future__ import annotations

import dataclasses
import shutil
import socket
import subprocess
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from redis import Redis
from redis.exceptions import RedisError

REDIS_SERVER = shutil.which("redis-server")
needs_redis_server = pytest.mark.skipif(
    REDIS_SERVER is None, reason="redis-server is not installed"
)
SENTINEL_MASTER = "mymaster"


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclasses.dataclass
class Server:
    """A redis-server process (a Redis or a Sentinel) owned by the test."""

    process: subprocess.Popen[bytes]
    port: int

    def client(self, db: int = 0) -> Redis:
        return Redis(port=self.port, db=db, socket_connect_timeout=1, socket_timeout=5)

    def stop(self) -> None:
        """Kill it: nothing it holds is kept, and a master would wait for its replicas."""
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=10)


def start_redis(directory: Path, *args: str) -> Server:
    """A Redis without persistence, working in ``directory``."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    command = [str(REDIS_SERVER), "--port", str(port), "--bind", "127.0.0.1", "--save", ""]
    # No diskless-sync delay: a replica is in sync in milliseconds instead of five seconds.
    command += ["--appendonly", "no", "--repl-diskless-sync-delay", "0"]
    command += ["--dir", str(directory), *args]
    return _started(command, directory, port)


def start_sentinel(directory: Path, master_port: int) -> Server:
    """A Sentinel monitoring the master on ``master_port`` as ``mymaster``, quorum 1."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    config = directory / "sentinel.conf"  # a Sentinel rewrites its config file: one per test
    config.write_text(
        f"port {port}\nbind 127.0.0.1\ndir {directory}\n"
        f"sentinel monitor {SENTINEL_MASTER} 127.0.0.1 {master_port} 1\n"
        f"sentinel down-after-milliseconds {SENTINEL_MASTER} 1000\n"
        f"sentinel failover-timeout {SENTINEL_MASTER} 10000\n"
    )
    return _started([str(REDIS_SERVER), str(config), "--sentinel"], directory, port)


def wait_for(check: Callable[[], bool], what: str, timeout: float = 20.0) -> None:
    """Poll ``check`` until it holds; fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except RedisError:
            pass
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f}s waiting for {what}")


def _started(command: list[str], directory: Path, port: int) -> Server:
    log = (directory / f"server-{port}.log").open("wb")
    server = Server(subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT), port)
    log.close()
    client = server.client()
    try:
        wait_for(lambda: bool(client.ping()), f"redis-server on port {port}", timeout=10)
    except AssertionError:
        server.stop()
        raise
    finally:
        client.close()
    return server
