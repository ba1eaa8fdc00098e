"""The training job: learn the site's policy from its decisions, judge it, register it.

What a retraining run does, the same from ``POST /v1/models`` (an RQ job on queue ``train``) and
``commentdesk train --register``:

1. read the site's labelled comments, oldest first: an uploaded labels file (historical
   decisions, in file order) then every standing moderator decision (in decision order);
2. take the prior: the champion's (the shipped model on a fresh install), or, when public data
   is configured (``COMMENTDESK_TRAINING_DATA`` / ``--data``), a prior retrained on it plus the
   team's domain examples;
3. judge the procedure as it will be used: a candidate trained on the older 80% of the decisions
   and the champion, both scored on the newest 20%, each at its own bands
   (``workers.adaptation``); the gate's verdict is stored with the version;
4. fit the version on *every* decision (none is held back once the evaluation is done), choose
   its bands from out-of-fold scores of all decisions, and register it; never promote.

Progress (stage, percent, messages) goes into the RQ job's ``meta`` and, from the CLI, to the
terminal.
"""

from __future__ import annotations

import csv
import dataclasses
import io
import logging
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from rq import get_current_job
from rq.job import Job

from classifier import DEFAULT_MODEL_DIR, TextModel, evaluate, load_model, save_model
from classifier.adaptation import SiteTrainer
from classifier.datasets import DATA_LANGUAGES, Dataset, data_manifest
from classifier.errors import ClassifierError
from classifier.site import SiteModel
from classifier.training import train_prior
from service.domain import Alias, ModelVersion, ModeratorLabel, Status
from service.domain.labels import LABELS, decision_labels
from service.errors import CommentDeskError
from service.lifecycle import Lifecycle
from service.promotion import EVALUATION
from service.settings import Settings
from workers.adaptation import SiteRows, adapt, not_evaluated, site_bands
from workers.artifacts import ArtifactCache, artifact_cache
from workers.context import current
from workers.model_cache import ModelLoadError, Scorer
from workers.registration import register_artifact

MODERATOR_DATASET = "moderator_decisions"
UPLOADED_DATASET = "uploaded_labels"
SHIPPED_ARTIFACT = DEFAULT_MODEL_DIR / "default.skops"

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
    upload_id: str | None = None  # a labels file stored by ``POST /v1/models`` (text/csv)


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

    def within(self, stage: str, start: int, end: int) -> Callable[[str], None]:
        """A callback for a step of unknown length: each message moves a little within
        [start, end) (real work, not a timer)."""
        position = [float(start)]

        def step(message: str) -> None:
            position[0] += (end - position[0]) * 0.2
            self.report(stage, int(position[0]), message)

        return step


def train_version(
    note: str | None = None,
    extra_labels_csv: str | None = None,
    requested_by: str | None = None,
    upload_id: str | None = None,
) -> dict[str, Any]:
    """RQ entry point (queue ``train``): train, evaluate, register; returns the version id."""
    context = current()
    job = get_current_job()
    request = TrainingRequest(
        note, extra_labels_csv, requested_by, job.id if job else None, upload_id
    )
    lifecycle = Lifecycle(context.moderation.sessions)
    version = run_training(lifecycle, context.settings, request, Progress(job))
    return {"version_id": version.id}


def run_training(
    lifecycle: Lifecycle, settings: Settings, request: TrainingRequest, progress: Progress
) -> ModelVersion:
    """Train a version on the site's decisions (and public data, if configured), judge it
    against the champion on the newest decisions, register it (not as champion)."""
    progress.report("loading decisions", 2, "reading the site's decisions")
    labelled, manifest = _site_rows(lifecycle, request)
    champion_version = lifecycle.alias(Alias.CHAMPION)
    champion = _load(champion_version, artifact_cache(lifecycle, settings))
    prior, public = _prior(settings, champion, progress)
    if not labelled and not public:
        raise TrainingJobError(
            "nothing to learn from: there are no moderator decisions yet and no labels file; "
            "decide some comments, upload labelled comments, or give public data (--data)"
        )
    labels = tuple(prior.labels)
    rows = _with_labels(labelled, labels)
    progress.report("learning the site", 60, f"{len(rows)} labelled comments, oldest first")
    model, evaluation, bands = _adapt(prior, rows, champion_version, champion, settings, progress)
    metrics: dict[str, Any] = {
        EVALUATION: {**evaluation, "champion": champion_version.id if champion_version else None},
        "candidate": evaluate(model, public) if public else {},
        "champion": _public_results(champion_version, champion, public),
        "train_rows": _train_rows(model),
    }
    progress.report("registering", 92, "saving and verifying the artifact")
    manifest = {**manifest, **_manifest(public)}
    version = _register(lifecycle, model, metrics, manifest, bands)
    verdict = evaluation["verdict"].replace("_", " ")
    progress.report("done", 100, f"registered {version.id} (gate: {verdict})")
    return version


