"""Failed sign-ins are counted in Redis: a username that keeps failing is refused for a while."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
from redis import Redis
from sqlalchemy.orm import Session, sessionmaker
from starlette.testclient import TestClient

from service.errors import TooManySignInsError
from service.http import create_app
from service.login_throttle import LoginThrottle
from service.settings import Settings
from tests.integration.http.signin import PASSWORD, create_user, login_token

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


def test_concurrent_wrong_passwords_get_no_more_tries_than_the_limit(
    throttled: TestClient, sessions: sessionmaker[Session]
) -> None:
    # Issue 9, defect 8: counting after the password check let every request in flight through.
    victim = create_user(sessions).username
    token = login_token(throttled)
    form = {"username": victim, "password": "wrong guess!", "csrf": token}

    # Each answer sets a fresh form cookie; every request keeps sending the first one.
    cookie = {"Cookie": f"cd_login_csrf={token}"}

    def send(_: int) -> int:
        response = throttled.post("/ui/login", data=form, headers=cookie, follow_redirects=False)
        return response.status_code

    with ThreadPoolExecutor(max_workers=30) as pool:
        statuses = list(pool.map(send, range(60)))
    assert statuses.count(401) == LIMIT
    assert statuses.count(429) == 60 - LIMIT


def test_an_address_failing_across_many_usernames_is_refused(redis: Redis) -> None:
    throttle = LoginThrottle(redis, max_failures=2, window_seconds=60)
    for n in range(10):  # 2 x ADDRESS_FACTOR failed attempts, each username only once
        throttle.attempt(f"user-{n}", "198.51.100.7")
    with pytest.raises(TooManySignInsError):
        throttle.attempt("someone-new", "198.51.100.7")
    throttle.attempt("someone-new", "203.0.113.9")  # another address is fine


def test_successes_do_not_count_against_an_address(redis: Redis) -> None:
    throttle = LoginThrottle(redis, max_failures=1, window_seconds=60)
    for n in range(20):  # an office NAT: many people signing in fine
        throttle.attempt(f"user-{n}", "198.51.100.7")
        throttle.succeeded(f"user-{n}", "198.51.100.7")
    throttle.attempt("someone-new", "198.51.100.7")


def test_throttle_without_redis_lets_attempts_through() -> None:
    throttle = LoginThrottle(None, max_failures=1, window_seconds=60)
    for _ in range(3):
        throttle.attempt("ann", "192.0.2.1")  # no counter store: nothing to refuse on
