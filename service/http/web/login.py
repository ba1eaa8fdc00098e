"""Signing in and out of the browser workspace: ``/ui/login`` and ``/ui/logout``.

The sign-in form is protected by a double-submit token (cookie ``cd_login_csrf`` and a hidden
field must match), so another site cannot sign a browser in to an account of its choosing.
"""

from __future__ import annotations

import hmac
import secrets
from html import escape
from urllib.parse import parse_qs, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from service.errors import AuthenticationError, MalformedRequestError, TooManySignInsError
from service.http.auth import CSRF_HEADER, SESSION_COOKIE, check_csrf, session_of
from service.http.body import read_bounded
from service.http.resources import resources_of
from service.http.web.sessions import (
    LOGIN_CSRF_COOKIE,
    LOGIN_CSRF_SECONDS,
    clear_session_cookie,
    is_secure,
    set_session_cookie,
)

HOME = "/ui/"
LOGIN = "/ui/login"
FORM_MAX_BYTES = 8192
# Security headers (CSP and companions) come from SecurityHeadersMiddleware on every response.
PAGE_HEADERS = {"Cache-Control": "no-store"}


def routes() -> list[BaseRoute]:
    """The sign-in and sign-out routes."""
    return [
        Route(LOGIN, login_form, methods=["GET"], name="login_form"),
        Route(LOGIN, login, methods=["POST"], name="login"),
        Route("/ui/logout", logout, methods=["POST"], name="logout"),
    ]


def safe_next(target: str | None) -> str:
    """``target`` if it is a path of the workspace on this site, else the workspace home."""
    if not target or not target.startswith(HOME) or "\\" in target:
        return HOME
    if not target.isprintable() or urlsplit(target).netloc or urlsplit(target).scheme:
        return HOME
    return target


async def login_form(request: Request) -> Response:
    """The sign-in form (or straight on, for a browser that is already signed in)."""
    target = safe_next(request.query_params.get("next"))
    if await session_of(request) is not None:
        return RedirectResponse(target, status_code=303, headers=PAGE_HEADERS)
    return render_form(request, target=target)


async def login(request: Request) -> Response:
    """Check the form token and the password; on success open a session and go on."""
    form = await read_form(request)
    target = safe_next(form.get("next"))
    username = form.get("username", "")
    if not _same_token(request.cookies.get(LOGIN_CSRF_COOKIE), form.get("csrf")):
        message = "This sign-in form has expired. Please try again."
        return render_form(request, target=target, username=username, error=message, status=403)
    resources = resources_of(request)
    users, throttle = resources.users, resources.login_throttle
    address = request.client.host if request.client is not None else "unknown"
    try:
        await run_in_threadpool(throttle.attempt, username, address)  # counted before the check
        user = await run_in_threadpool(users.authenticate, username, form.get("password", ""))
    except TooManySignInsError as exc:
        minutes = max(1, round(exc.retry_after / 60))
        message = f"Too many failed sign-ins. Try again in about {minutes} minute(s)."
        response = render_form(request, target=target, username=username, error=message,
                               status=429)  # fmt: skip
        response.headers["Retry-After"] = str(exc.retry_after)
        return response
    except AuthenticationError:
        message = "Wrong username or password."
        return render_form(request, target=target, username=username, error=message, status=401)
    await run_in_threadpool(throttle.succeeded, username, address)
    old = request.cookies.get(SESSION_COOKIE)
    if old:  # a fresh token on every sign-in: a planted cookie never becomes a signed-in one
        await run_in_threadpool(users.close_session, old)
    token, _ = await run_in_threadpool(users.open_session, user)
    response = RedirectResponse(target, status_code=303, headers=PAGE_HEADERS)
    set_session_cookie(response, request, token)
    response.delete_cookie(LOGIN_CSRF_COOKIE, path=LOGIN, secure=is_secure(request))
    return response


async def logout(request: Request) -> Response:
    """End the session (the form must carry its CSRF token) and go to the sign-in page."""
    web_session = await session_of(request)
    if web_session is not None:
        sent = request.headers.get(CSRF_HEADER) or (await read_form(request)).get("csrf")
        check_csrf(web_session, sent)
        token = request.cookies.get(SESSION_COOKIE, "")
        await run_in_threadpool(resources_of(request).users.close_session, token)
    response = RedirectResponse(LOGIN, status_code=303, headers=PAGE_HEADERS)
    clear_session_cookie(response, request)
    return response


async def read_form(request: Request) -> dict[str, str]:
    """The fields of a small urlencoded form (the first value of each)."""
    timeout = resources_of(request).settings.request_timeout_seconds
    raw = await read_bounded(request, FORM_MAX_BYTES, timeout)
    try:
        fields = parse_qs(raw.decode(), keep_blank_values=True, max_num_fields=20)
    except (UnicodeDecodeError, ValueError) as exc:
        raise MalformedRequestError("the form is not valid urlencoded UTF-8") from exc
    return {name: values[0] for name, values in fields.items()}


def _same_token(cookie: str | None, field: str | None) -> bool:
    if not cookie or not field:
        return False
    return hmac.compare_digest(cookie.encode(), field.encode())


def render_form(
    request: Request, *, target: str, username: str = "", error: str = "", status: int = 200
) -> Response:
    """The sign-in page with a fresh login token (in its cookie and its hidden field)."""
    token = secrets.token_urlsafe(32)
    alert = f'<p class="form-error" role="alert">{escape(error)}</p>' if error else ""
    page = PAGE.format(
        alert=alert, csrf=escape(token), next=escape(target), username=escape(username)
    )
    response = HTMLResponse(page, status_code=status, headers=PAGE_HEADERS)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, max_age=LOGIN_CSRF_SECONDS, path=LOGIN,
        secure=is_secure(request), httponly=True, samesite="strict",
    )  # fmt: skip
    return response


PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Sign in · Comment Desk</title>
<link rel="stylesheet" href="/ui/static/app.css">
</head>
<body class="login-page">
<main class="login">
<h1>Comment Desk</h1>
{alert}
<form method="post" action="/ui/login" class="login-form">
<input type="hidden" name="csrf" value="{csrf}">
<input type="hidden" name="next" value="{next}">
<label for="username">Username</label>
<input id="username" name="username" value="{username}" autocomplete="username"
 autocapitalize="none" spellcheck="false" required autofocus>
<label for="password">Password</label>
<input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button>
</form>
</main>
</body>
</html>
"""
