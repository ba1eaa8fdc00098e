"""`commentdesk up`: one machine, every piece, one command, and a clean Ctrl-C."""

from __future__ import annotations

import ctypes
import dataclasses
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from types import FrameType

from commentdesk.bootstrap import create_key, has_keys, migrate
from commentdesk.embedded import VALKEY_SUBDIR, EmbeddedRedis
from service.domain import Role
from service.settings import Settings

READY_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 15.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h

Printer = Callable[[str], None]


class ChildExitedError(Exception):
    """A child process ended while the others were still running."""


@dataclasses.dataclass
class Child:
    """One supervised process."""

    name: str
    process: subprocess.Popen[bytes]


def run_up(settings: Settings, out: Printer) -> int:
    """Prepare storage, start Valkey (unless REDIS_URL), the API and workers; wait for Ctrl-C."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    version = migrate(settings)
    out(f"database ready: {settings.effective_database_url} (champion model {version.id})")
    keys = _first_keys(settings)
    embedded = None if settings.redis_url else EmbeddedRedis(settings.data_dir / VALKEY_SUBDIR)
    redis_url = settings.redis_url or (embedded.start() if embedded else "")
    out(f"redis: {redis_url}" + (" (embedded Valkey)" if embedded else ""))
    env = _child_env(settings, redis_url)
    children: list[Child] = []
    stop = _install_stop_signals()
    try:
        children = _start_children(settings, env)
        url = f"http://{settings.host}:{settings.port}"
        _wait_ready(url, children)
        _announce(out, url, keys)
        return _supervise(children, stop)
    finally:
        _stop_all(children, out)
        if embedded is not None:
            embedded.stop()
        out("stopped")


def _first_keys(settings: Settings) -> dict[Role, str]:
    if has_keys(settings):
        return {}
    return {role: create_key(settings, role, f"first-{role.value}") for role in Role}


def _child_env(settings: Settings, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DATABASE_URL=settings.effective_database_url,
        REDIS_URL=redis_url,
        COMMENTDESK_DATA_DIR=str(settings.data_dir.resolve()),
        COMMENTDESK_HOST=settings.host,
        COMMENTDESK_PORT=str(settings.port),
    )
    return env


def _start_children(settings: Settings, env: dict[str, str]) -> list[Child]:
    pid = os.getpid()
    children = [_spawn("api", ["api"], env)]
    children += [
        _spawn(f"worker-{n}", ["worker", "--name", f"worker-{pid}-{n}"], env)
        for n in range(settings.worker_count)
    ]
    # Training runs for minutes: one worker of its own, so classification never waits behind it.
    children.append(
        _spawn("trainer", ["worker", "--queues", "train", "--name", f"trainer-{pid}"], env)
    )
    # Webhook runs wait on sites' servers (up to the timeout): never in front of classification.
    children.append(
        _spawn("webhooks", ["worker", "--queues", "webhooks", "--name", f"webhooks-{pid}"], env)
    )
    return children


def _spawn(name: str, args: list[str], env: dict[str, str]) -> Child:
    command = [sys.executable, "-m", "commentdesk", *args]
    return Child(name, subprocess.Popen(command, env=env, preexec_fn=_die_with_parent))


def _die_with_parent() -> None:
    # If `up` itself is killed (SIGKILL runs no cleanup), Linux sends each child SIGTERM
    # instead of leaving API and workers running as orphans.
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_ready(url: str, children: Sequence[Child]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        _check_alive(children)
        try:
            with urllib.request.urlopen(f"{url}/readyz", timeout=2) as response:  # noqa: S310
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.3)
    raise ChildExitedError(f"the service did not become ready at {url}/readyz in time")


def _announce(out: Printer, url: str, keys: dict[Role, str]) -> None:
    out(f"Comment Desk is running at {url}  (Ctrl-C stops everything)")
    if keys:
        out("first API keys (shown once; create more with `commentdesk create-key`):")
        for role, key in keys.items():
            out(f"  {role.value:<10} {key}")
    out(f"try: curl -s {url}/readyz")
    out(
        f"moderator workspace: {url}/ui/  "
        "(create a sign-in: commentdesk create-user --role moderator NAME)"
    )


class _StopFlag:
    def __init__(self) -> None:
        self.is_set = False

    def set(self, signum: int, _frame: FrameType | None) -> None:
        self.is_set = True


def _install_stop_signals() -> _StopFlag:
    flag = _StopFlag()
    signal.signal(signal.SIGINT, flag.set)
    signal.signal(signal.SIGTERM, flag.set)
    return flag


def _supervise(children: Sequence[Child], stop: _StopFlag) -> int:
    while not stop.is_set:
        _check_alive(children)
        time.sleep(0.2)
    return 0


def _check_alive(children: Sequence[Child]) -> None:
    for child in children:
        code = child.process.poll()
        if code is not None:
            raise ChildExitedError(f"{child.name} exited with status {code}")


def _stop_all(children: Sequence[Child], out: Printer) -> None:
    # The API goes first so nothing new is accepted while workers finish their jobs.
    for child in children:
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
            _wait_or_kill(child, out)


def _wait_or_kill(child: Child, out: Printer) -> None:
    try:
        child.process.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        out(f"{child.name} did not stop in {STOP_TIMEOUT_SECONDS:.0f}s; killing it")
        child.process.kill()
        child.process.wait()
