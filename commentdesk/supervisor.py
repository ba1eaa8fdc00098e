"""`commentdesk up`: one machine, every piece, one command, and a clean Ctrl-C.

`up` owns its data directory (a lock: a second `up` there is refused) and supervises its
children: one that exits is started again after a back-off (1 s doubling to 30 s), the embedded
Valkey on its own port; only a child that keeps failing (5 exits within 2 minutes) stops `up`.
"""

from __future__ import annotations

import contextlib
import ctypes
import dataclasses
import fcntl
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from types import FrameType

from commentdesk.bootstrap import create_key, has_keys, migrate
from commentdesk.embedded import VALKEY_SUBDIR, EmbeddedRedis, EmbeddedRedisError
from service.domain import Role
from service.errors import CommentDeskError
from service.settings import Settings

READY_TIMEOUT_SECONDS = 120.0
STOP_TIMEOUT_SECONDS = 15.0
PR_SET_PDEATHSIG = 1  # linux/prctl.h
LOCK_FILE = "up.lock"
RESTART_FIRST_SECONDS = 1.0
RESTART_MAX_SECONDS = 30.0
# A child that exits this often within the window is broken, not unlucky: `up` stops.
MAX_EXITS = 5
EXIT_WINDOW_SECONDS = 120.0

Printer = Callable[[str], None]


class ChildExitedError(CommentDeskError):
    """A child process kept failing (or never became ready); `up` stops everything."""


class DataDirBusyError(CommentDeskError):
    """Another `commentdesk up` runs with this data directory."""


@dataclasses.dataclass
class Child:
    """One supervised process, and what is needed to start it again."""

    name: str
    process: subprocess.Popen[bytes]
    args: list[str] = dataclasses.field(default_factory=list)
    env: dict[str, str] = dataclasses.field(default_factory=dict)
    exits: list[float] = dataclasses.field(default_factory=list)  # monotonic times
    restart_at: float | None = None  # set while it waits out its back-off


def run_up(settings: Settings, out: Printer) -> int:
    """Prepare storage, start Valkey (unless REDIS_URL), the API and workers; wait for Ctrl-C."""
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with data_dir_lock(settings.data_dir):
        return _run_locked(settings, out)


def _run_locked(settings: Settings, out: Printer) -> int:
    version = migrate(settings)
    out(f"database ready: {settings.effective_database_url} (champion model {version.id})")
    keys = _first_keys(settings)
    embedded = None if settings.redis_url else EmbeddedRedis(settings.data_dir / VALKEY_SUBDIR)
    redis_url = settings.redis_url or (embedded.start() if embedded else "")
    out(f"redis: {redis_url}" + (f" (embedded Valkey, pid {embedded.pid})" if embedded else ""))
    env = _child_env(settings, redis_url)
    children: list[Child] = []
    stop = _install_stop_signals()
    try:
        children = _start_children(settings, env)
        url = f"http://{settings.host}:{settings.port}"
        _wait_ready(url, children)
        _announce(out, url, keys)
        return _supervise(children, embedded, stop, out)
    finally:
        _stop_all(children, out)
        if embedded is not None:
            embedded.stop()
        out("stopped")


@contextlib.contextmanager
def data_dir_lock(data_dir: Path) -> Iterator[None]:
    """Hold the data directory for this `up`; DataDirBusyError if another one holds it.

    A second `up` would start a second Valkey on the same files and remove the first one's
    URL file. The lock is released by the kernel when this process ends, however it ends.
    """
    path = data_dir / LOCK_FILE
    with path.open("a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise DataDirBusyError(
                f"another `commentdesk up` (pid {holder}) is running with data directory "
                f"{data_dir.resolve()}; stop it first, or give this one another --data-dir"
            ) from exc
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n")
        handle.flush()
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _first_keys(settings: Settings) -> dict[Role, str]:
    if has_keys(settings):
        return {}
    return {role: create_key(settings, role, f"first-{role.value}") for role in Role}


def _child_env(settings: Settings, redis_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        PROMETHEUS_MULTIPROC_DIR=str(_fresh_metrics_dir(settings)),
        DATABASE_URL=settings.effective_database_url,
        REDIS_URL=redis_url,
        COMMENTDESK_DATA_DIR=str(settings.data_dir.resolve()),
        COMMENTDESK_HOST=settings.host,
        COMMENTDESK_PORT=str(settings.port),
    )
    return env


def _fresh_metrics_dir(settings: Settings) -> Path:
    """Where the children write their metrics for the API's /metrics to add up: the
    operator's choice, else ``<data dir>/metrics``; the previous run's value files (``*.db``)
    are removed, since counters start again at zero."""
    path = (settings.metrics_dir or settings.data_dir / "metrics").resolve()
    path.mkdir(parents=True, exist_ok=True)
    for stale in path.glob("*.db"):
        stale.unlink()
    return path


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
    return Child(name, _popen(args, env), args, env)


def _popen(args: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "commentdesk", *args]
    return subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)


def _die_with_parent() -> None:
    # If `up` itself is killed (SIGKILL runs no cleanup), Linux sends each child SIGTERM
    # instead of leaving API and workers running as orphans.
    if sys.platform == "linux":
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def _wait_ready(url: str, children: Sequence[Child]) -> None:
    deadline = time.monotonic() + READY_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        for child in children:
            code = child.process.poll()
            if code is not None:  # a child that cannot even start will not start on a retry
                raise ChildExitedError(f"{child.name} exited with status {code} while starting")
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


def _supervise(
    children: Sequence[Child], embedded: EmbeddedRedis | None, stop: _StopFlag, out: Printer
) -> int:
    valkey_exits: list[float] = []
    while not stop.is_set:
        if embedded is not None and embedded.has_exited():
            _restart_valkey(embedded, valkey_exits, out)
        for child in children:
            _tend(child, out)
        time.sleep(0.2)
    return 0


def _tend(child: Child, out: Printer) -> None:
    """Notice a child that exited, and start it again once its back-off has passed."""
    now = time.monotonic()
    if child.restart_at is None:
        code = child.process.poll()
        if code is None:
            return
        _count_exit(child.exits, child.name, now)
        delay = _backoff(len(child.exits))
        out(f"{child.name} exited with status {code}; starting it again in {delay:.0f}s")
        child.restart_at = now + delay
    elif now >= child.restart_at:
        child.process = _popen(child.args, child.env)
        child.restart_at = None


def _restart_valkey(embedded: EmbeddedRedis, exits: list[float], out: Printer) -> None:
    _count_exit(exits, "the embedded Valkey", time.monotonic())
    out("the embedded Valkey exited; starting it again on the same port")
    time.sleep(_backoff(len(exits)) - RESTART_FIRST_SECONDS)  # 0 s the first time: all wait on it
    try:
        embedded.restart()
    except EmbeddedRedisError as exc:
        out(f"{exc}; trying again")
        return
    out(f"the embedded Valkey is back (pid {embedded.pid})")


def _count_exit(exits: list[float], name: str, now: float) -> None:
    exits[:] = [t for t in exits if now - t < EXIT_WINDOW_SECONDS] + [now]
    if len(exits) >= MAX_EXITS:
        raise ChildExitedError(
            f"{name} exited {len(exits)} times within {EXIT_WINDOW_SECONDS:.0f}s; "
            "stopping everything (see its output above)"
        )


def _backoff(exits: int) -> float:
    return float(min(RESTART_MAX_SECONDS, RESTART_FIRST_SECONDS * 2 ** max(0, exits - 1)))


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
