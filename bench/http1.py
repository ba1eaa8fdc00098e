"""A lean HTTP/1.1 keep-alive client over asyncio streams, cheap enough to drive thousands of
requests a second from one core. It speaks just what the benchmark needs: POST with a
Content-Length body, responses with a Content-Length."""

from __future__ import annotations

import asyncio
from urllib.parse import urlsplit

HEAD_END = b"\r\n\r\n"
NO_RESPONSE = 0  # the status recorded when the connection failed before a response arrived


class HttpProtocolError(Exception):
    """The server answered in a shape this client does not handle."""


def split_url(url: str) -> tuple[str, int, str]:
    """``(host, port, path)`` of an ``http://`` URL."""
    parts = urlsplit(url)
    if parts.scheme != "http" or not parts.hostname:
        raise ValueError(f"only http:// URLs are supported, got {url!r}")
    return parts.hostname, parts.port or 80, parts.path or "/"


def post_request(host: str, port: int, path: str, body: bytes, bearer: str | None) -> bytes:
    """The bytes of one keep-alive POST with a JSON body."""
    auth = f"Authorization: Bearer {bearer}\r\n" if bearer else ""
    head = (
        f"POST {path} HTTP/1.1\r\nHost: {host}:{port}\r\n{auth}"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode() + body


class Connection:
    """One keep-alive connection; reconnects after a failure."""

    def __init__(self, host: str, port: int) -> None:
        self._host = host
        self._port = port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def connect(self) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
        """Open the socket (done before timing starts)."""
        self._reader, self._writer = await asyncio.open_connection(self._host, self._port)
        return self._reader, self._writer

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        """Send one request and read its response; ``(NO_RESPONSE, b"")`` on a broken socket."""
        try:
            reader, writer = (
                (self._reader, self._writer)
                if self._reader is not None and self._writer is not None
                else await self.connect()
            )
            writer.write(raw)
            head = await reader.readuntil(HEAD_END)
            length = _content_length(head)
            body = await reader.readexactly(length) if length else b""
        except (
            OSError,
            ValueError,
            asyncio.IncompleteReadError,
            asyncio.LimitOverrunError,
            HttpProtocolError,
        ):
            self.close()
            return NO_RESPONSE, b""
        if b"\r\nconnection: close" in head.lower():
            self.close()
        return int(head[9:12]), body

    def close(self) -> None:
        """Drop the socket; the next send reconnects."""
        if self._writer is not None:
            self._writer.close()
        self._reader = self._writer = None


def _content_length(head: bytes) -> int:
    lowered = head.lower()
    start = lowered.find(b"\r\ncontent-length:")
    if start < 0:
        if b"\r\ntransfer-encoding:" in lowered:
            raise HttpProtocolError("chunked responses are not supported")
        return 0
    end = lowered.find(b"\r\n", start + 2)
    return int(lowered[start + 17 : end])
