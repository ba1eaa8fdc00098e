"""The promotion gate's comparison of a version with the champion, as lines for a terminal."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Outcome name → how a terminal line calls it.
OUTCOMES = {
    "auto_reject_precision": "auto-reject precision",
    "approved_held": "approved comments held",
    "rejected_caught": "rejected comments caught",
}


def estimate(entry: Any, *, percent: bool = False) -> str:
    """``0.912 [0.880, 0.940]`` (or percentages), ``-`` when there is no value."""
    if not isinstance(entry, Mapping) or entry.get("value") is None:
        return "-"
    scale, unit, digits = (100.0, "%", 1) if percent else (1.0, "", 3)

    def fmt(value: float) -> str:
        return f"{value * scale:.{digits}f}{unit}"

    if entry.get("low") is None or entry.get("high") is None:
        return fmt(entry["value"])
    return f"{fmt(entry['value'])} [{fmt(entry['low'])}, {fmt(entry['high'])}]"


def difference(entry: Any, *, percent: bool = False) -> str:
    """A signed difference with its interval, e.g. ``+0.031 [+0.012, +0.050]``."""
    if not isinstance(entry, Mapping) or entry.get("value") is None:
        return "-"
    scale, unit, digits = (100.0, " pts", 1) if percent else (1.0, "", 3)
    values = [entry["value"], entry.get("low"), entry.get("high")]
    signed = [f"{v * scale:+.{digits}f}" for v in values if v is not None]
    if len(signed) == 3:
        return f"{signed[0]} [{signed[1]}, {signed[2]}]{unit}"
    return f"{signed[0]}{unit}"


def describe_evaluation(evaluation: Mapping[str, Any]) -> list[str]:
    """The comparison on the site's newest decisions: verdict, ROC-AUC per label, outcomes."""
    verdict = str(evaluation.get("verdict", "not_evaluated")).replace("_", " ")
    champion = evaluation.get("champion") or "(none)"
    decisions = evaluation.get("decisions") or {}
    lines = [f"gate: {verdict} against {champion}"]
    if decisions:
        lines[0] += (
            f" (trained on the older {decisions.get('older')} decisions, judged on the newest "
            f"{decisions.get('recent')})"
        )
    lines += [f"  why: {why}" for why in evaluation.get("why", []) if verdict == "worse"]
    if verdict == "not evaluated":
        lines += [f"  {why}" for why in evaluation.get("why", [])]
    for label, entry in (evaluation.get("labels") or {}).items():
        rows = int(entry.get("positives", 0)) + int(entry.get("negatives", 0))
        lines.append(
            f"  {label} ROC-AUC: champion {estimate(entry.get('champion'))}, this version "
            f"{estimate(entry.get('candidate'))}, difference {difference(entry.get('difference'))}"
            f" ({entry.get('positives')} positive of {rows})"
        )
    outcomes = evaluation.get("outcomes") or {}
    for name, title in OUTCOMES.items():
        entry = outcomes.get(name)
        if isinstance(entry, Mapping):
            lines.append(
                f"  {title}: champion {estimate(entry.get('champion'), percent=True)}, this "
                f"version {estimate(entry.get('candidate'), percent=True)}"
            )
    return lines
