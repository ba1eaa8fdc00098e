"""The load generator process: open loop at a fixed rate, or closed loop at maximum throughput.

Open loop: request i is due at ``start + i / rate`` whatever happened to earlier requests, and its
latency is measured from that due time, so queueing inside the generator (all connections busy
because the server is slow) counts against the server instead of being hidden (no coordinated
omission). Closed loop: every connection sends its next request as soon as the previous answer
arrives; the completion rate is the server's maximum.

Run as ``python -m bench.loadgen ...``; it writes one JSON file of raw results.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import uvloop

from bench.corpus import payload_bodies
from bench.http1 import Connection, post_request, split_url
from bench.news_corpus import news_payload_bodies

NOT_SENT = -1
MIN_SLEEP_S = 0.001  # the event loop's timer resolution; shorter sleeps would spin
CLOSED_POOL_MIN = 40_000
CORPORA = {"news": news_payload_bodies, "short": payload_bodies}


def _comment_id(body: bytes) -> str | None:
    try:
        value = json.loads(body).get("id")
    except (ValueError, AttributeError):
        return None
    return str(value) if value is not None else None


class OpenLoop:
    """A fixed-rate timetable over a pool of connections."""

    def __init__(self, requests: Sequence[bytes], rate: float, grace_s: float) -> None:
        self.requests = requests
        self.rate = rate
        self.grace_s = grace_s
        total = len(requests)
        self.status = [NOT_SENT] * total
        self.due = [0.0] * total
        self.picked = [0.0] * total
        self.done = [0.0] * total
        self.ids: list[str | None] = [None] * total
        self.schedule_lag: list[float] = []
        self.completed = 0
        self.queue: asyncio.Queue[int] = asyncio.Queue()

    async def _serve(self, conn: Connection) -> None:
        for _ in range(len(self.requests)):
            i = await self.queue.get()
            self.picked[i] = time.perf_counter()
            code, body = await conn.send(self.requests[i])
            self.done[i] = time.perf_counter()
            self.status[i] = code
            if code == 202:
                self.ids[i] = _comment_id(body)
            self.completed += 1

    async def run(self, conns: Sequence[Connection]) -> float:
        """Offer every request on schedule; returns the perf_counter time of request 0's slot."""
        tasks = [asyncio.create_task(self._serve(c)) for c in conns]
        total = len(self.requests)
        start = time.perf_counter() + 0.1
        hard_deadline = start + total / self.rate + self.grace_s
        i = 0
        while i < total and time.perf_counter() < hard_deadline:
            now = time.perf_counter()
            due_count = min(total, int((now - start) * self.rate) + 1) if now >= start else 0
            for j in range(i, due_count):
                self.due[j] = start + j / self.rate
                self.schedule_lag.append(now - self.due[j])
                self.queue.put_nowait(j)
            i = max(i, due_count)
            if i < total:
                await asyncio.sleep(max(MIN_SLEEP_S, start + i / self.rate - time.perf_counter()))
        while self.completed < total and time.perf_counter() < hard_deadline:
            await asyncio.sleep(0.05)
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        return start

    def result(self, start: float, wall_offset: float) -> dict[str, Any]:
        """Raw per-request figures; times in ms relative to each request's due time."""
        sent = [i for i, code in enumerate(self.status) if code != NOT_SENT]
        return {
            "mode": "open",
            "rate": self.rate,
            "offered": len(self.requests),
            "t0_wall": start + wall_offset,
            "status": self.status,
            "ids": self.ids,
            "latency_ms": [(self.done[i] - self.due[i]) * 1e3 for i in sent],
            "service_ms": [(self.done[i] - self.picked[i]) * 1e3 for i in sent],
            "dispatch_lag_ms": [(self.picked[i] - self.due[i]) * 1e3 for i in sent],
            "schedule_lag_ms": [lag * 1e3 for lag in self.schedule_lag],
            "span_s": max((self.done[i] for i in sent), default=start) - start,
        }


class ClosedLoop:
    """Every connection sends back to back for ``duration_s``; counts after a warm-up."""

    def __init__(self, requests: Sequence[bytes], duration_s: float, warmup_s: float) -> None:
        self.requests = requests
        self.duration_s = duration_s
        self.warmup_s = warmup_s
        self.codes: dict[int, int] = {}
        self.latency_ms: list[float] = []
        self.ids: list[str] = []
        self._next = itertools.count()

    async def _serve(self, conn: Connection, window: tuple[float, float]) -> None:
        window_start, end = window
        while time.perf_counter() < end:
            raw = self.requests[next(self._next) % len(self.requests)]
            sent = time.perf_counter()
            code, body = await conn.send(raw)
            done = time.perf_counter()
            if code == 202 and (comment_id := _comment_id(body)) is not None:
                self.ids.append(comment_id)
            if window_start <= done <= end:
                self.codes[code] = self.codes.get(code, 0) + 1
                self.latency_ms.append((done - sent) * 1e3)

    async def run(self, conns: Sequence[Connection]) -> float:
        """Drive all connections until the end; returns the start time."""
        start = time.perf_counter()
        window = (start + self.warmup_s, start + self.duration_s)
        tasks = [asyncio.create_task(self._serve(c, window)) for c in conns]
        await asyncio.wait_for(asyncio.gather(*tasks), timeout=self.duration_s + 30.0)
        return start

    def result(self, start: float, wall_offset: float) -> dict[str, Any]:
        """Counts in the measuring window (after the warm-up) and every accepted id."""
        return {
            "mode": "closed",
            "t0_wall": start + wall_offset,
            "window_s": self.duration_s - self.warmup_s,
            "codes": {str(k): v for k, v in sorted(self.codes.items())},
            "latency_ms": self.latency_ms,
            "ids": self.ids,
        }


async def _main(args: argparse.Namespace) -> dict[str, Any]:
    host, port, path = split_url(args.url)
    count = round(args.rate * args.duration) if args.mode == "open" else CLOSED_POOL_MIN
    bodies = CORPORA[args.corpus](count, args.seed)
    requests = [post_request(host, port, path, body, args.key) for body in bodies]
    conns = [Connection(host, port) for _ in range(args.connections)]
    await asyncio.gather(*(c.connect() for c in conns))
    wall_offset = time.time() - time.perf_counter()
    cpu0 = _cpu_seconds()
    runner: OpenLoop | ClosedLoop
    if args.mode == "open":
        runner = OpenLoop(requests, args.rate, args.grace)
    else:
        runner = ClosedLoop(requests, args.duration, args.warmup)
    start = await runner.run(conns)
    result = runner.result(start, wall_offset)
    result.update(connections=args.connections, duration_s=args.duration)
    result["generator_cpu_s"] = _cpu_seconds() - cpu0
    for conn in conns:
        conn.close()
    return result


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.loadgen", description=__doc__)
    parser.add_argument("--url", required=True, help="http://host:port/v1/comments")
    parser.add_argument("--key", help="bearer token")
    parser.add_argument("--mode", choices=["open", "closed"], default="open")
    parser.add_argument("--rate", type=float, default=1000.0, help="open loop: requests/s")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds")
    parser.add_argument("--warmup", type=float, default=1.0, help="closed loop: uncounted s")
    parser.add_argument("--grace", type=float, default=30.0, help="open loop: s to finish")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--corpus",
        choices=sorted(CORPORA),
        default="news",
        help="news: news-site lengths (median ~250 chars); short: the ~108-char templates",
    )
    parser.add_argument("--out", required=True, type=Path)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one load phase and write its raw results."""
    args = _parser().parse_args(argv)
    result = uvloop.run(_main(args))
    args.out.write_text(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
