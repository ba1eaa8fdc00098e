"""What the flood limiter costs: closed-loop maxima with it on and off, alternated.

Both halves run the same service with the same load; "on" checks every submission against its
three buckets (limits high enough that nothing is refused, so the full check runs every time),
"off" disables every bucket (no Redis call). Rounds alternate off/on so drift of the shared
machine hits both; medians of the API's CPU per 1,000 accepted comments and of the maximum
accepted/s are compared.
"""

from __future__ import annotations

import dataclasses
import statistics
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.cpu import CpuMeter, spent
from bench.decisions import DecisionReader
from bench.phases import Load, run_loadgen
from bench.stack import limiter_env

if TYPE_CHECKING:
    from bench.stack import ServiceStack


def limiter_cost(
    stack: ServiceStack,
    key: str,
    reader: DecisionReader,
    load: Load,
    rounds: int,
    work: Path,
    drain_timeout_s: float,
) -> dict[str, Any]:
    """Alternate off/on closed-loop phases ``rounds`` times; the medians and their ratios."""
    halves: dict[str, list[dict[str, float]]] = {"off": [], "on": []}
    for n in range(rounds):
        for mode in ("off", "on"):
            stack.restart_api(limiter_env(mode == "on"))
            phase = dataclasses.replace(load, seed=1000 + 2 * n + (mode == "on"))
            halves[mode].append(_phase(stack, key, phase, work / f"limiter-{mode}-{n}.json"))
            reader.wait_drained(drain_timeout_s)
    stack.restart_api(limiter_env(True))
    return _summary(halves)


def _phase(stack: ServiceStack, key: str, load: Load, out: Path) -> dict[str, float]:
    meter = CpuMeter({"api": stack.pids()["api"]})
    before = meter.sample()
    raw = run_loadgen(stack.children, f"{stack.base_url}/v1/comments", key, load, out)
    api_cpu = spent(before, meter.sample())["api"]
    accepted = int(raw["codes"].get("202", 0))
    return {
        "max_accepted_per_s": accepted / raw["window_s"],
        # CPU over the whole phase (its first second included) per everything accepted.
        "api_cpu_s_per_1000": 1000 * api_cpu / max(1, len(raw["ids"])),
        "refused": sum(v for k, v in raw["codes"].items() if k != "202"),
    }


def _summary(halves: Mapping[str, list[dict[str, float]]]) -> dict[str, Any]:
    med = {
        mode: {k: statistics.median(r[k] for r in runs) for k in runs[0]}
        for mode, runs in halves.items()
    }
    on, off = med["on"], med["off"]
    return {
        "rounds": halves,
        "median": med,
        "api_cpu_cost": round(on["api_cpu_s_per_1000"] / off["api_cpu_s_per_1000"] - 1, 4),
        "capacity_cost": round(1 - on["max_accepted_per_s"] / off["max_accepted_per_s"], 4),
    }
