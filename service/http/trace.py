"""Per-request trace ids, and the last line of defence against unexpected exceptions.

Every response carries ``X-Trace-Id``; problem bodies and log lines repeat it, so a client's bug
report can be matched to the server log. A caller may send its own ``X-Trace-Id`` (e.g. from a
proxy) if it is short and plain; otherwise a random one is made.
"""

from __future__ import annotations

import logging
import random
import re

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.http.problems import TRACE_SCOPE_KEY, internal_error
from service.logs import traced

log = logging.getLogger(__name__)

TRACE_HEADER = "x-trace-id"
_TRACE_HEADER_BYTES = TRACE_HEADER.encode()
_ACCEPTED_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")


class TraceMiddleware:
    """Assigns the trace id, stamps it on the response, and turns crashes into logged 500s."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        trace = _incoming_trace_id(scope) or _new_trace_id()
        scope[TRACE_SCOPE_KEY] = trace
        header = (_TRACE_HEADER_BYTES, trace.encode())
        is_started = False

        async def send_with_trace(message: Message) -> None:
            nonlocal is_started
            if message["type"] == "http.response.start":
                is_started = True
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        try:
            with traced(trace):
                await self.app(scope, receive, send_with_trace)
        except Exception:
            log.exception(
                "unhandled error trace_id=%s %s %s", trace, scope["method"], scope["path"]
            )
            if is_started:
                raise
            await internal_error(trace, scope["path"])(scope, receive, send_with_trace)


def _new_trace_id() -> str:
    # Trace ids correlate logs; they are not secrets, and the OS random source (a syscall per
    # request) showed up in profiles of the comment intake path.
    return f"{random.getrandbits(64):016x}"


def _incoming_trace_id(scope: Scope) -> str | None:
    for name, raw in scope["headers"]:  # raw ASGI headers: cheaper than building Headers
        if name == _TRACE_HEADER_BYTES:
            value = raw.decode("latin-1")
            return value if _ACCEPTED_ID.fullmatch(value) else None
    return None
