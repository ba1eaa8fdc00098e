"""Test helpers for browser sessions: accounts with cheap hashes, and signing in a TestClient."""

from __future__ import annotations

import itertools
import re

from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.domain import Role
from service.domain.accounts import User
from service.users import ScryptParams, Users

# Verification reads the cost from the stored hash, so cheap hashes keep sign-in tests fast.
CHEAP = ScryptParams(n=2**8, r=8, p=1)
PASSWORD = "correct horse battery"
_numbers = itertools.count(1)


def create_user(
    sessions: sessionmaker[Session], role: Role = Role.MODERATOR, username: str = ""
) -> User:
    """A new account with ``PASSWORD`` and a cheap hash."""
    name = username or f"{role.value}-{next(_numbers)}"
    return Users(sessions, 3600.0, params=CHEAP).create_user(name, PASSWORD, role)


def login_token(client: TestClient, next_path: str = "") -> str:
    """Open the sign-in form (setting its cookie) and return its hidden CSRF field."""
    query = f"?next={next_path}" if next_path else ""
    page = client.get(f"/ui/login{query}")
    assert page.status_code == 200, page.text
    match = re.search(r'name="csrf" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def sign_in(client: TestClient, username: str, password: str = PASSWORD) -> str:
    """Sign the client in and return the session's CSRF token (from GET /v1/session)."""
    form = {"username": username, "password": password, "csrf": login_token(client)}
    response = client.post("/ui/login", data=form, follow_redirects=False)
    assert response.status_code == 303, response.text
    session = client.get("/v1/session")
    assert session.status_code == 200, session.text
    return str(session.json()["csrf_token"])
