"""Reading request bodies: JSON only, bounded in size, depth and time, valid Unicode only."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from starlette.requests import ClientDisconnect, Request

from service.errors import (
    FieldError,
    MalformedRequestError,
    PayloadTooLargeError,
    RequestTimeoutError,
    UnsupportedMediaTypeError,
    ValidationError,
)
from service.http.fields import character_problem, escape_pointer

# No request of this API nests deeper than a few levels; deeper input is refused before it
# can exhaust the recursion limit of anything that walks it.
MAX_DEPTH = 32


async def read_json(request: Request, max_bytes: int, timeout: float) -> Any:
    """Decode the JSON body, refusing more than ``max_bytes`` before reading it all."""
    require_json(request)
    raw = await read_bounded(request, max_bytes, timeout)
    if not raw:
        raise MalformedRequestError("the request needs a JSON body")
    try:
        value = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise _too_deep() from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise MalformedRequestError(f"the body is not valid JSON: {exc}") from exc
    errors: list[FieldError] = []
    _check_strings(value, "", 0, errors)
    if errors:
        raise ValidationError(errors)
    return value


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


def _check_strings(value: Any, pointer: str, depth: int, errors: list[FieldError]) -> None:
    """Every string, member names included, must be text we can store and echo back."""
    if depth > MAX_DEPTH:
        raise _too_deep()
    if isinstance(value, str):
        if (problem := character_problem(value, "text")) is not None:
            errors.append(FieldError(pointer, problem))
    elif isinstance(value, dict):
        for name, member in value.items():
            if (problem := character_problem(name, "text")) is not None:
                errors.append(FieldError(pointer, f"a member name {problem}"))
                continue
            _check_strings(member, f"{pointer}/{escape_pointer(name)}", depth + 1, errors)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, f"{pointer}/{index}", depth + 1, errors)


def _too_deep() -> MalformedRequestError:
    return MalformedRequestError(f"the JSON body nests deeper than {MAX_DEPTH} levels")


def _too_large(max_bytes: int) -> PayloadTooLargeError:
    return PayloadTooLargeError(f"request bodies are limited to {max_bytes} bytes")


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")
