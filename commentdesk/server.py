"""How `commentdesk api` runs uvicorn: its options, and an HTTP protocol with request timeouts.

uvicorn arms its keep-alive timer only after a first response, so a connection that sends
nothing, or trickles its headers a byte at a time, is held for ever (300 such connections
were never closed); and a request it cannot parse gets a text/plain 400. ``GuardedHttpProtocol``
gives every request ``COMMENTDESK_REQUEST_TIMEOUT_SECONDS`` to complete its headers (else a 408
and the connection is closed), and answers unparseable requests in problem+json like the rest
of the API. The body's own deadline is enforced by the app (service/http/body.py).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from service.http.problems import MEDIA_TYPE, PROBLEM_TYPE_BASE
from service.settings import Settings


def server_options(settings: Settings) -> dict[str, Any]:
    """uvicorn's options for the API process."""
    GuardedHttpProtocol.header_timeout = settings.request_timeout_seconds
    return {
        "host": settings.host,
        "port": settings.port,
        "log_level": settings.log_level.lower(),
        "log_config": None,  # uvicorn's lines go through our handler: same format, trace ids
        "access_log": False,  # a log line per request costs more than the request at 1,000/s
        "timeout_graceful_shutdown": 10,
        "http": GuardedHttpProtocol,
        # uvicorn believes X-Forwarded-For from 127.0.0.1 unless told otherwise, so any local
        # process could pose as any address (and dodge the per-address sign-in limit).
        "proxy_headers": bool(settings.forwarded_allow_ips),
        "forwarded_allow_ips": settings.forwarded_allow_ips or None,
    }


class GuardedHttpProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for each request's headers."""

    header_timeout = 10.0  # set from settings by server_options (uvicorn builds the instances)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._header_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm_header_deadline()  # a new connection must start a request soon

    def on_message_begin(self) -> None:
        super().on_message_begin()
        if self._header_deadline is None:  # the next request on a kept-alive connection
            self._arm_header_deadline()

    def on_headers_complete(self) -> None:
        self._disarm_header_deadline()
        super().on_headers_complete()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm_header_deadline()
        super().connection_lost(exc)

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._disarm_header_deadline()  # idle now: uvicorn's keep-alive timer takes over

    def send_400_response(self, msg: str) -> None:
        self._disarm_header_deadline()
        detail = "the request is not valid HTTP/1.1 (check Content-Length and the headers)"
        self._send_problem(400, "Bad Request", "malformed-request", detail)

    def _arm_header_deadline(self) -> None:
        self._disarm_header_deadline()
        self._header_deadline = self.loop.call_later(self.header_timeout, self._headers_too_slow)

    def _disarm_header_deadline(self) -> None:
        if self._header_deadline is not None:
            self._header_deadline.cancel()
            self._header_deadline = None

    def _headers_too_slow(self) -> None:
        self._header_deadline = None
        if not self.transport.is_closing():
            self._send_problem(408, "Request Timeout", "request-timeout",
                               f"the request headers did not arrive within "
                               f"{self.header_timeout:g} s")  # fmt: skip

    def _send_problem(self, status: int, phrase: str, code: str, detail: str) -> None:
        body = json.dumps({"type": PROBLEM_TYPE_BASE + code, "title": phrase, "status": status,
                           "detail": detail, "code": code}).encode()  # fmt: skip
        head = (f"HTTP/1.1 {status} {phrase}\r\ncontent-type: {MEDIA_TYPE}\r\n"
                f"content-length: {len(body)}\r\nconnection: close\r\n\r\n")  # fmt: skip
        self.transport.write(head.encode() + body)
        self.transport.close()
