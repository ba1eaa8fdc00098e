"""A real HTTP server on loopback that records webhook requests and answers as told."""

from __future__ import annotations

import dataclasses
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclasses.dataclass(frozen=True)
class Received:
    """One request as the receiver got it."""

    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def event(self) -> dict[str, Any]:
        return dict(json.loads(self.body))

    @property
    def event_id(self) -> str:
        return self.headers["webhook-id"]


class Receiver:
    """Answers each request with the next planned status (200 once the plan runs out), after
    an optional delay, and records every request, also those it answered late."""

    def __init__(self) -> None:
        self.requests: list[Received] = []
        self._plan: list[tuple[int, float]] = []
        self._lock = threading.Lock()
        self.arrived = threading.Event()  # set at each request (tests clear it)
        self.release = threading.Event()  # a "hold" answer waits for this
        self.release.set()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}/hooks"

    def plan(self, *answers: int | tuple[int, float]) -> None:
        """Queue answers: a status, or (status, seconds to wait before answering)."""
        with self._lock:
            self._plan.extend(a if isinstance(a, tuple) else (a, 0.0) for a in answers)

    def events(self, type_: str | None = None) -> list[dict[str, Any]]:
        """The bodies received, in arrival order (optionally of one type)."""
        found = [r.event for r in list(self.requests)]
        return [e for e in found if type_ is None or e["type"] == type_]

    def _next(self) -> tuple[int, float]:
        with self._lock:
            return self._plan.pop(0) if self._plan else (200, 0.0)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = self.rfile.read(length)
                headers = {k.lower(): v for k, v in self.headers.items()}
                receiver.requests.append(Received(self.path, headers, body))
                receiver.arrived.set()
                status, delay = receiver._next()
                if delay < 0:
                    receiver.release.wait(30)
                else:
                    time.sleep(delay)
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(b"ok" if status < 300 else b"nope")

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    def start(self) -> Receiver:
        self._thread.start()
        return self

    def stop(self) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def running_receiver() -> Iterator[Receiver]:
    receiver = Receiver().start()
    try:
        yield receiver
    finally:
        receiver.stop()
