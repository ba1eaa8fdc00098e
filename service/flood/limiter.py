"""Token buckets in Redis per site key, per author and per client address, checked at intake.

One Lua script checks (and, when every bucket has a token, takes one from each) for many
requests at once: like intake's group commit, the checks of concurrent requests share one
round trip, so the limiter adds almost nothing to a request under load. Time is Redis's
(``TIME``), so API processes on several hosts share one clock. Author ids and addresses are
hashed into the keys; buckets expire once full again.

Redis down: the limiter lets everything through (and logs once per pause). Intake must not
depend on Redis; the near-duplicate rule and moderators remain.
"""

from __future__ import annotations

import asyncio
import dataclasses
import hashlib
import logging
import time
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.exceptions import RedisError

from service.settings import Rate, Settings

BATCH_MAX = 256
PAUSE_SECONDS = 5.0
PREFIX = "commentdesk:flood"

log = logging.getLogger(__name__)

# ARGV: n, then per request: m, then per bucket: capacity, tokens per millisecond.
# KEYS: every bucket of every request, in order. Returns per request {wait ms, bucket index}.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local out, k, a = {}, 1, 2
for r = 1, tonumber(ARGV[1]) do
  local m = tonumber(ARGV[a]); a = a + 1
  local wait, which, seen = 0, 0, {}
  for b = 1, m do
    local cap, rate = tonumber(ARGV[a]), tonumber(ARGV[a + 1]); a = a + 2
    local s = redis.call('HMGET', KEYS[k], 'tokens', 'ts')
    local tokens = math.min(cap, (tonumber(s[1]) or cap) + (now - (tonumber(s[2]) or now)) * rate)
    if tokens < 1 then
      local w = math.ceil((1 - tokens) / rate)
      if w > wait then wait, which = w, b end
    end
    seen[b] = {KEYS[k], tokens, math.ceil(cap / rate)}
    k = k + 1
  end
  if wait == 0 then
    for b = 1, m do
      redis.call('HSET', seen[b][1], 'tokens', seen[b][2] - 1, 'ts', now)
      redis.call('PEXPIRE', seen[b][1], seen[b][3] + 1000)
    end
  end
  out[r] = {wait, which}
end
return out
"""


@dataclasses.dataclass(frozen=True)
class Bucket:
    """One limit a request counts against."""

    dimension: str  # key | author | address
    key: str
    rate: Rate


@dataclasses.dataclass(frozen=True)
class Refusal:
    """A request over a limit: which one, and when it would pass."""

    dimension: str
    retry_after_seconds: float


def buckets_for(
    settings: Settings, site_id: str, author_id: str, address: str | None
) -> list[Bucket]:
    """The buckets a submission counts against under its site's settings."""
    site = settings.site(site_id)
    wanted = [("key", site_id, site.flood_key), ("author", author_id, site.flood_author)]
    if address:
        wanted.append(("address", address, site.flood_address))
    return [
        Bucket(dimension, f"{PREFIX}:{site_id}:{dimension}:{_digest(value)}", rate)
        for dimension, value, rate in wanted
        if rate is not None
    ]


def _digest(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()[:24]


Pending = tuple[Sequence[Bucket], "asyncio.Future[Refusal | None]"]


class FloodLimiter:
    """Checks submissions against their buckets, many per Redis round trip."""

    def __init__(self, redis: Redis, settings: Settings) -> None:
        self._redis = redis
        self._settings = settings
        self._script = redis.register_script(_SCRIPT)
        self._waiting: list[Pending] = []
        self._writer: asyncio.Task[None] | None = None
        self._paused_until = 0.0

    async def admit(self, site_id: str, author_id: str, address: str | None) -> Refusal | None:
        """None when the submission may go ahead, else the limit it is over."""
        buckets = buckets_for(self._settings, site_id, author_id, address)
        if not buckets or time.monotonic() < self._paused_until:
            return None
        future: asyncio.Future[Refusal | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((buckets, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._check_all())
        return await future

    async def _check_all(self) -> None:
        while self._waiting:
            batch = self._waiting[:BATCH_MAX]
            del self._waiting[:BATCH_MAX]
            await self._check(batch)

    async def _check(self, batch: list[Pending]) -> None:
        keys = [b.key for buckets, _ in batch for b in buckets]
        args: list[float] = [len(batch)]
        for buckets, _ in batch:
            args.append(len(buckets))
            for b in buckets:
                args += [b.rate.count, b.rate.count / (b.rate.seconds * 1000)]
        try:
            answers = await self._script(keys=keys, args=args)
        except RedisError as exc:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            log.warning("flood limits not checked for %.0fs: Redis failed: %s", PAUSE_SECONDS, exc)
            answers = [[0, 0]] * len(batch)
        for (buckets, future), (wait_ms, which) in zip(batch, answers, strict=True):
            refusal = None
            if int(wait_ms) > 0:
                refusal = Refusal(buckets[int(which) - 1].dimension, int(wait_ms) / 1000)
            if not future.done():
                future.set_result(refusal)

    async def close(self) -> None:
        """Finish the checks in flight and close the connection."""
        if self._writer is not None:
            await self._writer
        await self._redis.aclose()