# -- the site's labelled comments -------------------------------------------------------------


def _site_rows(
    lifecycle: Lifecycle, request: TrainingRequest
) -> tuple[list[tuple[str, Status, str, dict[str, float]]], dict[str, Any]]:
    uploaded = _uploaded_rows(lifecycle, request)
    labels = lifecycle.moderator_labels()
    decided = [_decided_row(label) for label in labels]
    rows = uploaded + [row for row in decided if row[3]]
    manifest = {
        MODERATOR_DATASET: {
            "upto_action_id": max((label.action_id for label in labels), default=None),
            "decided_comments": len(labels),
            "used": len(rows) - len(uploaded),
        },
        UPLOADED_DATASET: {"rows": len(uploaded), "upload_id": request.upload_id}
        if uploaded
        else None,
        "order": "uploaded rows (file order), then moderator decisions (decision order)",
        "note": request.note,
        "requested_by": request.requested_by,
        "job_id": request.job_id,
    }
    return rows, manifest


def _decided_row(label: ModeratorLabel) -> tuple[str, Status, str, dict[str, float]]:
    targets = {
        name: float(value)
        for name, value in decision_labels(label.status, label.reasons).items()
        if value is not None
    }
    return label.body, label.status, label.site_id, targets


def _uploaded_rows(
    lifecycle: Lifecycle, request: TrainingRequest
) -> list[tuple[str, Status, str, dict[str, float]]]:
    text = request.extra_labels_csv
    if request.upload_id is not None:
        text = lifecycle.training_upload(request.upload_id)
    if not text:
        return []
    reader = csv.DictReader(io.StringIO(text))
    columns = [name for name in reader.fieldnames or () if name in LABELS]
    rows = []
    for record in reader:
        targets = {
            name: float(value)
            for name in columns
            if (value := (record.get(name) or "").strip()) in ("0", "1")
        }
        if targets and (record.get("text") or "").strip():
            rows.append((record["text"], _status_of(targets), "", targets))
    return rows


def _status_of(targets: dict[str, float]) -> Status:
    # The decision a labelled row stands for, for the decision-level figures.
    if targets.get("spam") == 1:
        return Status.SPAM
    if any(value == 1 for value in targets.values()):
        return Status.REJECTED
    return Status.APPROVED


def _with_labels(
    rows: Sequence[tuple[str, Status, str, dict[str, float]]], labels: Sequence[str]
) -> SiteRows:
    targets = np.array(
        [[row[3].get(label, np.nan) for label in labels] for row in rows], dtype=np.float64
    ).reshape(len(rows), len(labels))
    return SiteRows(
        texts=[row[0] for row in rows],
        statuses=[row[1] for row in rows],
        site_ids=[row[2] for row in rows],
        targets=targets,
    )


# -- the prior --------------------------------------------------------------------------------


def _load(version: ModelVersion | None, artifacts: ArtifactCache) -> Scorer | None:
    if version is None:
        return None
    try:
        return artifacts.load(version)
    except ModelLoadError as exc:
        log.warning("the champion %s cannot be loaded for comparison: %s", version.id, exc)
        return None


def _prior(
    settings: Settings, champion: Scorer | None, progress: Progress
) -> tuple[TextModel, list[Dataset]]:
    """The model the site head starts from, and the public datasets it was retrained on."""
    if settings.training_data is None:
        progress.report("prior", 10, "starting from the champion's prior (no public data)")
        return _base_prior(champion), []
    progress.report("prior", 5, f"retraining the prior on public data in {settings.training_data}")
    try:
        return train_prior(settings.training_data, progress=progress.within("prior", 5, 58))
    except ClassifierError as exc:
        raise TrainingJobError(
            f"cannot train on the public data ({exc}); check COMMENTDESK_TRAINING_DATA / --data"
        ) from exc


