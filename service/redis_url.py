"""Opening Redis from a URL: a server (``redis://``, ``rediss://``, ``unix://``) or a Sentinel.

Every process opens Redis through :func:`connect` (or :func:`connect_async` for the event
stream), so a Sentinel URL works wherever ``REDIS_URL`` is read. redis-py's ``from_url`` knows
no Sentinel scheme; this module reads the widely used form

    redis+sentinel://[[user]:password@]host[:port][,host[:port]...]/service_name[/db]
        [?sentinel_username=...&sentinel_password=...]

(``rediss+sentinel://`` for TLS to the master; port 26379 by default). The user and password
are the Redis master's; ``sentinel_username``/``sentinel_password`` are the Sentinels' own, when
they require one. The client asks the Sentinels for the current master on every new connection
and, when a failover demotes the master it was talking to, drops that connection and asks
again (redis-py's ``SentinelConnectionPool``).
"""

from __future__ import annotations

import dataclasses
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from redis import Redis
from redis.asyncio import Redis as AsyncRedis
from redis.asyncio.sentinel import Sentinel as AsyncSentinel
from redis.connection import SSLConnection, parse_url
from redis.sentinel import Sentinel, SentinelManagedConnection
from redis.utils import SENTINEL

# Scheme → whether the connection to the master uses TLS.
SENTINEL_SCHEMES = {"redis+sentinel": False, "rediss+sentinel": True}
DEFAULT_SENTINEL_PORT = 26379
_SENTINEL_OPTIONS = ("sentinel_username", "sentinel_password")


@dataclasses.dataclass(frozen=True)
class SentinelUrl:
    """What a Sentinel URL says: where the Sentinels are and which master to ask them for."""

    sentinels: tuple[tuple[str, int], ...]
    service_name: str
    db: int = 0
    username: str | None = None
    password: str | None = None
    sentinel_username: str | None = None
    sentinel_password: str | None = None
    ssl: bool = False

    def master_kwargs(self) -> dict[str, Any]:
        """Connection arguments for the master (passed to ``master_for``)."""
        found = {"db": self.db, "username": self.username, "password": self.password}
        kwargs = {key: value for key, value in found.items() if value is not None}
        return kwargs | ({"ssl": True} if self.ssl else {})

    def sentinels_of(self, kind: Any, options: dict[str, Any]) -> Any:
        """A redis-py ``Sentinel`` (sync or asyncio ``kind``) for these Sentinels, connecting
        with the socket options of ``options`` and the Sentinels' own credentials."""
        kwargs = {key: value for key, value in options.items() if key.startswith("socket_")}
        if self.sentinel_username is not None:
            kwargs["username"] = self.sentinel_username
        if self.sentinel_password is not None:
            kwargs["password"] = self.sentinel_password
        return kind(list(self.sentinels), sentinel_kwargs=kwargs)


def is_sentinel_url(url: str) -> bool:
    """Whether ``url`` names Redis through Sentinels."""
    return url.partition("://")[0].lower() in SENTINEL_SCHEMES


def check_redis_url(url: str) -> None:
    """Raise ValueError saying what is wrong unless ``url`` is a Redis or Sentinel URL."""
    if is_sentinel_url(url):
        parse_sentinel_url(url)
    else:
        parse_url(url)  # type: ignore[no-untyped-call]  # redis-py's parser names its schemes


def parse_sentinel_url(url: str) -> SentinelUrl:
    """Read a ``redis+sentinel://`` URL; raises ValueError saying what is wrong."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in SENTINEL_SCHEMES:
        raise ValueError(f"a Sentinel URL starts with {' or '.join(SENTINEL_SCHEMES)}://")
    userinfo, _, hosts = parts.netloc.rpartition("@")
    username, password = _credentials(userinfo)
    service_name, db = _service_and_db(parts.path)
    options = _options(parts.query)
    return SentinelUrl(
        sentinels=tuple(_host_port(item) for item in hosts.split(",")),
        service_name=service_name,
        db=db,
        username=username,
        password=password,
        sentinel_username=options.get("sentinel_username"),
        sentinel_password=options.get("sentinel_password"),
        ssl=SENTINEL_SCHEMES[scheme],
    )


def connect(url: str, **options: Any) -> Redis:
    """A client for ``url``; ``options`` are redis-py connection arguments (timeouts, ...)."""
    if not is_sentinel_url(url):
        return Redis.from_url(url, **options)
    target = parse_sentinel_url(url)
    kwargs = target.master_kwargs()
    connection_class = _SentinelSSLConnection if kwargs.pop("ssl", False) else _SentinelConnection
    client: Redis = target.sentinels_of(Sentinel, options).master_for(
        target.service_name,
        redis_class=_SentinelRedis,
        connection_class=connection_class,
        **options,
        **kwargs,
    )
    return client


def connect_async(url: str, **options: Any) -> AsyncRedis:
    """An asyncio client for ``url``, like :func:`connect`."""
    if not is_sentinel_url(url):
        return AsyncRedis.from_url(url, **options)
    target = parse_sentinel_url(url)
    client: AsyncRedis = target.sentinels_of(AsyncSentinel, options).master_for(
        target.service_name, redis_class=_AsyncSentinelRedis, **options, **target.master_kwargs()
    )
    return client


def redacted(url: str) -> str:
    """``url`` with its password (and a Sentinel password option) replaced by ``***``."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "<not a URL>"
    userinfo, at, hosts = parts.netloc.rpartition("@")
    if ":" in userinfo:
        userinfo = userinfo.partition(":")[0] + ":***"
    query = "&".join(
        f"{key}=***" if key == "sentinel_password" else f"{key}={value}"
        for key, value in (item.partition("=")[::2] for item in parts.query.split("&") if item)
    )
    return parts._replace(netloc=f"{userinfo}{at}{hosts}", query=query).geturl()


