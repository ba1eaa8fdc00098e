"""Throughput benchmark: the service on loopback at a fixed rate, against a bare baseline.

    python -m bench.throughput [--rate 1000] [--duration 60] [--workers 2]
        [--postgres-url URL] [--redis-url URL] [--out bench/results/NAME.json]

See bench/README.md for what each figure means.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import datetime as dt
import os
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from bench.backing import fresh_schema, start_redis
from bench.children import Children, free_port
from bench.decisions import DecisionReader
from bench.limiter import limiter_cost
from bench.phases import Load, ServiceRun, baseline
from bench.report import print_table, targets, write_json
from bench.stack import ServiceStack, service_env
from bench.storage import DatabaseSize
from service.settings import Settings

RESULTS = Path(__file__).parent / "results"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__)
    add = parser.add_argument
    add("--rate", type=float, default=1000.0, help="offered comments/s (default 1000)")
    add("--duration", type=float, default=60.0, help="fixed-rate seconds (default 60)")
    add("--workers", type=int, default=2, help="worker processes (default 2)")
    add("--postgres-url", help="use PostgreSQL (a fresh schema) instead of SQLite")
    add("--redis-url", help="use this Redis (db 13 unless the URL names one; flushed)")
    add("--connections", type=int, default=64, help="keep-alive connections (default 64)")
    add("--max-duration", type=float, default=10.0, help="closed-loop seconds (default 10)")
    add("--warmup", type=float, default=5.0, help="warm-up seconds at rate/5 (default 5)")
    add("--drain-timeout", type=float, default=60.0, help="seconds to wait for decisions")
    add("--out", type=Path, help="JSON result file (default bench/results/<date>-<db>.json)")
    add(
        "--corpus",
        choices=["news", "short"],
        default="news",
        help="comment bodies: news (news-site lengths, median ~250 chars, the default) or short "
        "(the ~108-char templates of the first runs)",
    )
    add("--keep", action="store_true", help="keep the temporary work directory (logs, db)")
    add(
        "--limiter-rounds",
        type=int,
        default=0,
        help="after the maximum, alternate closed-loop phases with the flood limiter off and on "
        "this many times and report its cost (default 0: skip)",
    )
    return parser


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _git_commit() -> str:
    done = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, check=False
    )
    return done.stdout.strip() or "unknown"


def _meta(args: argparse.Namespace, argv: Sequence[str], storage: str) -> dict[str, Any]:
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "command": "python -m bench.throughput " + shlex.join(argv),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "commit": _git_commit(),
        "storage": storage,
        "workers": args.workers,
        "corpus": args.corpus,
    }


def run(args: argparse.Namespace, argv: Sequence[str], stack: contextlib.ExitStack) -> Any:
    """Every phase in order; cleanup callbacks go on ``stack``."""
    work = Path(tempfile.mkdtemp(prefix="commentdesk-bench-"))
    if not args.keep:
        stack.callback(shutil.rmtree, work, ignore_errors=True)
    print(f"work directory: {work}", flush=True)
    redis = start_redis(args.redis_url, work)
    stack.callback(redis.close)
    children = Children(work)
    stack.callback(children.stop_all)
    closed = Load("closed", args.max_duration, args.connections, corpus=args.corpus)
    print(f"baseline: bare Starlette POST→LPUSH, closed loop {args.max_duration:g}s", flush=True)
    base = baseline(children, redis, closed, work)

    database_url = None
    if args.postgres_url:
        schema = fresh_schema(args.postgres_url)
        stack.callback(schema.drop)
        database_url = schema.url
    data_dir = work / "data"
    env = service_env(data_dir, database_url, redis.url, free_port())
    service = ServiceStack(children, env, args.workers)
    key = service.prepare()
    print(f"service: starting API and {args.workers} worker(s)", flush=True)
    service.start()
    storage = f"{'PostgreSQL' if database_url else 'SQLite'} + {redis.kind}"
    db_url = Settings(data_dir=data_dir, database_url=database_url or "").effective_database_url
    reader = DecisionReader(db_url)
    stack.callback(reader.close)
    size = DatabaseSize(db_url)
    stack.callback(size.close)
    runner = ServiceRun(service, key, (reader, size), redis, work)
    opened = dataclasses.replace(closed, mode="open")
    runner.warm_up(
        dataclasses.replace(opened, duration_s=args.warmup, rate=args.rate / 5, seed=7),
        args.drain_timeout,
    )
    print(f"fixed rate: {args.rate:g}/s for {args.duration:g}s", flush=True)
    fixed = runner.fixed_rate(
        dataclasses.replace(opened, duration_s=args.duration, rate=args.rate, seed=1),
        args.drain_timeout,
    )
    print(f"service maximum: closed loop {args.max_duration:g}s", flush=True)
    # Another seed: fresh bodies, so the maximum phase does not replay the fixed-rate ones.
    smax = runner.maximum(dataclasses.replace(closed, seed=3), args.drain_timeout)
    limiter = None
    if args.limiter_rounds:
        print(f"flood limiter: {args.limiter_rounds} round(s) off/on, closed loop", flush=True)
        limiter = limiter_cost(
            service, key, reader, closed, args.limiter_rounds, work, args.drain_timeout
        )
    service.stop()
    result = {
        "meta": _meta(args, argv, storage),
        "baseline": base,
        "service_max": smax,
        "ratio_service_to_baseline": smax["max_accepted_per_s"] / base["max_accepted_per_s"],
        "fixed_rate": fixed,
        "limiter": limiter,
    }
    result["targets"] = targets(fixed, args.duration)
    return result


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark, print the table, write the JSON; clean up on every exit path."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with contextlib.ExitStack() as stack:
            result = run(args, argv, stack)
    except KeyboardInterrupt:
        print("interrupted; every started process was stopped", file=sys.stderr)
        return 130
    db = "postgres" if args.postgres_url else "sqlite"
    out = args.out or RESULTS / f"{dt.date.today().isoformat()}-{db}-{args.rate:g}.json"
    write_json(result, out)
    print_table(result)
    print(f"results written to {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
