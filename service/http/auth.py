"""Authentication for API routes: a bearer API key, or else a browser session cookie.

A session cookie is sent by the browser on its own, so requests that change state must also carry
the session's CSRF token in ``X-CSRF-Token``; a page on another site cannot read that token.
"""

from __future__ import annotations

import hmac
from collections.abc import Collection

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request

from service.auth import Authenticator, require_role
from service.domain import ApiClient, Role
from service.domain.accounts import WebSession
from service.errors import AuthenticationError, CsrfError
from service.http.resources import resources_of

SESSION_COOKIE = "cd_session"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def bearer_token(request: Request) -> str | None:
    """The token of an ``Authorization: Bearer <token>`` header, if there is one."""
    header = request.headers.get("authorization")
    if header is None:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise AuthenticationError("the Authorization header must be 'Bearer <key>'")
    return token.strip()


async def authorise(
    request: Request, authenticator: Authenticator, roles: Collection[Role]
) -> ApiClient:
    """The authenticated client, if its role is one of ``roles``; else 401 or 403."""
    token = bearer_token(request)
    if token is None and request.cookies.get(SESSION_COOKIE):
        client = await _session_caller(request)
    else:
        client = await _key_caller(authenticator, token)
    require_role(client, *roles)
    return client


async def _key_caller(authenticator: Authenticator, token: str | None) -> ApiClient:
    # A cache hit stays on the event loop; a miss queries the database, so it runs off it.
    cached = authenticator.cached(token)
    if cached is not None:
        return cached
    return await run_in_threadpool(authenticator.authenticate, token)


async def _session_caller(request: Request) -> ApiClient:
    web_session = await session_of(request)
    if web_session is None:
        raise AuthenticationError("the session has expired or was signed out; sign in again")
    if request.method not in SAFE_METHODS:
        check_csrf(web_session, request.headers.get(CSRF_HEADER))
    return session_client(web_session)


async def session_of(request: Request) -> WebSession | None:
    """The live browser session of the request's cookie (looked up once per request)."""
    if hasattr(request.state, "web_session"):
        cached: WebSession | None = request.state.web_session
        return cached
    token = request.cookies.get(SESSION_COOKIE)
    web_session = None
    if token:
        users = resources_of(request).users
        try:
            web_session = await run_in_threadpool(users.session_for_token, token)
        except AuthenticationError:
            web_session = None
    request.state.web_session = web_session
    return web_session


def check_csrf(web_session: WebSession, sent: str | None) -> None:
    """Raise CsrfError unless ``sent`` is the session's CSRF token."""
    if not sent or not hmac.compare_digest(sent.encode(), web_session.csrf_token.encode()):
        raise CsrfError(f"send the session's CSRF token in the {CSRF_HEADER} header")


def session_client(web_session: WebSession) -> ApiClient:
    """The API client a session acts as: the user's id, username and role."""
    user = web_session.user
    return ApiClient(id=user.id, name=user.username, role=user.role)
