"""Reading request bodies with a hard size limit."""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import ClientDisconnect, Request

from service.errors import MalformedRequestError, PayloadTooLargeError


async def read_json(request: Request, max_bytes: int) -> Any:
    """Decode the JSON body, refusing more than ``max_bytes`` before reading it all."""
    raw = await read_bounded(request, max_bytes)
    if not raw:
        raise MalformedRequestError("the request needs a JSON body")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedRequestError(f"the body is not valid JSON: {exc}") from exc


async def read_bounded(request: Request, max_bytes: int) -> bytes:
    """The raw body; PayloadTooLargeError as soon as it is known to exceed ``max_bytes``."""
    declared = request.headers.get("content-length")
    if declared is not None:
        if not declared.isdigit():
            raise MalformedRequestError("Content-Length must be a number of bytes")
        if int(declared) > max_bytes:
            raise _too_large(max_bytes)
    # Content-Length can be absent (chunked) or wrong, so the bytes are counted as they arrive.
    chunks: list[bytes] = []
    received = 0
    try:
        async for chunk in request.stream():
            received += len(chunk)
            if received > max_bytes:
                raise _too_large(max_bytes)
            chunks.append(chunk)
    except ClientDisconnect as exc:
        raise MalformedRequestError("the client went away before sending the whole body") from exc
    return b"".join(chunks)


def _too_large(max_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"request bodies are limited to {max_bytes} bytes")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
