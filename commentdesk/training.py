"""`commentdesk train --register`: the training job of `POST /v1/models`, run in this process.

Same code path as the RQ job (:func:`workers.training.run_training`): configured public datasets
+ every moderator decision + an optional labelled CSV, evaluated against the champion on the same
split, registered with both results, never promoted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from commentdesk.lifecycle import cli_actor, open_lifecycle
from service.domain import ModelVersion
from service.settings import Settings

Printer = Callable[[str], None]


def train_and_register(
    settings: Settings,
    out: Printer,
    data: Path | None = None,
    labels_file: Path | None = None,
    note: str | None = None,
) -> ModelVersion:
    """Train a version on everything configured, register it (not as champion), report it.

    ``data`` replaces ``COMMENTDESK_TRAINING_DATA``; ``labels_file`` is a CSV in the
    ``normalized.csv`` format (``text`` plus label columns), as ``extra_labels_csv`` takes.
    """
    from workers.training import Progress, TrainingRequest, run_training

    if data is not None:
        settings = dataclasses.replace(settings, training_data=data)
    extra = labels_file.read_text(encoding="utf-8") if labels_file is not None else None
    request = TrainingRequest(note=note, extra_labels_csv=extra, requested_by=cli_actor())
    with open_lifecycle(settings) as lifecycle:
        version = run_training(lifecycle, settings, request, Progress(None, out))
    for line in describe_training(version):
        out(line)
    return version


def describe_training(version: ModelVersion) -> list[str]:
    """The registered version and its test ROC-AUC per dataset and label next to the champion's."""
    champion = version.metrics.get("champion")
    champion_id = champion.get("version_id") if isinstance(champion, Mapping) else None
    lines = [
        f"registered {version.id} (sha256 {version.artifact_sha256[:12]}…); not promoted, "
        f"champion stays {champion_id or '(none)'}",
        f"{'dataset':<24} {'label':<14} {'new ROC-AUC':>11} {'champion':>9}",
    ]
    theirs = _results(champion.get("results") if isinstance(champion, Mapping) else None)
    for (dataset, label), auc in _results(version.metrics.get("candidate")).items():
        lines.append(
            f"{dataset:<24} {label:<14} {_auc(auc):>11} {_auc(theirs.get((dataset, label))):>9}"
        )
    if isinstance(champion, Mapping) and champion.get("error"):
        lines.append(f"the champion could not be scored: {champion['error']}")
    lines.append(f"to make it decide: commentdesk promote {version.id}")
    return lines


def _results(raw: object) -> dict[tuple[str, str], object]:
    found: dict[tuple[str, str], object] = {}
    if not isinstance(raw, Mapping):
        return found
    for dataset, per_label in raw.items():
        for label, scores in per_label.items() if isinstance(per_label, Mapping) else ():
            found[(str(dataset), str(label))] = _roc_auc(scores)
    return found


def _roc_auc(scores: Any) -> object:
    return scores.get("roc_auc") if isinstance(scores, Mapping) else None


def _auc(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, int | float) else "n/a"
