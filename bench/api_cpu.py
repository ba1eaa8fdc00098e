"""What the API process costs in CPU per accepted comment, against a bare baseline in the same run.

    python -m bench.api_cpu [--rate 500] [--duration 15] [--rounds 3] [--keep]
        [--postgres-url URL]

Starts an embedded Valkey, the bare Starlette POST→LPUSH app (``bench/baseline_app.py``) and
``commentdesk api`` alone (SQLite in a temp data dir, or a fresh schema of ``--postgres-url``;
migrated, one site key, the flood limiter on as in ``bench.throughput``; no workers, so only the
API's own work is measured and nothing else competes for the two cores but the load generator).
Then, ``--rounds`` times, the same
fixed-rate open-loop load (``bench/loadgen.py``, news-length comments from
``bench/news_corpus.py``, fresh bodies each round) is sent first to the baseline, then to the API;
the CPU time of each process (user + system, ``/proc/<pid>/stat``) over the phase is divided by the
202s it sent. Prints the medians in ms per comment and writes every round to ``--out``. On
PostgreSQL it also prints the CPU of the API's own server processes (its pooled connections'
backends, told apart by ``application_name``) per comment.

A fixed rate, not a closed loop, because the API's cost per comment depends on the group-commit
batch size, which depends on the arrival rate: the same rate before and after a change compares
like with like. ``--keep`` keeps the work directory and prints the API's pid, so
``py-spy record --pid <pid>`` can profile a round.
"""

from __future__ import annotations

import argparse
import contextlib
import dataclasses
import json
import shutil
import signal
import statistics
import sys
import tempfile
import urllib.request
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from bench.analysis import ACCEPTED
from bench.backing import PostgresSchema, backend_pids, fresh_schema, start_redis
from bench.children import Child, Children, free_port, wait_ready
from bench.cpu import CpuMeter, cpu_by_pid, spent, spent_by_pids
from bench.phases import Load, run_loadgen
from bench.stack import (
    CLI,
    READY_TIMEOUT_S,
    ServiceStack,
    limiter_env,
    service_env,
    start_baseline,
)

BATCH_METRIC = "commentdesk_intake_batch_size"


@dataclasses.dataclass(frozen=True)
class Target:
    """A process under load: where to send, with which key, and its metrics (the API's)."""

    child: Child
    url: str
    key: str | None
    metrics_url: str | None
    database: PostgresSchema | None = None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.api_cpu", description=__doc__)
    add = parser.add_argument
    add("--rate", type=float, default=500.0, help="offered comments/s (default 500)")
    add("--duration", type=float, default=15.0, help="seconds per phase (default 15)")
    add("--rounds", type=int, default=3, help="baseline + API phases (default 3)")
    add("--warmup", type=float, default=3.0, help="seconds of warm-up per process (default 3)")
    add("--connections", type=int, default=64, help="keep-alive connections (default 64)")
    add(
        "--closed",
        action="store_true",
        help="closed loop instead of a fixed rate: each connection sends its next request when "
        "the last is answered (--connections 1: every batch holds exactly one comment)",
    )
    add(
        "--limiter-off",
        action="store_true",
        help="run the API with every flood bucket off (no Redis call per submission)",
    )
    add(
        "--postgres-url",
        help="run the API on a fresh schema of this PostgreSQL database instead of SQLite "
        "(created, migrated and dropped); its server processes' CPU is reported too",
    )
    add("--out", type=Path, help="JSON file of every round (default: none)")
    add("--keep", action="store_true", help="keep the work directory (logs, database)")
    return parser


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _batches(metrics_url: str | None) -> tuple[float, float]:
    """(submissions, batches) written by the API so far, from its intake batch histogram."""
    if metrics_url is None:
        return 0.0, 0.0
    with urllib.request.urlopen(metrics_url, timeout=10) as answer:  # noqa: S310 (loopback)
        text = answer.read().decode()
    found = dict.fromkeys(("sum", "count"), 0.0)
    for line in text.splitlines():
        for part in found:
            if line.startswith(f"{BATCH_METRIC}_{part} "):
                found[part] = float(line.split()[1])
    return found["sum"], found["count"]


def _phase(children: Children, target: Target, load: Load, out: Path) -> dict[str, float]:
    meter = CpuMeter({"process": [target.child.process.pid]})
    batches_before = _batches(target.metrics_url)
    server_before = _server_cpu(target.database, None)
    before = meter.sample()
    raw = run_loadgen(children, target.url, target.key, load, out)
    cpu = spent(before, meter.sample())["process"]
    server_after = _server_cpu(target.database, server_before)
    batches_after = _batches(target.metrics_url)
    if load.mode == "open":
        accepted = sum(1 for code in raw["status"] if code == ACCEPTED)
        other = len(raw["status"]) - accepted
    else:  # every 202 of the phase, its first second included, like the CPU
        accepted = len(raw["ids"])
        other = sum(n for code, n in raw["codes"].items() if int(code) != ACCEPTED)
    batches = batches_after[1] - batches_before[1]
    return {
        "accepted": accepted,
        "other": other,
        "cpu_s": round(cpu, 3),
        "cpu_ms_per_comment": round(1000 * cpu / max(1, accepted), 4),
        **_server_figures(server_before, server_after, accepted),
        # Per-batch work is shared by the batch: the same rate can give other batch sizes.
        "mean_batch": round((batches_after[0] - batches_before[0]) / batches, 2) if batches else 0,
    }