class _SentinelConnection(SentinelManagedConnection):
    """A connection to the master that is dropped when a read fails, like every other one.

    redis-py 8.1's ``SentinelManagedConnection.read_response`` defaults ``disconnect_on_error``
    to False, unlike its base class and its asyncio twin. A read interrupted by anything but a
    connection error (RQ's SIGTERM handler raises ``StopRequested`` inside the worker's BLPOP)
    then leaves the reply unread on a pooled connection: the next command reads it instead of
    its own (the worker hung for the whole BLPOP timeout, then failed with ``Wrong number of
    response items``).
    """

    def read_response(
        self,
        disable_decoding: bool = False,
        *,
        timeout: float | object = SENTINEL,
        disconnect_on_error: bool | None = True,
        push_request: bool | None = False,
    ) -> Any:
        return super().read_response(
            disable_decoding,
            timeout=timeout,
            disconnect_on_error=disconnect_on_error,
            push_request=push_request,
        )


class _SentinelSSLConnection(_SentinelConnection, SSLConnection):
    """The same, over TLS."""


class _SentinelRedis(Redis):
    """The master's client; closing it also closes its connections to the Sentinels."""

    def close(self) -> None:
        super().close()
        self.connection_pool.sentinel_manager.close()  # type: ignore[attr-defined]


class _AsyncSentinelRedis(AsyncRedis):
    """The asyncio client of the master; closing it also closes its Sentinel connections."""

    async def aclose(self, close_connection_pool: bool | None = None) -> None:
        await super().aclose(close_connection_pool)
        await self.connection_pool.sentinel_manager.aclose()  # type: ignore[attr-defined]


def _credentials(userinfo: str) -> tuple[str | None, str | None]:
    if not userinfo:
        return None, None
    user, has_password, password = userinfo.partition(":")
    return unquote(user) or None, unquote(password) if has_password else None


def _service_and_db(path: str) -> tuple[str, int]:
    segments = [unquote(segment) for segment in path.strip("/").split("/") if segment]
    if not segments or len(segments) > 2:
        raise ValueError("a Sentinel URL's path is /<service name> or /<service name>/<db>")
    if len(segments) == 1:
        return segments[0], 0
    if not segments[1].isdigit():
        raise ValueError(f"the database number must be an integer >= 0, not {segments[1]!r}")
    return segments[0], int(segments[1])


def _host_port(item: str) -> tuple[str, int]:
    if item.startswith("["):  # an IPv6 address: [::1]:26379
        host, _, rest = item[1:].partition("]")
        port_text = rest.removeprefix(":")
    else:
        host, _, port_text = item.partition(":")
    if not host:
        raise ValueError("a Sentinel URL needs host[:port] for every Sentinel, comma-separated")
    if not port_text:
        return host, DEFAULT_SENTINEL_PORT
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"{port_text!r} is not a port (in {item!r})")
    return host, int(port_text)


def _options(query: str) -> dict[str, str]:
    parsed = parse_qs(query, keep_blank_values=True, strict_parsing=False)
    unknown = sorted(set(parsed) - set(_SENTINEL_OPTIONS))
    if unknown:
        raise ValueError(
            f"unknown Sentinel URL option(s) {', '.join(unknown)}; "
            f"known: {', '.join(_SENTINEL_OPTIONS)}"
        )
    return {key: values[-1] for key, values in parsed.items()}
