"""Failed sign-ins, counted in Redis, so a password cannot be guessed at speed.

Each failure counts against the username and against the client address; either reaching its
limit within the window refuses further attempts (even a right password) until the window
lapses. A success clears the username's count. If Redis is down the throttle lets attempts
through (logged): sign-in stays possible, and scrypt still makes each guess expensive.
"""

from __future__ import annotations

import logging

from redis import Redis
from redis.exceptions import RedisError

from service.errors import TooManySignInsError

log = logging.getLogger(__name__)

# An address may fail for several users (a shared office NAT): a looser limit than per user.
ADDRESS_FACTOR = 5


class LoginThrottle:
    """Counts failures per username and per address within ``window_seconds``."""

    def __init__(self, redis: Redis | None, max_failures: int, window_seconds: float) -> None:
        self._redis = redis
        self._max = max_failures
        self._window = max(1, round(window_seconds))

    def check(self, username: str, address: str) -> None:
        """Raise TooManySignInsError while either count is at its limit."""
        if self._redis is None:
            return
        keys = [_user_key(username), _address_key(address)]
        try:
            counts = self._redis.mget(keys)
            waits = [self._redis.ttl(k) for k in keys]
        except RedisError:
            log.warning("sign-in throttle unavailable: Redis error", exc_info=True)
            return
        limits = (self._max, self._max * ADDRESS_FACTOR)
        for count, limit, wait in zip(counts, limits, waits, strict=True):
            if count is not None and int(count) >= limit:
                raise TooManySignInsError(
                    "too many failed sign-ins; try again later", retry_after=max(1, wait)
                )

    def failed(self, username: str, address: str) -> None:
        """Count one failure for both keys; the window starts at the first failure."""
        if self._redis is None:
            return
        try:
            with self._redis.pipeline() as pipe:
                for key in (_user_key(username), _address_key(address)):
                    pipe.set(key, 0, ex=self._window, nx=True)
                    pipe.incr(key)
                pipe.execute()
        except RedisError:
            log.warning("sign-in failure not counted: Redis error", exc_info=True)

    def succeeded(self, username: str) -> None:
        """Forget the username's failures (the address keeps its count)."""
        if self._redis is None:
            return
        try:
            self._redis.delete(_user_key(username))
        except RedisError:
            log.warning("sign-in throttle not reset: Redis error", exc_info=True)


def _user_key(username: str) -> str:
    return f"commentdesk:signin-failures:user:{username.strip().lower()}"


def _address_key(address: str) -> str:
    return f"commentdesk:signin-failures:addr:{address}"