def _base_prior(champion: Scorer | None) -> TextModel:
    if isinstance(champion, SiteModel):
        return champion.prior
    if isinstance(champion, TextModel):
        return champion
    try:
        return load_model(SHIPPED_ARTIFACT)
    except ClassifierError as exc:
        raise TrainingJobError(f"no champion to start from and {exc}") from exc


# -- adapting to the site and judging it ------------------------------------------------------


def _adapt(
    prior: TextModel,
    rows: SiteRows,
    champion_version: ModelVersion | None,
    champion: Scorer | None,
    settings: Settings,
    progress: Progress,
) -> tuple[TextModel | SiteModel, dict[str, Any], dict[str, Any]]:
    if not len(rows):
        return prior, not_evaluated("no site decisions to judge it on"), {}
    step = progress.within("learning the site", 60, 90)
    trainer = SiteTrainer(prior, rows.texts, rows.targets, progress=step)
    bands_then = champion_version.thresholds if champion_version else None
    adaptation = adapt(trainer, rows, champion, bands_then, settings, step)
    step("fitting on every decision")
    model = trainer.fit(label_c=adaptation.label_c)
    if model is None:
        if settings.training_data is None:
            raise TrainingJobError(_too_few(rows, prior.labels, trainer))
        return prior, adaptation.evaluation, {}
    bands = site_bands(rows, prior.labels, adaptation.out_of_sample, settings)
    model.metadata_.update(
        prior.metadata_ | {"site_decisions": len(rows), "label_C": dict(adaptation.label_c)}
    )
    return model, adaptation.evaluation, bands


def _too_few(rows: SiteRows, labels: Sequence[str], trainer: SiteTrainer) -> str:
    counts = []
    for column, label in enumerate(labels[:2]):
        known = ~np.isnan(rows.targets[:, column])
        positives = int(np.sum(rows.targets[known, column] == 1))
        counts.append(f"{label}: {positives} of {int(known.sum())} decisions")
    need = trainer.params.get("min_class_rows", SiteModel(trainer.prior).min_class_rows)
    return (
        f"the site's decisions teach no label yet (each needs {need} decisions either way; "
        f"{'; '.join(counts)})"
    )


# -- metrics, manifest, registration ----------------------------------------------------------


def _public_results(
    version: ModelVersion | None, champion: Scorer | None, public: list[Dataset]
) -> dict[str, Any] | None:
    if version is None:
        return None
    if champion is None:
        return {"version_id": version.id, "error": "the champion could not be loaded"}
    results = evaluate(champion, public) if public else {}
    return {"version_id": version.id, "results": results}


def _train_rows(model: TextModel | SiteModel) -> dict[str, Any]:
    if isinstance(model, SiteModel):
        return {"site_heads": dict(model.n_train_), "prior": model.prior.metadata.get("train_rows")}
    return {"prior": model.metadata.get("train_rows")}


def _manifest(public: list[Dataset]) -> dict[str, Any]:
    # Site decisions adapt the prior (trained on the English public data); the language phase
    # reads ``languages`` as what this version can judge.
    return {
        "public_data": data_manifest(public) if public else None,
        "languages": list(DATA_LANGUAGES),
    }


def _register(
    lifecycle: Lifecycle,
    model: TextModel | SiteModel,
    metrics: dict[str, Any],
    manifest: dict[str, Any],
    bands: dict[str, Any],
) -> ModelVersion:
    with tempfile.TemporaryDirectory(prefix="commentdesk-train-") as tmp:
        path = Path(tmp) / "candidate.skops"
        sha256 = save_model(model, path)
        now = datetime.now(UTC)
        metadata = {
            "id": f"m-{now:%Y%m%dT%H%M%S}-{sha256[:8]}",
            "metrics": metrics,
            "data_manifest": manifest,
            "thresholds": bands,
            "created_at": now,
        }
        return register_artifact(lifecycle, path, metadata)
