"""Response shapes of model versions, aliases, training, labels and the shadow comparison.

Member order is the order clients have always received; ``UNSET`` members are left out.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from msgspec import Meta

from service.domain import Alias, AliasKind
from service.http.wire import CommentIdText, Response_


class ModelVersion(Response_):
    """A registered model version."""

    id: str
    artifact_sha256: str
    artifact_path: str
    labels: list[str]
    metrics: dict[str, Any]
    data_manifest: dict[str, Any]
    library_versions: dict[str, Any]
    created_at: datetime
    aliases: list[str]
    thresholds: dict[str, Any]
    evaluation: Annotated[dict[str, Any] | None, Meta(description=(
        "the promotion gate's comparison with the champion on the site's newest decisions "
        "(verdict, ROC-AUC per label and outcomes with intervals)"))]  # fmt: skip


class ModelList(Response_):
    """Registered model versions."""

    items: list[ModelVersion]


class AliasEvent(Response_):
    """One move of a model alias; ``id`` null and ``changed`` false when nothing moved."""

    id: int | None
    changed: bool
    alias: Alias
    kind: AliasKind
    version_id: str | None
    previous_version_id: str | None
    actor: str | None
    created_at: datetime
    reason: Annotated[str | None, Meta(description="why a refused promotion was forced")]


class AliasEventList(Response_):
    """Alias moves, newest first."""

    items: list[AliasEvent]
    rollback_to: Annotated[
        str | None,
        Meta(
            description="the version POST /v1/models/rollback would make champion now; "
            "null when there is nothing to roll back to"
        ),
    ]


class TrainingUpload(Response_):
    """A stored labels file, to name in ``POST /v1/models``."""

    upload_id: str
    rows: int
    sha256: str
    created_at: datetime


class TrainingJobAccepted(Response_):
    """A training job on the queue."""

    job_id: str
    status: str


class TrainingJob(Response_):
    """A training job's status and progress."""

    job_id: str
    status: str
    stage: str | None
    percent: int
    messages: list[str]
    version_id: str | None
    error: str | None
    enqueued_at: datetime | None
    started_at: datetime | None
    ended_at: datetime | None


class LabelCounts(Response_):
    """One model's outcomes on one label."""

    precision: float | None
    recall: float | None
    true_positives: int
    false_positives: int
    false_negatives: int


class LabelComparison(Response_):
    """Both models on one label."""

    positives: int
    negatives: int
    champion: LabelCounts
    challenger: LabelCounts


class ChangedVerdicts(Response_):
    """Verdicts the challenger would change, and toward whom."""

    total: int
    toward_moderator: int
    away_from_moderator: int


class ShadowComparison(Response_):
    """A challenger compared with the champion on moderator-decided comments."""

    challenger: str
    champion: str | None
    compared: Annotated[int, Meta(description="moderator-decided comments both scored")]
    agreeing: int
    agreement: float | None
    changed: ChangedVerdicts
    verdicts: Annotated[dict[str, dict[str, int]], Meta(description="model → verdict → count")]
    labels: Annotated[dict[str, LabelComparison], Meta(description=(
        "label → counts of each model"))]  # fmt: skip


class LabelRecord(Response_):
    """One line of the labels export as application/x-ndjson (as text/csv: labels as
    label_<name> columns, reasons joined by ';')."""

    comment_id: CommentIdText
    site_id: str
    article_id: str
    body: str
    decision: Literal["approve", "reject", "spam"]
    reasons: list[str]
    labels: dict[str, Literal[0, 1] | None]
    moderator: str
    decided_at: datetime
    action_id: int
