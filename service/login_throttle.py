"""Sign-in attempts, counted in Redis, so a password cannot be guessed at speed.

Each attempt is counted against the username and the client address *before* the password is
checked, in one Lua script, so requests in flight at the same time cannot all slip under the
limit. Reaching either limit within the window refuses further attempts (even a right password)
until the window lapses. A success clears the username's count and takes itself back off the
address's, so only failures add up. If Redis is down the throttle lets attempts through
(logged): sign-in stays possible, and scrypt still makes each guess expensive.
"""

from __future__ import annotations

import logging
from typing import Any

from redis import Redis
from redis.exceptions import RedisError

from service.errors import TooManySignInsError

log = logging.getLogger(__name__)

# An address may fail for several users (a shared office NAT): a looser limit than per user.
ADDRESS_FACTOR = 5

# KEYS: the username's and the address's counters. ARGV: the window, then each key's limit.
# Returns the seconds to wait when an attempt is over a limit, else 0.
_COUNT_ATTEMPT = """
local wait = 0
for i, key in ipairs(KEYS) do
  local count = redis.call('INCR', key)
  if count == 1 then redis.call('EXPIRE', key, ARGV[1]) end
  if count > tonumber(ARGV[i + 1]) then
    wait = math.max(wait, redis.call('TTL', key), 1)
  end
end
return wait
"""


class LoginThrottle:
    """Counts sign-in attempts per username and per address within ``window_seconds``."""

    def __init__(self, redis: Redis | None, max_failures: int, window_seconds: float) -> None:
        self._redis = redis
        self._max = max_failures
        self._window = max(1, round(window_seconds))
        self._script: Any = redis.register_script(_COUNT_ATTEMPT) if redis is not None else None

    def attempt(self, username: str, address: str) -> None:
        """Count an attempt; TooManySignInsError if it is over either limit."""
        if self._script is None:
            return
        keys = [_user_key(username), _address_key(address)]
        try:
            wait = int(self._script(keys=keys, args=[self._window, self._max, self._limit_ip]))
        except RedisError:
            log.warning("sign-in throttle unavailable: Redis error", exc_info=True)
            return
        if wait > 0:
            raise TooManySignInsError("too many failed sign-ins; try again later", wait)

    @property
    def _limit_ip(self) -> int:
        return self._max * ADDRESS_FACTOR

    def succeeded(self, username: str, address: str) -> None:
        """Forget the username's attempts; the address's count loses this (good) one."""
        if self._redis is None:
            return
        try:
            with self._redis.pipeline() as pipe:
                pipe.delete(_user_key(username))
                pipe.decr(_address_key(address))
                pipe.execute()
        except RedisError:
            log.warning("sign-in throttle not reset: Redis error", exc_info=True)


def _user_key(username: str) -> str:
    return f"commentdesk:signin-failures:user:{username.strip().lower()}"


def _address_key(address: str) -> str:
    return f"commentdesk:signin-failures:addr:{address}"
