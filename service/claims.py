"""Claims: "I am working on this card", held in Redis for a few minutes.

Claims are advisory. They let other moderators skip a card someone is reading; they never guard a
decision, which the comment version does (StaleDecisionError). So a Redis fault while *listing*
claims degrades to "nobody holds anything" instead of failing the queue page.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError

from service.clock import utcnow
from service.errors import ClaimedError, UnavailableError

log = logging.getLogger(__name__)

KEY_PREFIX = "claim:"

# Take a free claim, or extend one the caller already holds; otherwise report the holder. One
# script, so "is it mine?" and "extend it" cannot interleave with another moderator's claim.
_CLAIM = """
local holder = redis.call('GET', KEYS[1])
if holder == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2], 'NX')
  return {ARGV[1], tonumber(ARGV[2])}
end
if holder == ARGV[1] then
  redis.call('PEXPIRE', KEYS[1], ARGV[2])
  return {holder, tonumber(ARGV[2])}
end
return {holder, redis.call('PTTL', KEYS[1])}
"""

# Delete the claim only when the caller holds it; returns {} when there was none.
_RELEASE = """
local holder = redis.call('GET', KEYS[1])
if holder == false then return {} end
if holder == ARGV[1] then
  redis.call('DEL', KEYS[1])
  return {holder, 0}
end
return {holder, redis.call('PTTL', KEYS[1])}
"""


@dataclasses.dataclass(frozen=True)
class Claim:
    """Who is working on a comment, until when."""

    comment_id: str
    claimed_by: str
    expires_at: datetime


class Claims:
    """Claims on comments, one Redis key ``claim:<comment_id>`` each, expiring on their own."""

    def __init__(
        self, redis: Redis, ttl_seconds: float, clock: Callable[[], datetime] = utcnow
    ) -> None:
        self._redis = redis
        self._ttl_ms = max(1, int(ttl_seconds * 1000))
        self._clock = clock
        self._claim = redis.register_script(_CLAIM)
        self._release = redis.register_script(_RELEASE)

    def claim(self, comment_id: str, username: str) -> Claim:
        """Claim a comment (or extend one's own claim); ClaimedError when another holds it."""
        found = self._run(self._claim, comment_id, username, self._ttl_ms)
        if found is None:
            raise UnavailableError("claims are unavailable: Redis gave an empty reply")
        claim = self._as_claim(comment_id, *found)
        if claim.claimed_by != username:
            raise ClaimedError(claim.claimed_by, claim.expires_at)
        return claim

    def release(self, comment_id: str, username: str) -> bool:
        """Drop one's own claim; False when there was none, ClaimedError when another's."""
        found = self._run(self._release, comment_id, username)
        if found is None:
            return False
        claim = self._as_claim(comment_id, *found)
        if claim.claimed_by != username:
            raise ClaimedError(claim.claimed_by, claim.expires_at)
        return True

    def lookup(self, comment_ids: Sequence[str]) -> dict[str, Claim]:
        """The live claims among ``comment_ids`` (one MGET, one pipelined PTTL round trip)."""
        if not comment_ids:
            return {}
        keys = [KEY_PREFIX + cid for cid in comment_ids]
        try:
            holders = self._redis.mget(keys)
            held = [(cid, h) for cid, h in zip(comment_ids, holders, strict=True) if h is not None]
            pipe = self._redis.pipeline(transaction=False)
            for cid, _ in held:
                pipe.pttl(KEY_PREFIX + cid)
            ttls = pipe.execute()
        except RedisError:
            log.warning("claims not listed: Redis unavailable", exc_info=True)
            return {}
        return {
            cid: self._as_claim(cid, holder, ttl)
            for (cid, holder), ttl in zip(held, ttls, strict=True)
            if ttl > 0  # expired between the two round trips
        }

    def _run(
        self, script: Callable[..., object], comment_id: str, *args: object
    ) -> tuple[object, int] | None:
        try:
            result = script(keys=[KEY_PREFIX + comment_id], args=list(args))
        except RedisError as exc:
            raise UnavailableError(f"claims are unavailable: {exc}") from exc
        if not isinstance(result, list) or not result:
            return None
        return result[0], int(result[1])

    def _as_claim(self, comment_id: str, holder: object, ttl_ms: int) -> Claim:
        name = holder.decode() if isinstance(holder, bytes) else str(holder)
        expires_at = self._clock() + timedelta(milliseconds=max(0, ttl_ms))
        return Claim(comment_id, name, expires_at)
