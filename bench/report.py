"""The stdout table and the JSON file of one benchmark run."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

Row = tuple[str, str, str]
SPAN_SLACK = 0.01  # allowance for the tail of the last requests


def publish(report: Mapping[str, Any], text: str, json_path: str | None) -> None:
    """Print a run's text, and write the whole report as JSON where ``--json`` asked for it."""
    sys.stdout.write(text)
    if json_path:
        Path(json_path).write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")


def targets(fixed: Mapping[str, Any], duration_s: float) -> dict[str, bool]:
    """Issue 2's targets, each met or not."""
    latency = fixed["post_latency_ms"]["p99"]
    decision = fixed["decision_latency_ms"]["p99"]
    return {
        # accepted/s is over the real span, so the last answers' latency costs a little of it.
        "accepted_ge_1000_per_s_for_60s": fixed["accepted_per_s"] >= 1000 * (1 - SPAN_SLACK)
        and duration_s >= 60,
        "post_p99_lt_50ms": latency is not None and latency < 50,
        "decision_p99_lt_1s": decision is not None and decision < 1000,
        "zero_lost": fixed["lost"] == 0,
    }


def _ms(spread: Mapping[str, Any], *keys: str) -> str:
    return " / ".join(_num(spread.get(k)) for k in keys)


def _num(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float) and value < 100:
        return f"{value:,.2f}"
    return f"{value:,.0f}" if isinstance(value, int | float) else str(value)


def _yes(ok: bool) -> str:
    return "met" if ok else "MISSED"


def _rows(result: Mapping[str, Any]) -> list[Row]:
    base, smax, fixed = result["baseline"], result["service_max"], result["fixed_rate"]
    hit = result["targets"]
    gen = fixed["generator"]
    return [
        ("baseline max req/s (bare Starlette POST→LPUSH, closed loop)",
         _num(base["max_accepted_per_s"]), ""),
        ("baseline requests per CPU-second (uvicorn + redis)",
         _num(base["accepted_per_cpu_s"]), ""),
        ("service max accepted/s (same closed loop)", _num(smax["max_accepted_per_s"]), ""),
        ("ratio service / baseline", f"{result['ratio_service_to_baseline']:.2f}", ""),
        ("service max: POST p50/p99 ms", _ms(smax["latency_ms"], "p50", "p99"), ""),
        ("service max: lost / drained in s", f"{smax['lost']} / {_num(smax['drain_s'])}", ""),
        ("fixed rate: offered comments/s", _num(fixed["offered_rate"]), ""),
        ("fixed rate: accepted comments/s", _num(fixed["accepted_per_s"]),
         _yes(hit["accepted_ge_1000_per_s_for_60s"])),
        ("non-202 responses by status", json.dumps(fixed["non_202_by_status"]) or "{}", ""),
        ("POST latency p50/p90/p99/max ms (from schedule)",
         _ms(fixed["post_latency_ms"], "p50", "p90", "p99", "max"), _yes(hit["post_p99_lt_50ms"])),
        ("POST→decision p50/p99/max ms",
         _ms(fixed["decision_latency_ms"], "p50", "p99", "max"), _yes(hit["decision_p99_lt_1s"])),
        ("comments lost (202 but undecided after drain)", str(fixed["lost"]),
         _yes(hit["zero_lost"])),
        ("drain after load stopped, s", _num(fixed["drain_s"]), ""),
        (
            f"CPU-s per 1,000 comments ({'+'.join(fixed['cpu_s_per_1000_by_component'])})",
            _num(fixed["cpu_s_per_1000"]),
            "",
        ),
        ("  by component", json.dumps(fixed["cpu_s_per_1000_by_component"]), ""),
        ("comments per CPU-second", _num(fixed["accepted_per_cpu_s"]), ""),
        ("  ÷ baseline requests per CPU-second",
         f"{fixed['accepted_per_cpu_s'] / base['accepted_per_cpu_s']:.3f}", ""),
        ("database bytes per 1,000 comments, kept", _num(fixed["db_bytes_per_1000"]["total"]), ""),
        ("  by table", json.dumps(dict(list(fixed["db_bytes_per_1000"].items())[1:6])), ""),
        *_live_bytes_rows(fixed),
        ("decisions by status", json.dumps(fixed["statuses"]), ""),
        ("generator schedule lag p99/max ms", _ms(gen["schedule_lag_ms"], "p99", "max"), ""),
        ("generator dispatch lag p99/max ms", _ms(gen["dispatch_lag_ms"], "p99", "max"), ""),
        ("generator CPU-s", _num(gen["cpu_s"]), ""),
    ]  # fmt: skip


def _live_bytes_rows(fixed: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """PostgreSQL only: the same growth once dead row versions are gone (VACUUM FULL)."""
    live = fixed.get("db_live_bytes_per_1000")
    if live is None:
        return []
    return [
        ("  live rows only (after VACUUM FULL)", _num(live["total"]), ""),
        ("    by table", json.dumps(dict(list(live.items())[1:6])), ""),
    ]


def print_table(result: Mapping[str, Any], out: Callable[[str], None] = print) -> None:
    """A fixed-width table of the headline figures."""
    meta = result["meta"]
    out(f"Comment Desk throughput  {meta['date']}  {meta['cpus']} cores  {meta['storage']}")
    out(f"command: {meta['command']}")
    rows = _rows(result)
    width = max(len(label) for label, _, _ in rows)
    for label, value, verdict in rows:
        out(f"  {label:<{width}}  {value:>24}  {verdict}")
    if result.get("limiter"):
        out(_limiter_line(result["limiter"]))


def _limiter_line(limiter: Mapping[str, Any]) -> str:
    """The flood limiter's cost (target: under 5% of service capacity)."""
    off, on = limiter["median"]["off"], limiter["median"]["on"]
    verdict = _yes(limiter["api_cpu_cost"] < 0.05)
    return (
        f"  flood limiter, medians of {len(limiter['rounds']['on'])} round(s): "
        f"API CPU-s per 1,000 {off['api_cpu_s_per_1000']:.3f} off / "
        f"{on['api_cpu_s_per_1000']:.3f} on ({limiter['api_cpu_cost']:+.1%}), "
        f"max accepted/s {off['max_accepted_per_s']:,.0f} off / {on['max_accepted_per_s']:,.0f} "
        f"on ({-limiter['capacity_cost']:+.1%})  cost < 5%: {verdict}"
    )


def write_json(result: Mapping[str, Any], path: Path) -> None:
    """The whole result, figures and metadata, as indented JSON."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(result, indent=2, sort_keys=False) + "\n")
