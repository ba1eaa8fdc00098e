"""Reading Redis URLs: plain servers go to redis-py, Sentinel URLs are parsed here."""

from __future__ import annotations

from typing import Any

import pytest
from redis.sentinel import SentinelConnectionPool

from service.errors import SettingsError
from service.redis_url import (
    SentinelUrl,
    check_redis_url,
    connect,
    is_sentinel_url,
    parse_sentinel_url,
    redacted,
)
from service.settings import Settings


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "redis+sentinel://s1:26379,s2:26380/mymaster/0",
            SentinelUrl((("s1", 26379), ("s2", 26380)), "mymaster"),
        ),
        (
            "redis+sentinel://sentinel.internal/cache",
            SentinelUrl((("sentinel.internal", 26379),), "cache"),
        ),
        (
            "rediss+sentinel://:p%40ss@10.0.0.1,10.0.0.2:5000/mymaster/3",
            SentinelUrl(
                (("10.0.0.1", 26379), ("10.0.0.2", 5000)), "mymaster", 3, None, "p@ss", ssl=True
            ),
        ),
        (
            "REDIS+SENTINEL://app:secret@[::1]:26379,[fd00::2]/mymaster/1"
            "?sentinel_username=sen&sentinel_password=tinel",
            SentinelUrl(
                (("::1", 26379), ("fd00::2", 26379)), "mymaster", 1, "app", "secret", "sen", "tinel"
            ),
        ),
    ],
)
def test_parse_sentinel_url_reads_hosts_service_db_and_credentials(
    url: str, expected: SentinelUrl
) -> None:
    assert is_sentinel_url(url)
    assert parse_sentinel_url(url) == expected


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("redis+sentinel://s1:26379", "path is /<service name>"),
        ("redis+sentinel://s1:26379/", "path is /<service name>"),
        ("redis+sentinel://s1/mymaster/0/extra", "path is /<service name>"),
        ("redis+sentinel://s1/mymaster/zero", "must be an integer"),
        ("redis+sentinel://s1:port/mymaster", "'port' is not a port"),
        ("redis+sentinel://s1:70000/mymaster", "is not a port"),
        ("redis+sentinel://s1,,s2/mymaster", "host\\[:port\\] for every Sentinel"),
        ("redis+sentinel:///mymaster", "host\\[:port\\] for every Sentinel"),
        ("redis+sentinel://s1/mymaster?socket_timeout=1", "unknown Sentinel URL option"),
    ],
)
def test_parse_sentinel_url_says_what_is_wrong(url: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_sentinel_url(url)


def test_check_redis_url_accepts_servers_and_sentinels_and_refuses_the_rest() -> None:
    for url in (
        "redis://h:6379/0",
        "rediss://h/1",
        "unix:///run/redis.sock",
        "redis+sentinel://s/m",
    ):
        check_redis_url(url)
    with pytest.raises(ValueError, match="redis://"):
        check_redis_url("http://h:6379")


def test_a_bad_redis_url_stops_the_process_at_start_without_showing_the_password() -> None:
    with pytest.raises(SettingsError) as raised:
        Settings.from_env({"REDIS_URL": "redis+sentinel://:hunter2@s1/mymaster/x"})

    assert "REDIS_URL='redis+sentinel://:***@s1/mymaster/x' is invalid" in raised.value.detail
    assert "hunter2" not in raised.value.detail
    assert Settings.from_env({"COMMENTDESK_REDIS_URL": "redis+sentinel://s1/m"}).redis_url == (
        "redis+sentinel://s1/m"
    )


def test_connect_builds_a_client_of_the_master_the_sentinels_name() -> None:
    client = connect(
        "redis+sentinel://app:secret@s1:26379,s2/mymaster/2?sentinel_password=tinel",
        socket_connect_timeout=1.0,
        socket_timeout=5.0,
    )
    try:
        pool = client.connection_pool
        assert isinstance(pool, SentinelConnectionPool)
        assert pool.service_name == "mymaster"
        kwargs: dict[str, Any] = pool.connection_kwargs
        assert (kwargs["db"], kwargs["username"], kwargs["password"]) == (2, "app", "secret")
        assert kwargs["socket_timeout"] == 5.0
        sentinels = pool.sentinel_manager.sentinels
        addresses = [
            (
                s.connection_pool.connection_kwargs["host"],
                s.connection_pool.connection_kwargs["port"],
            )
            for s in sentinels
        ]
        assert addresses == [("s1", 26379), ("s2", 26379)]
        sentinel_kwargs = sentinels[0].connection_pool.connection_kwargs
        assert sentinel_kwargs["password"] == "tinel"
        assert sentinel_kwargs["socket_connect_timeout"] == 1.0
    finally:
        client.close()


def test_redacted_hides_passwords_only() -> None:
    assert redacted("redis://:pw@h:6379/0") == "redis://:***@h:6379/0"
    assert redacted("redis://user:pw@h/0") == "redis://user:***@h/0"
    assert redacted("redis://h:6379/0") == "redis://h:6379/0"
    assert (
        redacted("redis+sentinel://a,b/m?sentinel_username=u&sentinel_password=x")
        == "redis+sentinel://a,b/m?sentinel_username=u&sentinel_password=***"
    )
