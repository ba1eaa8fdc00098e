"""Score bands per label: targets ops ask for, bands stored with a model version, and which apply.

Precedence, per label and per field: a site override (``COMMENTDESK_SITE_THRESHOLDS``) replaces
the whole band; otherwise the deciding model version's stored ``withhold``/``reject`` replace the
settings' (``COMMENTDESK_THRESHOLDS``) field by field.

Stored form (``model_versions.thresholds``), one entry per label, every key optional::

    {"spam": {"withhold": 0.42, "reject": 0.97, "targets": {"reject": "precision=0.99"},
              "achieved": {...}, "computed_at": "2026-01-01T00:00:00+00:00"}}

``"reject": null`` means this version never rejects that label automatically.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from typing import Any

from service.domain.labels import LABELS
from service.settings import LabelThreshold

BANDS = ("withhold", "reject")
METRICS = ("precision", "recall")


@dataclasses.dataclass(frozen=True)
class Target:
    """One ops target, e.g. ``spam:reject:precision=0.99``."""

    label: str
    band: str  # "withhold" or "reject"
    metric: str  # "precision" or "recall"
    value: float

    def __str__(self) -> str:
        return f"{self.label}:{self.band}:{self.metric}={self.value:g}"


def parse_target(raw: str, labels: Iterable[str] = LABELS) -> Target:
    """Parse ``label:band:metric=value``; raises ValueError with a plain message."""
    known = set(labels)
    parts = raw.strip().split(":")
    metric, _, value_raw = parts[-1].partition("=") if len(parts) == 3 else ("", "", "")
    if len(parts) != 3 or not value_raw:
        raise ValueError(
            f"target {raw!r}: expected label:band:metric=value, e.g. spam:reject:precision=0.99"
        )
    label, band = parts[0].strip(), parts[1].strip()
    metric = metric.strip()
    if label not in known:
        raise ValueError(f"target {raw!r}: unknown label {label!r}; known: {sorted(known)}")
    if band not in BANDS:
        raise ValueError(f"target {raw!r}: band must be one of {list(BANDS)}, not {band!r}")
    if metric not in METRICS:
        raise ValueError(f"target {raw!r}: metric must be one of {list(METRICS)}, not {metric!r}")
    try:
        value = float(value_raw)
    except ValueError:
        raise ValueError(f"target {raw!r}: {value_raw!r} is not a number") from None
    if not 0.0 < value <= 1.0:
        raise ValueError(f"target {raw!r}: {value_raw} must be in (0, 1]")
    return Target(label, band, metric, value)


def _probability(value: object) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and 0.0 <= value <= 1.0:
        return float(value)
    return None


def effective_thresholds(
    defaults: Mapping[str, LabelThreshold],
    stored: Mapping[str, Any] | None = None,
    site: Mapping[str, LabelThreshold] | None = None,
) -> dict[str, LabelThreshold]:
    """The bands that decide: site override > version's stored bands > settings default.

    Stored fields that are missing or not probabilities leave the default in place.
    """
    bands = dict(defaults)
    for label, entry in (stored or {}).items():
        if not isinstance(entry, Mapping):
            continue
        base = bands.get(label)
        withhold = _probability(entry.get("withhold"))
        if withhold is None:
            if base is None:
                continue  # a version cannot introduce a label without a withhold band
            withhold = base.withhold
        if "reject" in entry and (
            entry["reject"] is None or _probability(entry["reject"]) is not None
        ):
            reject = _probability(entry["reject"])
        else:
            reject = base.reject if base is not None else None
        bands[label] = LabelThreshold(withhold=withhold, reject=reject)
    bands.update(site or {})
    return bands


def merge_thresholds(
    stored: Mapping[str, Mapping[str, Any]], computed: Mapping[str, Mapping[str, Any]]
) -> dict[str, Any]:
    """A version's stored thresholds with newly computed bands merged in.

    Labels and bands not in ``computed`` keep what was stored; each label's ``targets`` and
    ``achieved`` are merged key by key.
    """
    merged: dict[str, Any] = {k: dict(v) for k, v in stored.items()}
    for label, entry in computed.items():
        current = merged.setdefault(label, {})
        targets = {**current.get("targets", {}), **entry.get("targets", {})}
        achieved = {**current.get("achieved", {}), **entry.get("achieved", {})}
        current.update(entry)
        current["targets"], current["achieved"] = targets, achieved
    return merged


def band_changes(computed: Mapping[str, Mapping[str, Any]]) -> dict[str, Any]:
    """What a threshold change set, per label: its bands and targets (for the log)."""
    return {
        label: {band: entry[band] for band in BANDS if band in entry}
        | {"targets": entry.get("targets", {})}
        for label, entry in computed.items()
    }
