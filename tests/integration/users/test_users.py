"""The Users use cases on a real database: accounts, authentication, sessions and expiry."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Role
from service.errors import AuthenticationError, UserExistsError, ValidationError
from service.models import UserRow, WebSessionRow
from service.passwords import verify_password
from service.users import Users, digest_token
from tests.integration.http.signin import PASSWORD
from tests.integration.users.conftest import Clock


def test_create_user_stores_a_salted_hash_not_the_password(
    users: Users, sessions: sessionmaker[Session]
) -> None:
    ann = users.create_user("Ann", PASSWORD, Role.MODERATOR)
    bo = users.create_user("bo", PASSWORD, Role.OPS)

    with sessions() as session:
        stored = dict(session.execute(select(UserRow.username, UserRow.password_hash)).all())
    assert (ann.username, ann.role, bo.role) == ("ann", Role.MODERATOR, Role.OPS)
    assert PASSWORD not in stored["ann"]
    assert stored["ann"] != stored["bo"]
    assert verify_password(PASSWORD, stored["ann"])


def test_create_user_refuses_a_taken_name(users: Users) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)

    with pytest.raises(UserExistsError, match="already exists"):
        users.create_user("ANN", PASSWORD, Role.OPS)


@pytest.mark.parametrize(
    ("username", "password", "role", "pointer"),
    [
        ("a", PASSWORD, Role.MODERATOR, "/username"),
        ("ann smith", PASSWORD, Role.MODERATOR, "/username"),
        ("-ann", PASSWORD, Role.MODERATOR, "/username"),
        ("ann", "short", Role.MODERATOR, "/password"),
        ("ann", "x" * 1025, Role.MODERATOR, "/password"),
        ("news-site", PASSWORD, Role.SITE, "/role"),
    ],
)
def test_create_user_validates_name_password_and_role(
    users: Users, username: str, password: str, role: Role, pointer: str
) -> None:
    with pytest.raises(ValidationError) as caught:
        users.create_user(username, password, role)

    assert [e.pointer for e in caught.value.errors] == [pointer]


def test_authenticate_gives_one_error_for_unknown_user_and_wrong_password(users: Users) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)

    assert users.authenticate(" Ann ", PASSWORD).username == "ann"
    with pytest.raises(AuthenticationError) as wrong:
        users.authenticate("ann", PASSWORD + "!")
    with pytest.raises(AuthenticationError) as unknown:
        users.authenticate("nobody", PASSWORD)
    assert wrong.value.detail == unknown.value.detail == "wrong username or password"


def test_authenticate_refuses_a_disabled_user(
    users: Users, sessions: sessionmaker[Session], clock: Clock
) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)
    with sessions.begin() as session:
        session.execute(update(UserRow).values(disabled_at=clock.now))

    with pytest.raises(AuthenticationError):
        users.authenticate("ann", PASSWORD)


def test_open_session_stores_only_the_token_digest(
    users: Users, sessions: sessionmaker[Session], clock: Clock
) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)

    token, opened = users.open_session(ann)

    with sessions() as session:
        row = session.scalars(select(WebSessionRow)).one()
    assert row.token_hash == digest_token(token) != token
    assert len(token) >= 43  # 32 random bytes, urlsafe base64
    assert opened.expires_at == clock.now + timedelta(seconds=600)
    assert row.csrf_token == opened.csrf_token
    assert len(opened.csrf_token) >= 43
    assert users.session_for_token(token) == opened


def test_session_for_token_refuses_expired_closed_and_unknown_tokens(
    users: Users, clock: Clock
) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)
    token, _ = users.open_session(ann)
    other, _ = users.open_session(ann)

    clock.now += timedelta(seconds=599)
    assert users.session_for_token(token).user == ann
    clock.now += timedelta(seconds=1)
    with pytest.raises(AuthenticationError):
        users.session_for_token(token)
    clock.now -= timedelta(seconds=10)
    users.close_session(other)
    with pytest.raises(AuthenticationError):
        users.session_for_token(other)
    with pytest.raises(AuthenticationError):
        users.session_for_token("not-a-token")


def test_opening_a_session_deletes_only_expired_sessions(
    users: Users, sessions: sessionmaker[Session], clock: Clock
) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)
    expired, _ = users.open_session(ann)
    clock.now += timedelta(seconds=300)
    fresh, _ = users.open_session(ann)
    clock.now += timedelta(seconds=301)

    users.open_session(ann)

    with sessions() as session:
        stored = set(session.scalars(select(WebSessionRow.token_hash)))
    assert digest_token(expired) not in stored
    assert digest_token(fresh) in stored
    assert users.session_for_token(fresh).user == ann


def test_disabling_a_user_ends_their_sessions(
    users: Users, sessions: sessionmaker[Session], clock: Clock
) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)
    token, _ = users.open_session(ann)
    with sessions.begin() as session:
        session.execute(update(UserRow).values(disabled_at=clock.now))

    with pytest.raises(AuthenticationError):
        users.session_for_token(token)
