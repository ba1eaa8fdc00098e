"""Turning raw load-generator output, database timestamps and CPU samples into figures."""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

ACCEPTED = 202


def percentile(values: Sequence[float], q: float) -> float | None:
    """Nearest-rank percentile (q in 0..100) of unsorted values; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    rank = max(1, math.ceil(q / 100 * len(ordered)))
    return ordered[min(rank, len(ordered)) - 1]


def spread(values: Sequence[float], points: Sequence[float] = (50, 90, 99)) -> dict[str, Any]:
    """p50/p90/p99 and max of a sample (same unit as the input)."""
    out: dict[str, Any] = {f"p{p:g}": _round(percentile(values, p)) for p in points}
    out["max"] = _round(max(values)) if values else None
    return out


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def cpu_figures(cpu: Mapping[str, float], accepted: int) -> dict[str, Any]:
    """CPU seconds per component and totals per 1,000 comments and per CPU-second."""
    total = sum(cpu.values())
    return {
        "cpu_s": {name: round(seconds, 2) for name, seconds in cpu.items()},
        "cpu_s_total": round(total, 2),
        "cpu_s_per_1000": round(1000 * total / accepted, 3) if accepted else None,
        "cpu_s_per_1000_by_component": {
            name: round(1000 * seconds / accepted, 3) if accepted else None
            for name, seconds in cpu.items()
        },
        "accepted_per_cpu_s": round(accepted / total, 1) if total else None,
    }


def closed_figures(raw: Mapping[str, Any], cpu: Mapping[str, float]) -> dict[str, Any]:
    """Maximum accepted/s of a closed-loop phase."""
    codes = {int(k): v for k, v in raw["codes"].items()}
    accepted = codes.get(ACCEPTED, 0)
    figures = {
        "connections": raw["connections"],
        "window_s": raw["window_s"],
        "max_accepted_per_s": round(accepted / raw["window_s"], 1),
        "responses_by_status": {str(k): v for k, v in sorted(codes.items())},
        "latency_ms": spread(raw["latency_ms"]),
        "generator_cpu_s": round(raw["generator_cpu_s"], 2),
    }
    # CPU was sampled around the whole phase, warm-up included: divide by everything accepted.
    figures.update(cpu_figures(cpu, len(raw["ids"])))
    return figures


def open_figures(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Offered vs accepted, POST latency from each request's due time, generator lag."""
    status: list[int] = raw["status"]
    accepted = sum(1 for code in status if code == ACCEPTED)
    # A server that falls behind answers after the schedule ends: divide by the real span.
    span_s = max(raw["duration_s"], raw["span_s"])
    return {
        "offered_rate": raw["rate"],
        "offered": raw["offered"],
        "duration_s": raw["duration_s"],
        "connections": raw["connections"],
        "accepted": accepted,
        "accepted_per_s": round(accepted / span_s, 1),
        "non_202_by_status": {
            str(code): n for code, n in sorted(Counter(status).items()) if code != ACCEPTED
        },
        "post_latency_ms": spread(raw["latency_ms"]),
        "post_service_time_ms": spread(raw["service_ms"]),
        "generator": {
            "schedule_lag_ms": spread(raw["schedule_lag_ms"]),
            "dispatch_lag_ms": spread(raw["dispatch_lag_ms"]),
            "cpu_s": round(raw["generator_cpu_s"], 2),
            "span_s": round(raw["span_s"], 2),
        },
    }


def decision_figures(
    raw: Mapping[str, Any], decided: Mapping[str, datetime | None]
) -> dict[str, Any]:
    """POST→decision latency (decided_at minus the due time) and comments lost."""
    t0, rate = raw["t0_wall"], raw["rate"]
    latencies: list[float] = []
    lost: list[str] = []
    for i, comment_id in enumerate(raw["ids"]):
        if comment_id is None:
            continue
        when = decided.get(comment_id)
        if when is None:
            lost.append(comment_id)
            continue
        latencies.append((when.timestamp() - (t0 + i / rate)) * 1e3)
    return {
        "decision_latency_ms": spread(latencies),
        "decided": len(latencies),
        "lost": len(lost),
        "lost_sample": lost[:10],
    }


def lost_of(ids: Sequence[str], decided: Mapping[str, datetime | None]) -> int:
    """Accepted ids that have no decision."""
    return sum(1 for comment_id in ids if decided.get(comment_id) is None)
