"""People who sign in to the web workspace: accounts, passwords and browser sessions.

API clients use keys (``service.auth``); users are moderators and ops who sign in with a password
and get a session cookie. Passwords are hashed with scrypt (``service.passwords``), which is
memory-hard.
"""

from __future__ import annotations

import functools
import hashlib
import re
import secrets
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import Role
from service.domain.accounts import Account, User, WebSession
from service.errors import (
    AuthenticationError,
    FieldError,
    NotFoundError,
    UserExistsError,
    ValidationError,
)
from service.passwords import DEFAULT_PARAMS, hash_password, verify_password
from service.passwords import ScryptParams as ScryptParams  # part of Users' signature
from service.store import users as store
from service.transaction import transaction

USER_ROLES = (Role.MODERATOR, Role.OPS)  # site keys are machines: they never sign in
USERNAME = re.compile(r"[a-z0-9][a-z0-9._-]{1,63}")
PASSWORD_MIN = 10
PASSWORD_MAX = 1024  # scrypt reads the whole password; bound the work a login can ask for
# Each check holds 32 MiB for ~0.1 s; a flood of sign-ins waits here instead of exhausting memory.
CONCURRENT_HASHES = 4


def digest_token(token: str) -> str:
    """The stored form of a session token (256-bit random, so SHA-256 is enough)."""
    return hashlib.sha256(token.encode()).hexdigest()


def check_new_user(username: str, password: str, role: Role) -> None:
    """Raise ValidationError naming every rule the new account breaks."""
    errors = []
    if not USERNAME.fullmatch(username):
        errors.append(
            FieldError(
                "/username",
                "2 to 64 characters: lowercase letters, digits, '.', '_' or '-', "
                "starting with a letter or digit",
            )
        )
    errors.extend(_password_errors(password))
    if role not in USER_ROLES:
        errors.append(FieldError("/role", "people sign in as moderator or ops, never site"))
    if errors:
        raise ValidationError(errors)


def _password_errors(password: str) -> list[FieldError]:
    if PASSWORD_MIN <= len(password) <= PASSWORD_MAX:
        return []
    return [FieldError("/password", f"must be {PASSWORD_MIN} to {PASSWORD_MAX} characters")]


class Users:
    """Use cases for accounts and their browser sessions."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        session_ttl_seconds: float,
        clock: Callable[[], datetime] = utcnow,
        params: ScryptParams = DEFAULT_PARAMS,
    ) -> None:
        self._sessions = sessions
        self._ttl = timedelta(seconds=session_ttl_seconds)
        self._clock = clock
        self._params = params
        self._hashing = threading.BoundedSemaphore(CONCURRENT_HASHES)

    @functools.cached_property
    def _dummy_hash(self) -> str:
        return hash_password(secrets.token_urlsafe(16), self._params)

    def create_user(self, username: str, password: str, role: Role) -> User:
        """A new account; ValidationError on a bad name, password or role, UserExistsError."""
        username = username.strip().lower()
        check_new_user(username, password, role)
        with self._hashing:
            password_hash = hash_password(password, self._params)
        try:
            with transaction(self._sessions) as session:
                if store.find_user(session, username) is not None:
                    raise UserExistsError(f"a user named {username!r} already exists")
                return store.add_user(
                    session, username=username, password_hash=password_hash, role=role,
                    now=self._clock(),
                )  # fmt: skip
        except IntegrityError as exc:  # a concurrent create of the same name won the race
            raise UserExistsError(f"a user named {username!r} already exists") from exc

    def list_users(self) -> list[Account]:
        """Every account, enabled or not, ordered by username."""
        with transaction(self._sessions) as session:
            return store.list_accounts(session)

    def disable_user(self, username: str) -> int:
        """Lock an account out and end its sessions (how many); NotFoundError if unknown."""
        with transaction(self._sessions) as session:
            user_id = self._existing(session, username)
            store.set_disabled(session, user_id, self._clock())  # keeps an earlier timestamp
            return store.delete_user_sessions(session, user_id)

    def enable_user(self, username: str) -> None:
        """Let a disabled account sign in again; NotFoundError if unknown."""
        with transaction(self._sessions) as session:
            store.set_disabled(session, self._existing(session, username), None)

    def set_password(self, username: str, password: str) -> int:
        """Replace the password and end every session (how many); NotFoundError, ValidationError."""
        errors = _password_errors(password)
        if errors:
            raise ValidationError(errors)
        with self._hashing:
            password_hash = hash_password(password, self._params)
        with transaction(self._sessions) as session:
            user_id = self._existing(session, username)
            store.set_password_hash(session, user_id, password_hash)
            return store.delete_user_sessions(session, user_id)

    @staticmethod
    def _existing(session: Session, username: str) -> int:
        name = username.strip().lower()
        user_id = store.find_user_id(session, name)
        if user_id is None:
            raise NotFoundError(f"no user named {name!r}")
        return user_id

    def authenticate(self, username: str, password: str) -> User:
        """The user if the password is right; the same AuthenticationError for any failure."""
        with transaction(self._sessions) as session:
            found = store.find_user(session, username.strip().lower())
        # Unknown names are checked against a dummy hash, so they take as long as a bad password.
        user, stored = found if found is not None else (None, self._dummy_hash)
        with self._hashing:
            matches = verify_password(password[:PASSWORD_MAX], stored)
        if user is None or not matches or len(password) > PASSWORD_MAX:
            raise AuthenticationError("wrong username or password")
        return user

    def open_session(self, user: User) -> tuple[str, WebSession]:
        """A new session for ``user``: the cookie token (shown once) and the session."""
        token = secrets.token_urlsafe(32)
        now = self._clock()
        web_session = WebSession(user, secrets.token_urlsafe(32), now + self._ttl)
        with transaction(self._sessions) as session:
            store.delete_expired_sessions(session, now)  # cheap (indexed) and keeps the table small
            store.add_web_session(session, digest_token(token), web_session, now=now)
        return token, web_session

    def session_for_token(self, token: str) -> WebSession:
        """The live session of a cookie token; AuthenticationError if unknown or expired."""
        with transaction(self._sessions) as session:
            found = store.find_web_session(session, digest_token(token), self._clock())
        if found is None:
            raise AuthenticationError("the session has expired or was signed out; sign in again")
        return found

    def close_session(self, token: str) -> None:
        """Sign out: forget the session (a no-op if it is already gone)."""
        with transaction(self._sessions) as session:
            store.delete_web_session(session, digest_token(token))
