"""The training job: public datasets + moderators' decisions (+ an uploaded CSV) → a new version.

It trains on the train side of the content-hash split, scores the new model and the current
champion on the same test side, and registers the new version with both results. It never
promotes: ops compare and promote. Progress goes into the RQ job's ``meta``.
"""

from __future__ import annotations

import csv
import dataclasses
import logging
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rq import get_current_job
from rq.job import Job

from classifier import DEFAULT_LABELS, Dataset, TextModel, evaluate, save_model
from classifier.datasets import file_sha256, load_dataset, load_datasets
from classifier.errors import ClassifierError
from classifier.training import train_on_datasets
from service.domain import ModelVersion, ModeratorLabel
from service.errors import CommentDeskError
from service.labels import decision_labels
from service.lifecycle import CHAMPION, Lifecycle
from service.settings import Settings
from workers.context import current
from workers.model_cache import ModelLoadError, load_verified
from workers.registration import register_artifact

MODERATOR_DATASET = "moderator_decisions"
UPLOADED_DATASET = "uploaded_labels"

log = logging.getLogger(__name__)


class TrainingJobError(CommentDeskError):
    """A training run cannot go on (no data, bad data); the job fails with this message."""

    code = "training-failed"
    title = "Training failed"


@dataclasses.dataclass(frozen=True)
class TrainingRequest:
    """What ops asked for."""

    note: str | None = None
    extra_labels_csv: str | None = None
    requested_by: str | None = None
    job_id: str | None = None


class Progress:
    """Reports stage, percent and messages into the RQ job's meta (and the log, and ``out``)."""

    def __init__(self, job: Job | None, out: Callable[[str], None] | None = None) -> None:
        self.job = job
        self.out = out  # the CLI prints each step; a job has ops poll its meta instead
        self.messages: list[str] = []

    def report(self, stage: str, percent: int, message: str) -> None:
        """Record one step; ops see it in ``GET /v1/models/jobs/{id}``."""
        log.info("training %s (%d%%): %s", stage, percent, message)
        self.messages.append(message)
        if self.out is not None:
            self.out(f"[{percent:3d}%] {stage}: {message}")
        if self.job is not None:
            self.job.meta.update(stage=stage, percent=percent, messages=list(self.messages))
            self.job.save_meta()  # type: ignore[no-untyped-call]  # untyped in rq


def train_version(
    note: str | None = None, extra_labels_csv: str | None = None, requested_by: str | None = None
) -> dict[str, Any]:
    """RQ entry point (queue ``train``): train, evaluate, register; returns the version id."""
    context = current()
    job = get_current_job()
    request = TrainingRequest(note, extra_labels_csv, requested_by, job.id if job else None)
    lifecycle = Lifecycle(context.moderation.sessions)
    version = run_training(lifecycle, context.settings, request, Progress(job))
    return {"version_id": version.id}


def run_training(
    lifecycle: Lifecycle, settings: Settings, request: TrainingRequest, progress: Progress
) -> ModelVersion:
    """Train a version on everything configured and register it (not as champion)."""
    with tempfile.TemporaryDirectory(prefix="commentdesk-train-") as tmp:
        progress.report("loading data", 5, f"reading datasets from {settings.training_data}")
        datasets, manifest = _gather(lifecycle, settings, request, Path(tmp))
        rows = sum(len(ds) for ds in datasets)
        progress.report("training", 20, f"training on {rows} rows from {len(datasets)} datasets")
        try:
            model = train_on_datasets(datasets, labels=trainable_labels(datasets))
        except ClassifierError as exc:
            raise TrainingJobError(f"training failed: {exc}") from exc
        progress.report("evaluating", 70, "scoring new model and champion on the test split")
        metrics = _metrics(lifecycle, model, datasets)
        progress.report("registering", 90, "saving and verifying the artifact")
        version = _register(lifecycle, settings, model, Path(tmp), metrics, manifest)
        progress.report("done", 100, f"registered {version.id}")
        return version


