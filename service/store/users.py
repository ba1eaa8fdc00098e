"""Users and their browser sessions; session tokens are stored as SHA-256 digests only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from service.domain import Role
from service.domain.accounts import Account, User, WebSession
from service.models import UserRow, WebSessionRow


def _user(row: UserRow) -> User:
    return User(row.id, row.username, Role(row.role))


def add_user(
    session: Session, *, username: str, password_hash: str, role: Role, now: datetime
) -> User:
    """Store a new account."""
    row = UserRow(username=username, password_hash=password_hash, role=role.value, created_at=now)
    session.add(row)
    session.flush()
    return _user(row)


def find_user(session: Session, username: str) -> tuple[User, str] | None:
    """The enabled user of this name and their stored password hash."""
    row = session.scalars(
        select(UserRow).where(UserRow.username == username, UserRow.disabled_at.is_(None))
    ).first()
    return None if row is None else (_user(row), row.password_hash)


def find_user_id(session: Session, username: str) -> int | None:
    """The id of the account of this name, enabled or not."""
    return session.scalars(select(UserRow.id).where(UserRow.username == username)).first()


def list_accounts(session: Session) -> list[Account]:
    """Every account, ordered by username."""
    rows = session.scalars(select(UserRow).order_by(UserRow.username))
    return [Account(r.username, Role(r.role), r.created_at, r.disabled_at) for r in rows]


def set_disabled(session: Session, user_id: int, disabled_at: datetime | None) -> None:
    """Disable an account (one already disabled keeps its time) or, with None, enable it."""
    query = update(UserRow).where(UserRow.id == user_id).values(disabled_at=disabled_at)
    if disabled_at is not None:
        query = query.where(UserRow.disabled_at.is_(None))
    session.execute(query)


def set_password_hash(session: Session, user_id: int, password_hash: str) -> None:
    """Replace an account's stored password hash."""
    session.execute(
        update(UserRow).where(UserRow.id == user_id).values(password_hash=password_hash)
    )


def delete_user_sessions(session: Session, user_id: int) -> int:
    """Forget every session of one user; returns how many."""
    result = session.execute(delete(WebSessionRow).where(WebSessionRow.user_id == user_id))
    return int(getattr(result, "rowcount", 0) or 0)


def add_web_session(
    session: Session, token_hash: str, web_session: WebSession, *, now: datetime
) -> None:
    """Store a new browser session under its token's digest."""
    session.add(
        WebSessionRow(
            token_hash=token_hash,
            user_id=web_session.user.id,
            csrf_token=web_session.csrf_token,
            created_at=now,
            expires_at=web_session.expires_at,
        )
    )


def find_web_session(session: Session, token_hash: str, now: datetime) -> WebSession | None:
    """The unexpired session with this digest, of a user who is not disabled."""
    found = session.execute(
        select(WebSessionRow, UserRow)
        .join(UserRow, UserRow.id == WebSessionRow.user_id)
        .where(
            WebSessionRow.token_hash == token_hash,
            WebSessionRow.expires_at > now,
            UserRow.disabled_at.is_(None),
        )
    ).first()
    if found is None:
        return None
    row, user = found
    return WebSession(_user(user), row.csrf_token, row.expires_at)


def delete_web_session(session: Session, token_hash: str) -> None:
    """Forget one session."""
    session.execute(delete(WebSessionRow).where(WebSessionRow.token_hash == token_hash))


def delete_expired_sessions(session: Session, now: datetime) -> int:
    """Forget every session that expired by ``now``; returns how many."""
    result = session.execute(delete(WebSessionRow).where(WebSessionRow.expires_at <= now))
    return int(getattr(result, "rowcount", 0) or 0)
