"""Account administration on a real database: disable, enable, set a password, list."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from service.domain import Role
from service.domain.accounts import Account
from service.errors import AuthenticationError, NotFoundError, ValidationError
from service.models import UserRow, WebSessionRow
from service.passwords import ScryptParams
from service.users import Users
from tests.integration.http.signin import CHEAP, PASSWORD
from tests.integration.users.conftest import Clock

NEW_PASSWORD = "a brand new passphrase"


def session_count(sessions: sessionmaker[Session]) -> int:
    with sessions() as session:
        return session.scalar(select(func.count()).select_from(WebSessionRow)) or 0


def test_disable_user_ends_sessions_and_refuses_sign_in(
    users: Users, sessions: sessionmaker[Session]
) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)
    bo = users.create_user("bo", PASSWORD, Role.OPS)
    first, _ = users.open_session(ann)
    second, _ = users.open_session(ann)
    kept, _ = users.open_session(bo)

    assert users.disable_user(" Ann ") == 2

    for token in (first, second):
        with pytest.raises(AuthenticationError):
            users.session_for_token(token)
    with pytest.raises(AuthenticationError):
        users.authenticate("ann", PASSWORD)
    assert users.session_for_token(kept).user == bo
    assert session_count(sessions) == 1  # the rows are gone, not just unusable


def test_disable_user_is_idempotent_and_keeps_the_first_time(users: Users, clock: Clock) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)
    users.disable_user("ann")
    first = clock.now
    clock.now += timedelta(hours=1)

    assert users.disable_user("ann") == 0

    [account] = users.list_users()
    assert account.disabled_at == first


def test_enable_user_allows_sign_in_again(users: Users) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)
    users.disable_user("ann")

    users.enable_user("ANN")
    users.enable_user("ann")  # enabling an enabled account changes nothing

    ann = users.authenticate("ann", PASSWORD)
    token, _ = users.open_session(ann)
    assert users.session_for_token(token).user == ann
    assert users.list_users()[0].disabled_at is None


def test_set_password_swaps_the_working_password_and_ends_sessions(users: Users) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)
    old, _ = users.open_session(ann)

    assert users.set_password("ann", NEW_PASSWORD) == 1

    with pytest.raises(AuthenticationError):
        users.session_for_token(old)
    with pytest.raises(AuthenticationError):
        users.authenticate("ann", PASSWORD)
    assert users.authenticate("ann", NEW_PASSWORD) == ann


def test_set_password_rehashes_with_the_current_params(
    sessions: sessionmaker[Session], clock: Clock
) -> None:
    Users(sessions, 600.0, clock=clock, params=CHEAP).create_user("ann", PASSWORD, Role.OPS)
    stronger = ScryptParams(n=2**9, r=8, p=1)

    Users(sessions, 600.0, clock=clock, params=stronger).set_password("ann", NEW_PASSWORD)

    with sessions() as session:
        stored = session.scalars(select(UserRow.password_hash)).one()
    assert stored.startswith("scrypt$512$8$1$")


@pytest.mark.parametrize("password", ["short", "x" * 1025])
def test_set_password_validates_like_create_user(users: Users, password: str) -> None:
    ann = users.create_user("ann", PASSWORD, Role.MODERATOR)
    token, _ = users.open_session(ann)

    with pytest.raises(ValidationError) as caught:
        users.set_password("ann", password)

    assert [e.pointer for e in caught.value.errors] == ["/password"]
    assert users.authenticate("ann", PASSWORD) == ann
    assert users.session_for_token(token).user == ann


def test_a_disabled_user_keeps_a_new_password_but_stays_locked_out(users: Users) -> None:
    users.create_user("ann", PASSWORD, Role.MODERATOR)
    users.disable_user("ann")

    users.set_password("ann", NEW_PASSWORD)

    with pytest.raises(AuthenticationError):
        users.authenticate("ann", NEW_PASSWORD)
    users.enable_user("ann")
    assert users.authenticate("ann", NEW_PASSWORD).username == "ann"


def test_unknown_users_are_not_found(users: Users) -> None:
    with pytest.raises(NotFoundError, match="no user named 'ghost'"):
        users.disable_user("Ghost")
    with pytest.raises(NotFoundError):
        users.enable_user("ghost")
    with pytest.raises(NotFoundError):
        users.set_password("ghost", NEW_PASSWORD)


def test_list_users_orders_by_name_with_role_and_state(users: Users, clock: Clock) -> None:
    created = clock.now
    users.create_user("zoe", PASSWORD, Role.OPS)
    users.create_user("ann", PASSWORD, Role.MODERATOR)
    clock.now += timedelta(minutes=5)
    users.disable_user("zoe")

    assert users.list_users() == [
        Account("ann", Role.MODERATOR, created, None),
        Account("zoe", Role.OPS, created, created + timedelta(minutes=5)),
    ]


def test_list_users_is_empty_without_accounts(users: Users) -> None:
    assert users.list_users() == []
