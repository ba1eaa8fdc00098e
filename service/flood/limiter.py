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

from service.settings import Settings
from service.site_settings import Rate

BATCH_MAX = 256
PAUSE_SECONDS = 5.0
PREFIX = "commentdesk:flood"

log = logging.getLogger(__name__)

# ARGV: the number of distinct rates r, then r pairs (capacity, tokens per millisecond), then
# per request one string of its buckets' rate numbers ("1 2 3"). KEYS: every bucket of every
# request, in order. Returns per request wait_ms * 4 + the index of the bucket that refused
# (0: admitted). Few arguments and a flat reply keep the client's share of the work small.
_SCRIPT = """
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local r = tonumber(ARGV[1])
local out, k = {}, 1
for q = 2 * r + 2, #ARGV do
  local wait, which, seen, b = 0, 0, {}, 0
  for rate_index in string.gmatch(ARGV[q], '%d+') do
    b = b + 1
    local cap = tonumber(ARGV[2 * rate_index])
    local rate = tonumber(ARGV[2 * rate_index + 1])
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
    for i = 1, b do
      redis.call('HSET', seen[i][1], 'tokens', seen[i][2] - 1, 'ts', now)
      redis.call('PEXPIRE', seen[i][1], seen[i][3] + 1000)
    end
  end
  out[#out + 1] = wait * 4 + which
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
        keys, args = _script_input(batch)
        try:
            answers = await self._script(keys=keys, args=args)
        except RedisError as exc:
            self._paused_until = time.monotonic() + PAUSE_SECONDS
            log.warning("flood limits not checked for %.0fs: Redis failed: %s", PAUSE_SECONDS, exc)
            answers = [0] * len(batch)
        for (buckets, future), answer in zip(batch, answers, strict=True):
            wait_ms, which = divmod(int(answer), 4)
            refusal = Refusal(buckets[which - 1].dimension, wait_ms / 1000) if wait_ms else None
            if not future.done():
                future.set_result(refusal)

    async def close(self) -> None:
        """Finish the checks in flight and close the connection."""
        if self._writer is not None:
            await self._writer
        await self._redis.aclose()


def _script_input(batch: Sequence[Pending]) -> tuple[list[str], list[float | str]]:
    """The script's KEYS and ARGV for a batch (each distinct rate sent once)."""
    numbers: dict[Rate, int] = {}
    keys: list[str] = []
    requests: list[str] = []
    for buckets, _ in batch:
        keys += [b.key for b in buckets]
        requests.append(
            " ".join(str(numbers.setdefault(b.rate, len(numbers) + 1)) for b in buckets)
        )
    rates: list[float | str] = [len(numbers)]
    for rate in numbers:
        rates += [rate.count, rate.count / (rate.seconds * 1000)]
    return keys, [*rates, *requests]
