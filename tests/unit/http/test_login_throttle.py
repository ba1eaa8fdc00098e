"""Failed sign-ins are counted in Redis: a username that keeps failing is refused for a while."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.errors import TooManySignInsError
from service.http import create_app
from service.login_throttle import LoginThrottle
from service.settings import Settings
from tests.unit.http.signin import PASSWORD, create_user, login_token

LIMIT = 3


@pytest.fixture
def throttled(app_settings: Settings) -> Iterator[TestClient]:
    settings = dataclasses.replace(app_settings, login_max_failures=LIMIT)
    with TestClient(create_app(settings)) as client:
        yield client


def attempt(client: TestClient, username: str, password: str) -> int:
    form = {"username": username, "password": password, "csrf": login_token(client)}
    return client.post("/ui/login", data=form, follow_redirects=False).status_code


def test_repeated_failures_lock_the_username_even_for_the_right_password(
    throttled: TestClient, sessions: sessionmaker[Session]
) -> None:
    victim = create_user(sessions).username
    bystander = create_user(sessions).username

    assert [attempt(throttled, victim, "wrong guess!") for _ in range(LIMIT)] == [401] * LIMIT
    refused = throttled.post(
        "/ui/login",
        data={"username": victim, "password": PASSWORD, "csrf": login_token(throttled)},
        follow_redirects=False,
    )

    assert refused.status_code == 429
    assert 0 < int(refused.headers["Retry-After"]) <= 900
    assert "Too many failed sign-ins" in refused.text
    assert attempt(throttled, bystander, PASSWORD) == 303  # other accounts are unaffected


def test_a_success_clears_the_username_count(
    throttled: TestClient, sessions: sessionmaker[Session]
) -> None:
    user = create_user(sessions).username
    for _ in range(LIMIT - 1):
        assert attempt(throttled, user, "wrong guess!") == 401
    assert attempt(throttled, user, PASSWORD) == 303
    throttled.cookies.clear()
    for _ in range(LIMIT - 1):  # the count started again from zero
        assert attempt(throttled, user, "wrong guess!") == 401
    assert attempt(throttled, user, PASSWORD) == 303


def test_an_address_failing_across_many_usernames_is_refused(redis: Redis) -> None:
    throttle = LoginThrottle(redis, max_failures=2, window_seconds=60)
    for n in range(10):  # 2 x ADDRESS_FACTOR failures, each username only once
        throttle.check(f"user-{n}", "198.51.100.7")
        throttle.failed(f"user-{n}", "198.51.100.7")
    with pytest.raises(TooManySignInsError):
        throttle.check("someone-new", "198.51.100.7")
    throttle.check("someone-new", "203.0.113.9")  # another address is fine


def test_throttle_without_redis_lets_attempts_through() -> None:
    throttle = LoginThrottle(None, max_failures=1, window_seconds=60)
    throttle.failed("ann", "192.0.2.1")
    throttle.failed("ann", "192.0.2.1")
    throttle.check("ann", "192.0.2.1")  # no counter store: nothing to refuse on
