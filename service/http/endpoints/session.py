"""``GET /v1/session``: who the caller is, and for a browser session its CSRF token.

The workspace's scripts read the CSRF token here (the session cookie itself is HttpOnly) and send
it back as ``X-CSRF-Token`` on every request that changes state.
"""

from __future__ import annotations

from starlette.responses import Response

from service.http import ops_responses as ops_out
from service.http.auth import session_of
from service.http.call import ApiRoute, Call
from service.http.render import maybe_utc
from service.http.roles import MODERATOR
from service.http.wire import JsonResponse
from service.settings import Settings


def routes(settings: Settings) -> list[ApiRoute]:  # noqa: ARG001 (no limits to read)
    """This module's operations, added to the route table."""
    return [
        ApiRoute("GET", "/v1/session", get_session, MODERATOR,
                 "The signed-in user and the session's CSRF token", response=ops_out.Session),
    ]  # fmt: skip


async def get_session(call: Call) -> Response:
    """The caller; with an API key instead of a session, csrf_token and expires_at are null."""
    caller = call.caller
    # authorise() chose the key when both were sent, so only a keyless call is the session's.
    is_key = "authorization" in call.request.headers
    web_session = None if is_key else await session_of(call.request)
    body = ops_out.Session(
        username=caller.name,
        role=caller.role,
        csrf_token=web_session.csrf_token if web_session else None,
        expires_at=maybe_utc(web_session.expires_at) if web_session else None,
    )
    return JsonResponse(body, headers={"Cache-Control": "no-store"})
