"""`commentdesk train --register`: the training job of `POST /v1/models`, run in this process.

Same code path as the RQ job (:func:`workers.training.run_training`): the site's decisions (and
an optional labelled CSV) on top of the champion's prior, or on a prior retrained on public data
with ``--data``; judged against the champion on the newest decisions; registered with the
comparison and its own bands; never promoted.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from commentdesk.comparison import describe_evaluation
from commentdesk.lifecycle import cli_actor, open_lifecycle
from service.domain import ModelVersion
from service.errors import ValidationError
from service.lifecycle import check_labels_csv
from service.promotion import EVALUATION
from service.settings import Settings

Printer = Callable[[str], None]


class LabelsFileError(ValueError):
    """The --labels file cannot be used; the message says why, for the operator."""


def read_labels_file(path: Path) -> str:
    """The text of a labels CSV, checked before any training starts."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise LabelsFileError(f"--labels {path}: cannot read it as UTF-8 text: {exc}") from exc
    try:
        check_labels_csv(text, "")
    except ValidationError as exc:
        raise LabelsFileError(f"--labels {path}: {exc.errors[0].detail}") from exc
    return text


def train_and_register(
    settings: Settings,
    out: Printer,
    data: Path | None = None,
    labels_file: Path | None = None,
    note: str | None = None,
) -> ModelVersion:
    """Train a version, register it (not as champion), and report how it compares.

    ``data`` adds public datasets (replacing ``COMMENTDESK_TRAINING_DATA``); ``labels_file`` is a
    CSV in the ``normalized.csv`` format (``text`` plus label columns), older than every
    decision in the database.
    """
    from workers.training import Progress, TrainingRequest, run_training

    if data is not None:
        settings = dataclasses.replace(settings, training_data=data)
    extra = read_labels_file(labels_file) if labels_file is not None else None
    request = TrainingRequest(note=note, extra_labels_csv=extra, requested_by=cli_actor())
    with open_lifecycle(settings) as lifecycle:
        version = run_training(lifecycle, settings, request, Progress(None, out))
    for line in describe_training(version):
        out(line)
    return version


def describe_training(version: ModelVersion) -> list[str]:
    """The registered version, the gate's comparison, its bands and how to promote it."""
    evaluation = version.metrics.get(EVALUATION)
    champion = evaluation.get("champion") if isinstance(evaluation, Mapping) else None
    lines = [
        f"registered {version.id} (sha256 {version.artifact_sha256[:12]}…); not promoted, "
        f"champion stays {champion or '(none)'}"
    ]
    if isinstance(evaluation, Mapping):
        lines += describe_evaluation(evaluation)
    lines += _bands(version.thresholds)
    lines += _public(version.metrics)
    if isinstance(evaluation, Mapping) and evaluation.get("verdict") == "worse":
        lines.append(
            f"the gate refuses it; to promote anyway: commentdesk promote {version.id} "
            '--force "<why>"'
        )
    else:
        lines.append(f"to make it decide: commentdesk promote {version.id}")
    return lines


def _bands(thresholds: Mapping[str, Any]) -> list[str]:
    lines = []
    for label, entry in thresholds.items():
        if not isinstance(entry, Mapping):
            continue
        reject = entry.get("reject", "default")
        lines.append(
            f"bands from the site's decisions: {label} hold from {entry.get('withhold')}, "
            f"reject from {reject} ({entry.get('source', '')})"
        )
    return lines


def _public(metrics: Mapping[str, Any]) -> list[str]:
    """Public test-split ROC-AUC, only on datasets both versions were scored on."""
    ours = _results(metrics.get("candidate"))
    champion = metrics.get("champion")
    theirs = _results(champion.get("results") if isinstance(champion, Mapping) else None)
    shared = [key for key in ours if key in theirs]
    if not shared:
        return []
    lines = [f"{'public test split':<32} {'label':<14} {'this version':>12} {'champion':>9}"]
    for dataset, label in shared:
        lines.append(
            f"{dataset:<32} {label:<14} {_auc(ours[(dataset, label)]):>12} "
            f"{_auc(theirs[(dataset, label)]):>9}"
        )
    return lines


def _results(raw: object) -> dict[tuple[str, str], object]:
    found: dict[tuple[str, str], object] = {}
    if not isinstance(raw, Mapping):
        return found
    for dataset, per_label in raw.items():
        for label, scores in per_label.items() if isinstance(per_label, Mapping) else ():
            found[(str(dataset), str(label))] = (
                scores.get("roc_auc") if isinstance(scores, Mapping) else None
            )
    return found


def _auc(value: object) -> str:
    return f"{value:.4f}" if isinstance(value, int | float) else "n/a"
