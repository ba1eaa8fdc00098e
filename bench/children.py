"""Starting and stopping the benchmark's own child processes, with bounded waits."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

STOP_TIMEOUT_S = 15.0


class ChildError(Exception):
    """A child process failed to start, exited early, or did not become ready."""


@dataclasses.dataclass
class Child:
    """One started process; its output goes to ``log``."""

    name: str
    process: subprocess.Popen[bytes]
    log: Path


class Children:
    """The processes a benchmark started; ``stop_all`` ends them in reverse start order."""

    def __init__(self, log_dir: Path) -> None:
        self._log_dir = log_dir
        self._children: list[Child] = []

    def start(self, name: str, argv: Sequence[str], env: Mapping[str, str]) -> Child:
        """Start a process in its own process group (so Ctrl-C reaches us, and we stop it)."""
        log = self._log_dir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                list(argv), env=dict(env), stdout=out, stderr=subprocess.STDOUT, process_group=0
            )
        child = Child(name, process, log)
        self._children.append(child)
        return child

    def check_alive(self) -> None:
        """Raise ChildError naming the first child that has exited."""
        for child in self._children:
            if (code := child.process.poll()) is not None:
                tail = _tail(child)
                raise ChildError(f"{child.name} exited with {code}; see {child.log}:\n{tail}")

    def stop(self, child: Child, timeout_s: float = STOP_TIMEOUT_S) -> None:
        """SIGTERM, wait, then SIGKILL the child's whole process group."""
        if child.process.poll() is None:
            child.process.send_signal(signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                child.process.wait(timeout=timeout_s)
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(child.process.pid, signal.SIGKILL)  # leftovers, e.g. a forked scheduler
        with contextlib.suppress(subprocess.TimeoutExpired):
            child.process.wait(timeout=5.0)
        if child in self._children:
            self._children.remove(child)

    def stop_all(self) -> None:
        """Stop every child still known, newest first."""
        for child in reversed(list(self._children)):
            self.stop(child)


def _tail(child: Child, lines: int = 20) -> str:
    try:
        return "\n".join(child.log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return ""


def free_port() -> int:
    """A TCP port on 127.0.0.1 that is free right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, children: Children, timeout_s: float) -> None:
    """Poll ``url`` until it answers 200, while every child is still alive."""
    deadline = time.monotonic() + timeout_s
    last = "no answer"
    while time.monotonic() < deadline:
        children.check_alive()
        try:
            with urllib.request.urlopen(url, timeout=2) as response:  # noqa: S310 (loopback)
                if response.status == 200:
                    return
        except urllib.error.HTTPError as exc:
            last = f"HTTP {exc.code}: {exc.read()[:300]!r}"
        except (urllib.error.URLError, OSError) as exc:
            last = str(exc)
        time.sleep(0.25)
    raise ChildError(f"{url} was not ready after {timeout_s:.0f}s (last: {last})")


def run_command(argv: Sequence[str], env: Mapping[str, str], timeout_s: float) -> str:
    """Run a command to completion and return its stdout; ChildError on failure."""
    done = subprocess.run(
        list(argv), env=dict(env), capture_output=True, text=True, timeout=timeout_s, check=False
    )
    if done.returncode != 0:
        raise ChildError(f"{' '.join(argv)} failed ({done.returncode}): {done.stderr[-2000:]}")
    return done.stdout
