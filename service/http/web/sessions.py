"""The browser session as pages see it, and the cookies that carry sessions.

Pages call ``session_user(request)``: the signed-in user, or None (then they redirect to the
sign-in page). The cookie holds a random token; the database holds only its SHA-256.
"""

from __future__ import annotations

import dataclasses
from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from service.domain import Role
from service.domain.accounts import WebSession
from service.http.auth import SESSION_COOKIE, session_of
from service.http.resources import resources_of

LOGIN_CSRF_COOKIE = "cd_login_csrf"
LOGIN_CSRF_SECONDS = 3600  # how long a sign-in form stays usable


@dataclasses.dataclass(frozen=True)
class SessionUser:
    """The signed-in user of a browser request."""

    user_id: int
    username: str
    role: Role
    csrf_token: str
    expires_at: datetime


def session_user_of(web_session: WebSession) -> SessionUser:
    """The page-facing view of a session."""
    user = web_session.user
    return SessionUser(
        user.id, user.username, user.role, web_session.csrf_token, web_session.expires_at
    )


async def session_user(request: Request) -> SessionUser | None:
    """The signed-in user of ``request``, or None without a live session cookie."""
    web_session = await session_of(request)
    return None if web_session is None else session_user_of(web_session)


def is_secure(request: Request) -> bool:
    """Whether cookies get ``Secure``: the setting, or else the request's scheme."""
    configured = resources_of(request).settings.cookie_secure
    return request.url.scheme == "https" if configured is None else configured


def set_session_cookie(response: Response, request: Request, token: str) -> None:
    """Give the browser its session token: never readable by scripts, never sent cross-site."""
    max_age = int(resources_of(request).settings.session_ttl_seconds)
    response.set_cookie(
        SESSION_COOKIE, token, max_age=max_age, path="/", secure=is_secure(request),
        httponly=True, samesite="strict",
    )  # fmt: skip


def clear_session_cookie(response: Response, request: Request) -> None:
    """Tell the browser to forget its session token."""
    response.delete_cookie(
        SESSION_COOKIE, path="/", secure=is_secure(request), httponly=True, samesite="strict"
    )
