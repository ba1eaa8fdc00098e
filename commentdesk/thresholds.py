"""`commentdesk thresholds`: compute score bands from targets and store them with a model version.

The version's model scores the content-hash TEST rows of every dataset in ``--data``; each label
pools the rows of the datasets that label it. Each target gives one band of one label.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from classifier.datasets import Dataset, load_datasets
from classifier.errors import ClassifierError
from classifier.thresholds import (
    operating_point,
    threshold_for_precision,
    threshold_for_recall,
)
from commentdesk.lifecycle import open_lifecycle
from service.domain import Alias, ModelVersion
from service.errors import NotFoundError
from service.settings import Settings
from service.thresholds import Target, parse_target
from workers.artifacts import artifact_cache
from workers.model_cache import ModelLoadError, Scorer

Printer = Callable[[str], None]
Loader = Callable[[ModelVersion], Scorer]


@dataclasses.dataclass(frozen=True)
class Band:
    """A computed threshold and what it achieves on the data it was computed from."""

    target: Target
    threshold: float | None  # None: the target cannot be met on this data
    precision: float | None
    recall: float | None
    flagged: int
    positives: int
    rows: int


class _RefusedError(Exception):
    """A plain message for the operator; the command exits 2 without storing anything."""


def compute_thresholds(
    settings: Settings,
    data: Path,
    targets: Sequence[str],
    out: Printer,
    err: Printer,
    *,
    version_id: str | None = None,
    load: Loader | None = None,
) -> int:
    """Compute, print and store the bands for ``targets``; returns the exit status."""
    try:
        parsed = _parse_targets(targets)
        version = _version(settings, version_id, parsed)
        pooled = _pooled_scores(data, version, parsed, load or _stored_model(settings))
    except _RefusedError as exc:
        err(f"commentdesk thresholds: {exc}")
        return 2
    bands = [_band(t, *pooled[t.label]) for t in parsed]
    for line in render(version.id, bands):
        out(line)
    _store(settings, version.id, _to_store(bands))
    out(f"stored with model version {version.id}")
    return 0


def _stored_model(settings: Settings) -> Loader:
    """Loads a version the way workers do: its artifact from the database, sha256-checked."""

    def load(version: ModelVersion) -> Scorer:
        with open_lifecycle(settings) as lifecycle:
            return artifact_cache(lifecycle, settings).load(version)

    return load


def _parse_targets(targets: Sequence[str]) -> list[Target]:
    if not targets:
        raise _RefusedError("give at least one --target, e.g. spam:reject:precision=0.99")
    try:
        return [parse_target(raw) for raw in targets]
    except ValueError as exc:
        raise _RefusedError(str(exc)) from exc


def _version(settings: Settings, version_id: str | None, parsed: list[Target]) -> ModelVersion:
    """The version to compute for (default: the champion), which must score every label."""
    with open_lifecycle(settings) as lifecycle:
        try:
            version = (
                lifecycle.version(version_id) if version_id else lifecycle.alias(Alias.CHAMPION)
            )
        except NotFoundError as exc:
            raise _RefusedError(exc.detail) from exc
    if version is None:
        raise _RefusedError("no champion is set (run `commentdesk migrate`)")
    missing = sorted({t.label for t in parsed} - set(version.labels))
    if missing:
        raise _RefusedError(f"model version {version.id} has no label(s) {missing}")
    return version


def _pooled_scores(
    data: Path, version: ModelVersion, parsed: list[Target], load: Loader
) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]]:
    labels = sorted({t.label for t in parsed})
    try:
        datasets = load_datasets(data, labels)  # before the model: bad data fails fast
        pooled = _test_scores(load(version), datasets, labels)
    except (ModelLoadError, ClassifierError) as exc:
        raise _RefusedError(str(exc)) from exc
    empty = sorted(t.label for t in parsed if not pooled[t.label][1].any())
    if empty:
        raise _RefusedError(f"no labelled positive test rows for {empty} under {data}")
    return pooled


def _store(settings: Settings, version_id: str, stored: dict[str, Any]) -> None:
    with open_lifecycle(settings) as lifecycle:
        lifecycle.store_thresholds(version_id, stored)


def _test_scores(
    scorer: Scorer, datasets: Sequence[Dataset], labels: Sequence[str]
) -> dict[str, tuple[npt.NDArray[np.float64], npt.NDArray[np.int64]]]:
    """Per label: scores and truth of the test rows of every dataset that labels it."""
    scores: dict[str, list[npt.NDArray[np.float64]]] = {label: [] for label in labels}
    truth: dict[str, list[npt.NDArray[np.int64]]] = {label: [] for label in labels}
    model_labels = list(scorer.labels)
    for dataset in datasets:
        present = [label for label in labels if dataset.has_label(label)]
        test_texts = [
            t for t, is_test in zip(dataset.texts, dataset.is_test, strict=True) if is_test
        ]
        if not present or not test_texts:
            continue
        proba = np.asarray(scorer.predict_proba(test_texts), dtype=np.float64)
        for label in present:
            column = dataset.labels[label][dataset.is_test]
            known = ~np.isnan(column)
            scores[label].append(proba[known, model_labels.index(label)])
            truth[label].append(column[known].astype(np.int64))
    return {
        label: (
            np.concatenate(scores[label]) if scores[label] else np.empty(0),
            np.concatenate(truth[label]) if truth[label] else np.empty(0, dtype=np.int64),
        )
        for label in labels
    }


def _band(target: Target, scores: npt.NDArray[np.float64], truth: npt.NDArray[np.int64]) -> Band:
    if target.metric == "precision":
        threshold = threshold_for_precision(scores, truth, target.value)
    else:
        threshold = threshold_for_recall(scores, truth, target.value)
    if threshold is None:
        return Band(target, None, None, None, 0, int(truth.sum()), len(truth))
    point = operating_point(scores, truth, threshold)
    return Band(
        target, threshold, point.precision, point.recall, point.flagged, point.positives, len(truth)
    )


def _to_store(bands: Sequence[Band]) -> dict[str, dict[str, Any]]:
    """The stored form (see ``service.thresholds``); an unreachable reject target turns it off."""
    computed_at = datetime.now(UTC).isoformat()
    stored: dict[str, dict[str, Any]] = {}
    for band in bands:
        target = band.target
        if band.threshold is None and target.band == "withhold":
            continue  # no withhold band meets it: keep whatever applies now
        entry = stored.setdefault(target.label, {"targets": {}, "achieved": {}})
        entry[target.band] = band.threshold
        entry["targets"][target.band] = f"{target.metric}={target.value:g}"
        entry["achieved"][target.band] = {
            "precision": band.precision,
            "recall": band.recall,
            "flagged": band.flagged,
            "positives": band.positives,
            "rows": band.rows,
        }
        entry["computed_at"] = computed_at
    return stored


def _cell(value: float | None) -> str:
    return "-" if value is None else f"{value:.4f}"


def render(version_id: str, bands: Sequence[Band]) -> list[str]:
    """The table: label, band, target, threshold, achieved precision/recall, support."""
    lines = [
        f"model version {version_id}; test split",
        f"{'label':<14} {'band':<9} {'target':<16} {'threshold':>9} {'precision':>9} "
        f"{'recall':>8} {'flagged':>8} {'positives':>9} {'rows':>7}",
    ]
    for b in bands:
        target = f"{b.target.metric}>={b.target.value:g}"
        threshold = "unreached" if b.threshold is None else f"{b.threshold:.4f}"
        lines.append(
            f"{b.target.label:<14} {b.target.band:<9} {target:<16} {threshold:>9} "
            f"{_cell(b.precision):>9} {_cell(b.recall):>8} {b.flagged:>8} {b.positives:>9} "
            f"{b.rows:>7}"
        )
    unreached = [b.target for b in bands if b.threshold is None]
    for t in unreached:
        effect = "auto-reject turned off" if t.band == "reject" else "band left unchanged"
        lines.append(f"note: {t} cannot be met on this data; {effect}")
    return lines
