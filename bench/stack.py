"""The Comment Desk service started the way users start it: migrate, create-key, api, workers."""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping
from pathlib import Path

from bench.children import Child, Children, free_port, run_command, wait_ready

READY_TIMEOUT_S = 120.0
NEVER_REFUSE = "1000000000/1"  # every bucket is checked and charged, none ever runs dry
COMMAND_TIMEOUT_S = 180.0
CLI = (sys.executable, "-m", "commentdesk")


def limiter_env(on: bool) -> dict[str, str]:
    """Flood settings: every limit checked but never reached (on), or none checked (off)."""
    value = NEVER_REFUSE if on else "off"
    return {f"COMMENTDESK_FLOOD_{d}": value for d in ("KEY", "AUTHOR", "ADDRESS")}


def service_env(
    data_dir: Path, database_url: str | None, redis_url: str, port: int
) -> dict[str, str]:
    """The environment of every service process: our settings, nothing inherited of theirs."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("COMMENTDESK_") and k not in {"DATABASE_URL", "REDIS_URL"}
    }
    env.update(
        COMMENTDESK_DATA_DIR=str(data_dir),
        COMMENTDESK_HOST="127.0.0.1",
        COMMENTDESK_PORT=str(port),
        COMMENTDESK_LOG_LEVEL="WARNING",
        REDIS_URL=redis_url,
        # The flood limiter runs on every submission but never refuses one: the load is one
        # site key and 5,000 authors far above any human rate (bench/limiter.py measures it).
        **limiter_env(True),
    )
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


class ServiceStack:
    """The API and its workers as separate processes, with their own data directory."""

    def __init__(self, children: Children, env: Mapping[str, str], workers: int) -> None:
        self.children = children
        self.env = dict(env)
        self.worker_count = workers
        self.base_url = f"http://127.0.0.1:{self.env['COMMENTDESK_PORT']}"
        self.api: Child | None = None
        self.workers: list[Child] = []

    def prepare(self) -> str:
        """``commentdesk migrate`` then ``create-key --role site``; returns the key."""
        run_command([*CLI, "migrate"], self.env, COMMAND_TIMEOUT_S)
        argv = [*CLI, "create-key", "--role", "site", "--name", "benchsite"]
        out = run_command(argv, self.env, COMMAND_TIMEOUT_S)
        return out.strip().splitlines()[-1].strip()

    def start(self) -> None:
        """Start the API and the workers and wait for ``/readyz``."""
        self.api = self.children.start("api", [*CLI, "api"], self.env)
        self.workers = [
            self.children.start(
                f"worker-{i}", [*CLI, "worker", "--name", f"bench-{os.getpid()}-{i}"], self.env
            )
            for i in range(self.worker_count)
        ]
        # As `commentdesk up` runs it: it numbers every outbox event (no endpoints here, so
        # nothing is sent), and its CPU counts with the workers'.
        hooks = [*CLI, "worker", "--queues", "webhooks", "--name", f"bench-{os.getpid()}-hooks"]
        self.workers.append(self.children.start("webhooks", hooks, self.env))
        wait_ready(f"{self.base_url}/readyz", self.children, READY_TIMEOUT_S)

    def restart_api(self, extra_env: Mapping[str, str]) -> None:
        """Stop the API and start it again with these settings changed."""
        if self.api is not None:
            self.children.stop(self.api)
        self.env.update(extra_env)
        self.api = self.children.start("api", [*CLI, "api"], self.env)
        wait_ready(f"{self.base_url}/readyz", self.children, READY_TIMEOUT_S)

    def pids(self) -> dict[str, list[int]]:
        """Root pids per component, for CPU accounting."""
        api = [self.api.process.pid] if self.api else []
        return {"api": api, "workers": [w.process.pid for w in self.workers]}

    def stop(self) -> None:
        """The API first, so nothing new arrives while the workers finish."""
        for child in [c for c in (self.api, *self.workers) if c is not None]:
            self.children.stop(child)


def start_baseline(children: Children, redis_url: str) -> tuple[Child, str]:
    """The bare Starlette POST→LPUSH app under uvicorn, one process, uvloop + httptools."""
    port = free_port()
    env = {**os.environ, "BENCH_REDIS_URL": redis_url}
    argv = [
        sys.executable, "-m", "uvicorn", "bench.baseline_app:create", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--loop", "uvloop", "--http", "httptools",
        "--no-access-log", "--log-level", "warning",
    ]  # fmt: skip
    child = children.start("baseline", argv, env)
    base_url = f"http://127.0.0.1:{port}"
    wait_ready(f"{base_url}/healthz", children, READY_TIMEOUT_S)
    return child, base_url
