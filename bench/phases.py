"""The phases of a throughput run: baseline, warm-up, fixed rate, service maximum."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

from redis import Redis

from bench.analysis import (
    closed_figures,
    cpu_figures,
    decision_figures,
    lost_of,
    open_figures,
)
from bench.backing import RedisTarget
from bench.baseline_app import LIST_KEY
from bench.children import ChildError, Children
from bench.cpu import CpuMeter, postgres_server_pids, spent
from bench.decisions import DecisionReader
from bench.stack import ServiceStack, start_baseline
from bench.storage import DatabaseSize, growth_per_1000

LOADGEN_SLACK_S = 90.0  # payload generation, connecting, and the open loop's grace period


@dataclasses.dataclass(frozen=True)
class Load:
    """How one load phase is driven."""

    mode: str  # "open" (fixed rate) or "closed" (maximum throughput)
    duration_s: float
    connections: int
    rate: float = 0.0
    seed: int = 1
    corpus: str = "news"  # bench.loadgen's --corpus


def run_loadgen(children: Children, url: str, key: str | None, load: Load, out: Path) -> Any:
    """Run ``bench.loadgen`` as its own process and return its raw results."""
    argv = [
        sys.executable, "-m", "bench.loadgen", "--url", url, "--mode", load.mode,
        "--duration", str(load.duration_s), "--connections", str(load.connections),
        "--seed", str(load.seed), "--corpus", load.corpus, "--out", str(out),
    ]  # fmt: skip
    if load.mode == "open":
        argv += ["--rate", str(load.rate)]
    if key:
        argv += ["--key", key]
    child = children.start(out.stem, argv, os.environ)
    try:
        code = child.process.wait(timeout=load.duration_s + LOADGEN_SLACK_S)
    except subprocess.TimeoutExpired as exc:
        raise ChildError(f"the load generator overran; see {child.log}") from exc
    finally:
        children.stop(child)
    if code != 0:
        raise ChildError(f"the load generator failed ({code}); see {child.log}")
    return json.loads(out.read_text())


def baseline(children: Children, redis: RedisTarget, load: Load, work: Path) -> dict[str, Any]:
    """Maximum req/s of the bare Starlette POST→LPUSH app, closed loop."""
    child, base_url = start_baseline(children, redis.url)
    meter = CpuMeter({"baseline_api": [child.process.pid], "redis": [redis.pid]})
    try:
        before = meter.sample()
        raw = run_loadgen(children, f"{base_url}/v1/comments", None, load, work / "baseline.json")
        cpu = spent(before, meter.sample())
    finally:
        children.stop(child)
    client = Redis.from_url(redis.url)
    try:
        client.delete(LIST_KEY)
    finally:
        client.close()
    return closed_figures(raw, cpu)


class ServiceRun:
    """Load phases against a started service, with CPU and decisions read around each."""

    def __init__(
        self,
        stack: ServiceStack,
        key: str,
        databases: tuple[DecisionReader, DatabaseSize],
        redis: RedisTarget,
        work: Path,
    ) -> None:
        self.stack = stack
        self.key = key
        self.reader, self.size = databases
        self.work = work
        self.url = f"{stack.base_url}/v1/comments"
        components = {**stack.pids(), "redis": [redis.pid]}
        if "DATABASE_URL" in stack.env:
            # PostgreSQL shares the two cores; its CPU is part of the cost of a comment.
            components["postgres"] = postgres_server_pids()
        self.meter = CpuMeter(components)

    def warm_up(self, load: Load, drain_timeout_s: float) -> None:
        """A short low-rate phase so caches, pools and the model are warm; then drain."""
        run_loadgen(self.stack.children, self.url, self.key, load, self.work / "warmup.json")
        if self.reader.wait_drained(drain_timeout_s) is None:
            raise ChildError("the warm-up comments were not all decided; see the worker logs")

    def fixed_rate(self, load: Load, drain_timeout_s: float) -> dict[str, Any]:
        """Offer comments on a timetable, drain, and read every decision back."""
        self.size.compact()  # PostgreSQL: the warm-up's dead row versions are not this phase's
        bytes_before = self.size.by_table()
        before = self.meter.sample()
        raw = run_loadgen(self.stack.children, self.url, self.key, load, self.work / "fixed.json")
        at_load_end = self.meter.sample()
        drain_s = self.reader.wait_drained(drain_timeout_s)
        after = self.meter.sample()
        bytes_after = self.size.by_table()
        figures = open_figures(raw)
        figures.update(decision_figures(raw, self.reader.decided_at()))
        figures.update(cpu_figures(spent(before, after), figures["accepted"]))
        figures["cpu_s_during_load"] = {
            k: round(v, 2) for k, v in spent(before, at_load_end).items()
        }
        figures["drain_s"] = None if drain_s is None else round(drain_s, 2)
        figures["statuses"] = self.reader.status_counts()
        figures["db_bytes_per_1000"] = growth_per_1000(
            bytes_before, bytes_after, figures["accepted"]
        )
        if self.size.compact():
            figures["db_live_bytes_per_1000"] = growth_per_1000(
                bytes_before, self.size.by_table(), figures["accepted"]
            )
        return figures

    def maximum(self, load: Load, drain_timeout_s: float) -> dict[str, Any]:
        """Closed-loop maximum accepted/s; CPU includes draining what was accepted."""
        before = self.meter.sample()
        raw = run_loadgen(self.stack.children, self.url, self.key, load, self.work / "max.json")
        drain_s = self.reader.wait_drained(drain_timeout_s)
        figures = closed_figures(raw, spent(before, self.meter.sample()))
        figures["drain_s"] = None if drain_s is None else round(drain_s, 2)
        figures["lost"] = lost_of(raw["ids"], self.reader.decided_at())
        return figures