def _server_cpu(
    database: PostgresSchema | None, before: dict[int, float] | None
) -> dict[int, float] | None:
    """CPU so far of the run's PostgreSQL backends: those connected now, and (at the end of a
    phase) those of the start, so a backend that closed is not mistaken for no work."""
    if database is None:
        return None
    pids = set(backend_pids(database)) | set(before or ())
    return cpu_by_pid(pids)


def _server_figures(
    before: dict[int, float] | None, after: dict[int, float] | None, accepted: int
) -> dict[str, float]:
    if before is None or after is None:
        return {}
    cpu = spent_by_pids(before, after)
    return {
        "server_cpu_s": round(cpu, 3),
        "server_cpu_ms_per_comment": round(1000 * cpu / max(1, accepted), 4),
    }


def _database(args: argparse.Namespace, stack: contextlib.ExitStack) -> PostgresSchema | None:
    if not args.postgres_url:
        return None
    schema = fresh_schema(args.postgres_url)
    stack.callback(schema.drop)
    print(f"PostgreSQL schema {schema.name}", flush=True)
    return schema


def run(args: argparse.Namespace, stack: contextlib.ExitStack) -> dict[str, Any]:
    """Every phase in order; cleanup callbacks go on ``stack``."""
    work = Path(tempfile.mkdtemp(prefix="commentdesk-apicpu-"))
    if not args.keep:
        stack.callback(shutil.rmtree, work, ignore_errors=True)
    print(f"work directory: {work}", flush=True)
    redis = start_redis(None, work)
    stack.callback(redis.close)
    children = Children(work)
    stack.callback(children.stop_all)
    base, base_url = start_baseline(children, redis.url)
    database = _database(args, stack)
    env = service_env(work / "data", database.url if database else None, redis.url, free_port())
    if args.limiter_off:
        env.update(limiter_env(False))
    service = ServiceStack(children, env, 0)
    key = service.prepare()
    api = children.start("api", [*CLI, "api"], service.env)
    # /healthz, not /readyz: readiness also wants a live worker, and none runs here.
    wait_ready(f"{service.base_url}/healthz", children, READY_TIMEOUT_S)
    print(f"api pid {api.process.pid}, baseline pid {base.process.pid}", flush=True)
    targets = {
        "baseline": Target(base, f"{base_url}/v1/comments", None, None),
        "api": Target(
            api, f"{service.base_url}/v1/comments", key, f"{service.base_url}/metrics", database
        ),
    }
    mode = "closed" if args.closed else "open"
    load = Load(mode, args.duration, args.connections, rate=args.rate)
    warm = Load(mode, args.warmup, args.connections, rate=args.rate, seed=99)
    for name, target in targets.items():
        run_loadgen(children, target.url, target.key, warm, work / f"warm-{name}.json")
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
    for n in range(args.rounds):
        for name, target in targets.items():
            phase = dataclasses.replace(load, seed=n + 1)
            figures = _phase(children, target, phase, work / f"{name}-{n}.json")
            rounds[name].append(figures)
            print(f"round {n + 1} {name}: {figures}", flush=True)
    median = {
        name: statistics.median(r["cpu_ms_per_comment"] for r in runs)
        for name, runs in rounds.items()
    }
    if database is not None:
        median["postgres"] = statistics.median(
            r["server_cpu_ms_per_comment"] for r in rounds["api"]
        )
    return {
        "mode": mode,
        "database": "postgres" if database else "sqlite",
        "rate": args.rate,
        "connections": args.connections,
        "duration_s": args.duration,
        "rounds": rounds,
        "median": median,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the rounds, print the medians, clean up on every exit path."""
    args = _parser().parse_args(list(sys.argv[1:] if argv is None else argv))
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with contextlib.ExitStack() as stack:
            result = run(args, stack)
    except KeyboardInterrupt:
        print("interrupted; every started process was stopped", file=sys.stderr)
        return 130
    med = result["median"]
    how = f"closed loop, {args.connections} connection(s)" if args.closed else f"{args.rate:g}/s"
    print(
        f"median CPU ms per accepted comment ({how}): "
        f"api {med['api']:.3f}, baseline {med['baseline']:.3f}, "
        f"api - baseline {med['api'] - med['baseline']:.3f}"
        + (
            f", postgres server (the API's backends) {med['postgres']:.3f}"
            if "postgres" in med
            else ""
        )
    )
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
