"""Reading request bodies: declared as JSON, bounded in size and time."""

from __future__ import annotations

import asyncio

from starlette.requests import ClientDisconnect, Request

from service.errors import (
    MalformedRequestError,
    PayloadTooLargeError,
    RequestTimeoutError,
    UnsupportedMediaTypeError,
)


async def read_body(request: Request, max_bytes: int, timeout: float) -> bytes:
    """The raw bytes of a JSON body (decoded by ``wire.decode_body``), refusing more than
    ``max_bytes`` before reading it all."""
    require_json(request)
    raw = await read_bounded(request, max_bytes, timeout)
    if not raw:
        raise MalformedRequestError("the request needs a JSON body")
    return raw


def require_json(request: Request) -> None:
    """Raise UnsupportedMediaTypeError unless the body is declared as JSON."""
    declared = request.headers.get("content-type", "")
    media_type = declared.partition(";")[0].strip().lower()
    if media_type != "application/json" and not media_type.endswith("+json"):
        shown = f"{media_type!r}" if media_type else "no Content-Type"
        raise UnsupportedMediaTypeError(
            f"send the body as JSON with 'Content-Type: application/json' (got {shown})"
        )


async def read_bounded(request: Request, max_bytes: int, timeout: float) -> bytes:
    """The raw body; PayloadTooLargeError as soon as it is known to exceed ``max_bytes``,
    RequestTimeoutError unless it has all arrived within ``timeout`` seconds (a client that
    declares a body must send it briskly, or a short body would hold the request for ever)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise MalformedRequestError("Content-Length must be a number of bytes")
        if int(declared) > max_bytes:
            raise _too_large(max_bytes)
    try:
        async with asyncio.timeout(timeout):
            return await _read_counted(request, max_bytes)
    except TimeoutError as exc:
        raise RequestTimeoutError(f"the body did not arrive within {timeout:g} s") from exc
    except ClientDisconnect as exc:
        raise MalformedRequestError("the client went away before sending the whole body") from exc


async def _read_counted(request: Request, max_bytes: int) -> bytes:
    # Content-Length can be absent (chunked) or wrong, so the bytes are counted as they arrive.
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > max_bytes:
            raise _too_large(max_bytes)
        chunks.append(chunk)
    return b"".join(chunks)


def _too_large(max_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"request bodies are limited to {max_bytes} bytes")