def _gather(
    lifecycle: Lifecycle, settings: Settings, request: TrainingRequest, tmp: Path
) -> tuple[list[Dataset], dict[str, Any]]:
    try:
        datasets = load_datasets(settings.training_data, DEFAULT_LABELS)
    except ClassifierError as exc:
        raise TrainingJobError(
            f"cannot read the training data ({exc}); set COMMENTDESK_TRAINING_DATA"
        ) from exc
    labels = lifecycle.moderator_labels()
    decisions = _decision_rows(labels)
    manifest: dict[str, Any] = {
        "training_data": str(settings.training_data),
        "moderator_decisions": {
            "upto_action_id": max((label.action_id for label in labels), default=None),
            "decided_comments": len(labels),
            "used": len(decisions),
        },
        "uploaded_labels": None,
        "note": request.note,
        "requested_by": request.requested_by,
        "job_id": request.job_id,
    }
    if decisions:
        datasets.append(_write_dataset(tmp / MODERATOR_DATASET, decisions))
    if request.extra_labels_csv:
        uploaded = _write_upload(tmp / UPLOADED_DATASET, request.extra_labels_csv)
        manifest["uploaded_labels"] = {"rows": len(uploaded), "sha256": file_sha256(uploaded.path)}
        datasets.append(uploaded)
    return datasets, manifest


def trainable_labels(datasets: Sequence[Dataset]) -> tuple[str, ...]:
    """The labels the training rows teach both ways: a label nobody marks positive is not
    trained (a dataset that does not label a dimension does not train it)."""
    labels = tuple(label for label in DEFAULT_LABELS if _has_both_classes(datasets, label))
    if not labels:
        raise TrainingJobError(f"no training rows label any of {list(DEFAULT_LABELS)} both ways")
    return labels


def _has_both_classes(datasets: Sequence[Dataset], label: str) -> bool:
    seen: set[float] = set()
    for ds in datasets:
        values = ds.labels.get(label)
        if values is not None:
            train = values[~ds.is_test]
            seen.update(float(v) for v in np.unique(train[~np.isnan(train)]))
    return {0.0, 1.0} <= seen


def decision_targets(label: ModeratorLabel) -> dict[str, str]:
    """What a decision teaches, per label the model trains (the one rule in service.labels,
    shared with the labels export and the shadow comparison). Empty: nothing."""
    values = decision_labels(label.status, label.reasons)
    return {
        name: str(value)
        for name, value in values.items()
        if name in DEFAULT_LABELS and value is not None
    }


def _decision_rows(labels: Sequence[ModeratorLabel]) -> list[tuple[str, dict[str, str]]]:
    rows = [(label.body, decision_targets(label)) for label in labels]
    return [(body, targets) for body, targets in rows if targets]


def _write_dataset(folder: Path, rows: Sequence[tuple[str, dict[str, str]]]) -> Dataset:
    folder.mkdir(parents=True)
    with (folder / "normalized.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "text", *DEFAULT_LABELS])
        for index, (text, targets) in enumerate(rows):
            writer.writerow([f"d{index}", text, *(targets.get(n, "") for n in DEFAULT_LABELS)])
    return load_dataset(folder, DEFAULT_LABELS)


def _write_upload(folder: Path, text: str) -> Dataset:
    folder.mkdir(parents=True)
    (folder / "normalized.csv").write_text(text, encoding="utf-8")
    try:
        return load_dataset(folder, DEFAULT_LABELS)
    except ClassifierError as exc:
        raise TrainingJobError(f"the uploaded labels are unusable: {exc}") from exc


def _metrics(lifecycle: Lifecycle, model: TextModel, datasets: list[Dataset]) -> dict[str, Any]:
    metrics: dict[str, Any] = {
        "candidate": evaluate(model, datasets),
        "champion": None,
        "train_rows": model.metadata.get("train_rows"),
    }
    champion = lifecycle.alias(CHAMPION)
    if champion is None:
        return metrics
    try:
        scorer = load_verified(champion)
    except ModelLoadError as exc:
        metrics["champion"] = {"version_id": champion.id, "error": str(exc)}
        return metrics
    if isinstance(scorer, TextModel):
        metrics["champion"] = {"version_id": champion.id, "results": evaluate(scorer, datasets)}
    return metrics


def _register(
    lifecycle: Lifecycle,
    settings: Settings,
    model: TextModel,
    tmp: Path,
    metrics: dict[str, Any],
    manifest: dict[str, Any],
) -> ModelVersion:
    path = tmp / "candidate.skops"
    sha256 = save_model(model, path)
    now = datetime.now(UTC)
    manifest = {
        **manifest,
        "datasets": model.metadata.get("data_manifest"),
        "split": model.metadata.get("split"),
    }
    metadata = {
        "id": f"m-{now:%Y%m%dT%H%M%S}-{sha256[:8]}",
        "metrics": metrics,
        "data_manifest": manifest,
        "thresholds": model.metadata.get("thresholds") or {},
        "created_at": now,
    }
    return register_artifact(lifecycle, settings, path, metadata)
