"""RFC 9457 problem details: how every error leaves the service.

``type`` is ``https://commentdesk.dev/problems/<code>``, where ``code`` is the stable kebab-case
code of the error class (also sent as the ``code`` member). Extension members: ``code``,
``trace_id``, ``errors`` (422: ``[{pointer, detail}]``) and any ``extensions`` an error carries.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from http import HTTPStatus
from typing import Annotated, Any

import msgspec
from msgspec import UNSET, Meta, UnsetType
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from service.errors import (
    AuthenticationError,
    CommentDeskError,
    ValidationError,
)
from service.http.wire import Response_

log = logging.getLogger(__name__)

PROBLEM_TYPE_BASE = "https://commentdesk.dev/problems/"
MEDIA_TYPE = "application/problem+json"
TRACE_SCOPE_KEY = "commentdesk.trace_id"

# Starlette raises HTTPException for routing failures; these are their stable codes.
_HTTP_CODES = {404: "not-found", 405: "method-not-allowed"}


class FieldProblem(Response_):
    """What is wrong with one member of the request."""

    pointer: Annotated[
        str,
        Meta(
            description=(
                "JSON pointer: /member/… in the body, /query/<name>, /path/<name>, /headers/<name>"
            )
        ),
    ]
    detail: str


class Problem(Response_):
    """RFC 9457 problem details, with the extension members an error may carry."""

    type: Annotated[str, Meta(extra_json_schema={"format": "uri"})]
    title: str
    status: int
    detail: str
    instance: str
    code: str
    trace_id: str
    errors: Annotated[list[FieldProblem] | UnsetType, Meta(description="422: what is wrong")] = (
        UNSET
    )
    checks: Annotated[
        dict[str, dict[str, Any]] | UnsetType,
        Meta(description=("readiness checks (503 from /readyz)")),
    ] = UNSET
    limit: Annotated[str | UnsetType, Meta(description="429: the flood limit reached")] = UNSET
    retry_after: Annotated[int | UnsetType, Meta(description="429: seconds to wait")] = UNSET
    claimed_by: Annotated[str | UnsetType, Meta(description="409 claimed: who holds it")] = UNSET
    expires_at: Annotated[
        str | UnsetType,
        Meta(
            description=("409 claimed: when the claim lapses"),
            extra_json_schema={"format": "date-time"},
        ),
    ] = UNSET
    count: Annotated[
        int | UnsetType, Meta(description=("409 count-changed: what the selection matches now"))
    ] = UNSET
    suspended_until: Annotated[
        str | UnsetType,
        Meta(
            description="403 author-suspended: when the author may post again",
            extra_json_schema={"format": "date-time"},
        ),
    ] = UNSET


class ProblemResponse(JSONResponse):
    """A JSON response with the problem+json media type."""

    media_type = MEDIA_TYPE

    def render(self, content: Any) -> bytes:
        # ASCII with escapes: a problem may quote what the client sent, and that can be text
        # UTF-8 cannot encode (an unpaired surrogate), which must not turn a 4xx into a 500.
        return json.dumps(content, separators=(",", ":")).encode("ascii")


def problem(
    *,
    status: int,
    code: str,
    title: str,
    detail: str,
    instance: str,
    trace: str,
    extensions: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
) -> ProblemResponse:
    """Build a problem+json response."""
    body = Problem(
        type=PROBLEM_TYPE_BASE + code,
        title=title,
        status=status,
        detail=detail,
        instance=instance,
        code=code,
        trace_id=trace,
        **(extensions or {}),
    )
    return ProblemResponse(msgspec.to_builtins(body), status_code=status, headers=headers)


def internal_error(trace: str, path: str) -> ProblemResponse:
    """The 500 response: only the trace id, never the exception."""
    return problem(
        status=500,
        code="internal-error",
        title="Internal server error",
        detail=f"An unexpected error occurred; quote trace id {trace} when reporting it.",
        instance=path,
        trace=trace,
    )


async def handle_service_error(request: Request, exc: Exception) -> Response:
    """Render any CommentDeskError (the one handler for the whole error tree)."""
    assert isinstance(exc, CommentDeskError)
    trace = trace_id(request)
    default_level = logging.WARNING if exc.status >= 500 else logging.DEBUG
    # The client sees only the public detail; the log also gets the lower layer's own words.
    cause = f" ({type(exc.__cause__).__name__}: {exc.__cause__})" if exc.__cause__ else ""
    level = exc.log_level or default_level
    log.log(level, "%s trace_id=%s: %s%s", exc.code, trace, exc.detail, cause)
    return problem(
        status=exc.status,
        code=exc.code,
        title=exc.title,
        detail=exc.detail,
        instance=request.url.path,
        trace=trace,
        extensions=_extensions(exc),
        headers=_headers(exc),
    )


async def handle_http_error(request: Request, exc: Exception) -> Response:
    """Render Starlette's routing errors (unknown route, wrong method) as problems."""
    assert isinstance(exc, HTTPException)
    phrase = HTTPStatus(exc.status_code).phrase
    return problem(
        status=exc.status_code,
        code=_HTTP_CODES.get(exc.status_code, phrase.lower().replace(" ", "-")),
        title=phrase,
        detail=_routing_detail(request, exc),
        instance=request.url.path,
        trace=trace_id(request),
        headers=exc.headers,
    )


def _routing_detail(request: Request, exc: HTTPException) -> str:
    if exc.status_code == 404:
        return f"no route matches {request.url.path}"
    if exc.status_code == 405:
        allowed = (exc.headers or {}).get("Allow", "")
        return f"{request.method} is not allowed here (allowed: {allowed})"
    return str(exc.detail)


def _extensions(exc: CommentDeskError) -> dict[str, Any]:
    extensions: dict[str, Any] = dict(getattr(exc, "extensions", None) or {})
    if isinstance(exc, ValidationError):
        extensions["errors"] = [
            FieldProblem(pointer=e.pointer, detail=e.detail) for e in exc.errors
        ]
    return extensions


def _headers(exc: CommentDeskError) -> dict[str, str] | None:
    if isinstance(exc, AuthenticationError):
        return {"WWW-Authenticate": 'Bearer realm="commentdesk"'}
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:  # 429 sign-ins, 503 too many streams
        return {"Retry-After": str(retry_after)}
    return None


def trace_id(request: Request) -> str:
    """The trace id that TraceMiddleware gave this request."""
    return str(request.scope.get(TRACE_SCOPE_KEY, ""))
