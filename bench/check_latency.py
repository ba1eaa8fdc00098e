"""How fast the pre-submit check answers, as a site sees it.

``python -m bench.check_latency [--requests 1000] [--postgres-url URL]``

Starts ``commentdesk api`` (the real process, with the champion scorer the ASGI factory
injects and the shipped model registered by ``commentdesk migrate``) on loopback with SQLite in
a temporary data directory (or a fresh PostgreSQL schema), warms it up, then sends
``--requests`` ``POST /v1/check`` one after another over one keep-alive connection, with bodies
from the throughput corpus (ordinary, spam and abusive comments). Baseline in the same run:
``GET /healthz`` through the same server and connection. Target (issue 11): check p99 < 30 ms.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import httpx2 as httpx

from bench.backing import fresh_schema, start_redis
from bench.children import Children, free_port, wait_ready
from bench.corpus import comment_payload
from bench.cpu import CpuMeter, spent
from bench.stack import CLI, ServiceStack, service_env

WARMUP = 50
TARGET_P99_MS = 30.0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.check_latency", description=__doc__)
    parser.add_argument("--requests", type=int, default=1000, help="timed checks (default 1000)")
    parser.add_argument("--postgres-url", help="use PostgreSQL (a fresh schema) instead of SQLite")
    return parser


def percentile(samples: Sequence[float], q: float) -> float:
    """The q-quantile by nearest rank."""
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, max(0, round(q * len(ordered)) - 1))]


def timed(call: Callable[[], httpx.Response], count: int) -> list[float]:
    """Milliseconds of ``count`` calls, each checked for a 200."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        response = call()
        samples.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"unexpected {response.status_code}: {response.text[:300]}")
    return samples


def run(args: argparse.Namespace, stack: contextlib.ExitStack) -> dict[str, Any]:
    """Start the API, time checks and the baseline."""
    work = Path(tempfile.mkdtemp(prefix="commentdesk-check-"))
    redis = start_redis(None, work)
    stack.callback(redis.close)
    children = Children(work)
    stack.callback(children.stop_all)
    database_url = None
    if args.postgres_url:
        schema = fresh_schema(args.postgres_url)
        stack.callback(schema.drop)
        database_url = schema.url
    env = service_env(work / "data", database_url, redis.url, free_port())
    service = ServiceStack(children, env, workers=0)
    key = service.prepare()
    api = children.start("api", [*CLI, "api"], service.env)
    meter = CpuMeter({"api": [api.process.pid]})
    wait_ready(f"{service.base_url}/healthz", children, 120.0)
    rng = random.Random(11)
    bodies = [comment_payload(rng) for _ in range(args.requests + WARMUP)]
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=service.base_url, headers=headers, timeout=30.0) as client:
        feed = iter(bodies)
        timed(lambda: client.post("/v1/check", json=next(feed)), WARMUP)
        before = meter.sample()
        checks = timed(lambda: client.post("/v1/check", json=next(feed)), args.requests)
        cpu = spent(before, meter.sample())["api"]
        health = timed(lambda: client.get("/healthz"), args.requests)
    # CPU per check does not depend on what else the machine runs; latency does.
    return {
        "check_ms": _spread(checks),
        "healthz_ms": _spread(health),
        "api_cpu_ms_per_check": round(1000 * cpu / args.requests, 2),
        "load_average": os.getloadavg()[0],
    }


def _spread(samples: Sequence[float]) -> dict[str, float]:
    return {
        "p50": round(statistics.median(samples), 2),
        "p90": round(percentile(samples, 0.90), 2),
        "p99": round(percentile(samples, 0.99), 2),
        "max": round(max(samples), 2),
        "n": len(samples),
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run, print, clean up."""
    args = _parser().parse_args(argv)
    with contextlib.ExitStack() as stack:
        result = run(args, stack)
    check, health = result["check_ms"], result["healthz_ms"]
    verdict = "met" if check["p99"] < TARGET_P99_MS else "MISSED"
    print(f"POST /v1/check ms  p50 {check['p50']}  p90 {check['p90']}  p99 {check['p99']}  "
          f"max {check['max']}  (n={check['n']})  p99 < {TARGET_P99_MS:g}: {verdict}")  # fmt: skip
    print(f"GET /healthz ms    p50 {health['p50']}  p90 {health['p90']}  p99 {health['p99']}  "
          f"max {health['max']}  (baseline, same run)")  # fmt: skip
    load = f"{result['load_average']:.1f} on {os.cpu_count()} cores"
    print(f"API CPU per check {result['api_cpu_ms_per_check']} ms; load average {load}")
    print(f"ratio check/baseline p50 {check['p50'] / health['p50']:.1f}  "
          f"p99 {check['p99'] / health['p99']:.1f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
