"""What the API process costs in CPU per accepted comment, against a bare baseline in the same run.

    python -m bench.api_cpu [--rate 500] [--duration 15] [--rounds 3] [--keep]

Starts an embedded Valkey, the bare Starlette POST→LPUSH app (``bench/baseline_app.py``) and
``commentdesk api`` alone (SQLite in a temp data dir, migrated, one site key, the flood limiter on
as in ``bench.throughput``; no workers, so only the API's own work is measured and nothing else
competes for the two cores but the load generator). Then, ``--rounds`` times, the same
fixed-rate open-loop load (``bench/loadgen.py``, news-length comments from
``bench/news_corpus.py``, fresh bodies each round) is sent first to the baseline, then to the API;
the CPU time of each process (user + system, ``/proc/<pid>/stat``) over the phase is divided by the
202s it sent. Prints the medians in ms per comment and writes every round to ``--out``.

A fixed rate, not a closed loop, because the API's cost per comment depends on the group-commit
batch size, which depends on the arrival rate: the same rate before and after a change compares
like with like. ``--keep`` keeps the work directory and prints the API's pid, so
``py-spy record --pid <pid>`` can profile a round.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import signal
import statistics
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from types import FrameType
from typing import Any

from bench.analysis import ACCEPTED
from bench.backing import start_redis
from bench.children import Child, Children, free_port, wait_ready
from bench.cpu import CpuMeter, spent
from bench.phases import Load, run_loadgen
from bench.stack import CLI, READY_TIMEOUT_S, ServiceStack, service_env, start_baseline


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bench.api_cpu", description=__doc__)
    add = parser.add_argument
    add("--rate", type=float, default=500.0, help="offered comments/s (default 500)")
    add("--duration", type=float, default=15.0, help="seconds per phase (default 15)")
    add("--rounds", type=int, default=3, help="baseline + API phases (default 3)")
    add("--warmup", type=float, default=3.0, help="seconds of warm-up per process (default 3)")
    add("--connections", type=int, default=64, help="keep-alive connections (default 64)")
    add("--out", type=Path, help="JSON file of every round (default: none)")
    add("--keep", action="store_true", help="keep the work directory (logs, database)")
    return parser


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    raise KeyboardInterrupt


def _phase(
    children: Children, child: Child, url: str, key: str | None, load: Load, out: Path
) -> dict[str, float]:
    meter = CpuMeter({"process": [child.process.pid]})
    before = meter.sample()
    raw = run_loadgen(children, url, key, load, out)
    cpu = spent(before, meter.sample())["process"]
    accepted = sum(1 for code in raw["status"] if code == ACCEPTED)
    return {
        "accepted": accepted,
        "other": len(raw["status"]) - accepted,
        "cpu_s": round(cpu, 3),
        "cpu_ms_per_comment": round(1000 * cpu / max(1, accepted), 4),
    }


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
    service = ServiceStack(children, service_env(work / "data", None, redis.url, free_port()), 0)
    key = service.prepare()
    api = children.start("api", [*CLI, "api"], service.env)
    # /healthz, not /readyz: readiness also wants a live worker, and none runs here.
    wait_ready(f"{service.base_url}/healthz", children, READY_TIMEOUT_S)
    print(f"api pid {api.process.pid}, baseline pid {base.process.pid}", flush=True)
    targets = {
        "baseline": (base, f"{base_url}/v1/comments", None),
        "api": (api, f"{service.base_url}/v1/comments", key),
    }
    load = Load("open", args.duration, args.connections, rate=args.rate)
    warm = Load("open", args.warmup, args.connections, rate=args.rate, seed=99)
    for name, (_child, url, bearer) in targets.items():
        run_loadgen(children, url, bearer, warm, work / f"warm-{name}.json")
    rounds: dict[str, list[dict[str, float]]] = {name: [] for name in targets}
    for n in range(args.rounds):
        for name, (child, url, bearer) in targets.items():
            phase = Load("open", load.duration_s, load.connections, rate=load.rate, seed=n + 1)
            figures = _phase(children, child, url, bearer, phase, work / f"{name}-{n}.json")
            rounds[name].append(figures)
            print(f"round {n + 1} {name}: {figures}", flush=True)
    median = {
        name: statistics.median(r["cpu_ms_per_comment"] for r in runs)
        for name, runs in rounds.items()
    }
    return {"rate": args.rate, "duration_s": args.duration, "rounds": rounds, "median": median}


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
    print(
        f"median CPU ms per accepted comment at {args.rate:g}/s: "
        f"api {med['api']:.3f}, baseline {med['baseline']:.3f}, "
        f"api - baseline {med['api'] - med['baseline']:.3f}"
    )
    if args.out:
        args.out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
