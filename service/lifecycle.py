"""Use cases of the model lifecycle: promote, roll back, challenger, register, train.

Alias moves are recorded in ``model_alias_events`` by the store, so every change of the deciding
model says who made it and when, and a rollback knows where to go back to. Workers notice a new
champion within ``model_poll_seconds`` (``workers.model_cache``); nothing restarts.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import io
import logging
import uuid
from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session, sessionmaker

from service.clock import utcnow
from service.domain import Alias, AliasEvent, AliasKind, ModelVersion, ModeratorLabel
from service.domain.labels import LABELS
from service.errors import ConflictError, FieldError, QueueError, ValidationError
from service.promotion import check_promotion
from service.store import artifacts, registry, training_uploads
from service.store.moderator_labels import moderator_labels
from service.thresholds import band_changes, merge_thresholds
from service.training_queue import TrainingJob, TrainingQueue
from service.transaction import transaction

log = logging.getLogger(__name__)


class NoPreviousChampionError(ConflictError):
    """A rollback was asked for, but the champion history has nothing before the current one."""

    code = "no-previous-champion"
    title = "No previous champion to roll back to"


class Lifecycle:
    """Model registry and alias use cases, shared by the HTTP API, the workers and the CLI."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        *,
        training: TrainingQueue | None = None,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        self.sessions = sessions
        self.training = training
        self.clock = clock

    def _transaction(self) -> AbstractContextManager[Session]:
        return transaction(self.sessions)

    # -- versions and aliases -------------------------------------------------------------------

    def version(self, version_id: str) -> ModelVersion:
        """One registered version; raises NotFoundError."""
        with self._transaction() as session:
            return registry.get_version(session, version_id)

    def models(self) -> list[ModelVersion]:
        """Every registered version with its aliases, newest first."""
        with self._transaction() as session:
            return registry.list_versions(session)

    def alias(self, name: Alias) -> ModelVersion | None:
        """The version an alias points at, if it is set."""
        with self._transaction() as session:
            return registry.version_for_alias(session, name)

    def register(
        self,
        version: ModelVersion,
        *,
        artifact: bytes | None = None,
        champion_if_unset: bool = False,
    ) -> bool:
        """Register a verified version (see ``workers.registration``); True when it was new.

        ``artifact`` (the file's bytes) is stored in the same transaction, so a version is never
        recorded without the bytes every worker host will fetch. ValueError if they do not hash
        to ``version.artifact_sha256``.
        """
        with self._transaction() as session:
            if artifact is not None:
                artifacts.add_artifact(session, version.artifact_sha256, artifact, self.clock())
            is_new = registry.register_version(session, version)
            if champion_if_unset and registry.alias_target(session, Alias.CHAMPION) is None:
                registry.set_alias(session, Alias.CHAMPION, version.id, self.clock())
            return is_new

    def store_thresholds(
        self, version_id: str, computed: Mapping[str, Mapping[str, Any]]
    ) -> dict[str, Any]:
        """Merge computed bands into a version's stored thresholds; returns what is stored.

        A version's record is immutable except for its thresholds: they are operating choices
        made on top of a fixed model, recomputed as targets change. Labels and bands not in
        ``computed`` keep what was stored. Raises NotFoundError.
        """
        with self._transaction() as session:
            stored = registry.thresholds_for_update(session, version_id)
            merged = merge_thresholds(stored, computed)
            registry.set_thresholds(session, version_id, merged)
        # Alias events are for alias moves only: a threshold change is logged.
        log.info("thresholds of model version %s set: %s", version_id, band_changes(computed))
        return merged

    def artifact(self, sha256: str) -> bytes | None:
        """The stored bytes of an artifact, or None when the database does not hold them."""
        with self._transaction() as session:
            return artifacts.artifact_content(session, sha256)

    def store_artifact(self, sha256: str, content: bytes) -> bool:
        """Store artifact bytes (checked against ``sha256``); False if already stored."""
        with self._transaction() as session:
            return artifacts.add_artifact(session, sha256, content, self.clock())

    def artifacts_missing(self, skip_prefixes: tuple[str, ...]) -> list[tuple[str, str]]:
        """(sha256, artifact_path) of registered versions whose bytes the database lacks."""
        with self._transaction() as session:
            return artifacts.versions_without_artifact(session, skip_prefixes)

    def promote(
        self, version_id: str, actor: str, *, force_reason: str | None = None
    ) -> AliasEvent:
        """Make a version the champion; promoting the challenger also clears that alias.

        The promotion gate (``service.promotion``) refuses a version its training judged worse
        than the champion on the site's recent decisions, or judged against another champion,
        unless ``force_reason`` says why ops promote it anyway (kept with the alias move).
        """
        now = self.clock()
        with self._transaction() as session:
            version = registry.get_version(session, version_id)
            check_promotion(version, registry.alias_target(session, Alias.CHAMPION), force_reason)
            event = registry.set_alias(
                session,
                Alias.CHAMPION,
                version_id,
                now,
                actor=actor,
                kind=AliasKind.PROMOTE,
                reason=force_reason or None,
            )
            if registry.alias_target(session, Alias.CHALLENGER) == version_id:
                registry.unset_alias(session, Alias.CHALLENGER, now, actor=actor)
            return event

    def rollback(self, actor: str) -> AliasEvent:
        """Move the champion back to the one before it; NoPreviousChampionError if none."""
        with self._transaction() as session:
            previous = _previous_champion(session)
            if previous is None:
                raise NoPreviousChampionError("the champion history has no previous version")
            return registry.set_alias(
                session,
                Alias.CHAMPION,
                previous,
                self.clock(),
                actor=actor,
                kind=AliasKind.ROLLBACK,
            )

    def rollback_target(self) -> str | None:
        """The version a rollback would make champion now, or None when there is none."""
        with self._transaction() as session:
            return _previous_champion(session)

    def set_challenger(self, version_id: str, actor: str) -> AliasEvent:
        """Point the challenger alias at a version; the champion itself cannot be challenger."""
        with self._transaction() as session:
            if registry.alias_target(session, Alias.CHAMPION) == version_id:
                raise ConflictError(f"{version_id!r} is the champion; it cannot also challenge")
            return registry.set_alias(
                session, Alias.CHALLENGER, version_id, self.clock(), actor=actor
            )

    def unset_challenger(self, actor: str) -> AliasEvent:
        """Stop shadow scoring: remove the challenger alias."""
        with self._transaction() as session:
            return registry.unset_alias(session, Alias.CHALLENGER, self.clock(), actor=actor)

    def history(self, alias: str | None = None, limit: int = 100) -> list[AliasEvent]:
        """Alias moves, newest first."""
        with self._transaction() as session:
            return registry.alias_events(session, alias, limit)

    # -- training -------------------------------------------------------------------------------

    def moderator_labels(self, upto_action_id: int | None = None) -> list[ModeratorLabel]:
        """The latest human decision on every decided comment (training data)."""
        with self._transaction() as session:
            return moderator_labels(session, upto_action_id)

    def start_training(
        self,
        *,
        note: str | None,
        extra_labels_csv: str | None,
        actor: str,
        upload_id: str | None = None,
    ) -> str:
        """Check the labels (inline CSV or a stored upload), then enqueue a training job;
        returns the job id."""
        if extra_labels_csv:
            check_labels_csv(extra_labels_csv, "/extra_labels_csv")
        if upload_id is not None:
            self.training_upload(upload_id)  # NotFoundError before anything is queued
        return self._queue().enqueue(
            note=note, extra_labels_csv=extra_labels_csv, actor=actor, upload_id=upload_id
        )

    def store_training_upload(self, text: str, actor: str) -> TrainingUpload:
        """Check and keep a labels file for a later training run (any worker host reads it)."""
        rows = check_labels_csv(text, "")
        upload = TrainingUpload(
            id=f"upload-{uuid.uuid4().hex}",
            rows=rows,
            sha256=hashlib.sha256(text.encode("utf-8")).hexdigest(),
            created_at=self.clock(),
        )
        with self._transaction() as session:
            training_uploads.add_upload(
                session,
                upload_id=upload.id,
                created_by=actor,
                rows=rows,
                sha256=upload.sha256,
                body=text,
                now=upload.created_at,
            )
        return upload

    def training_upload(self, upload_id: str) -> str:
        """The CSV text of a stored labels upload; raises NotFoundError."""
        with self._transaction() as session:
            return training_uploads.upload_body(session, upload_id)

    def training_job(self, job_id: str) -> TrainingJob:
        """A training job's status, progress and result."""
        return self._queue().get(job_id)

    def _queue(self) -> TrainingQueue:
        if self.training is None:
            raise QueueError("training needs Redis: set REDIS_URL")
        return self.training


@dataclasses.dataclass(frozen=True)
class TrainingUpload:
    """A stored labels file, referred to by id when training is started."""

    id: str
    rows: int
    sha256: str
    created_at: datetime


def check_labels_csv(text: str, pointer: str) -> int:
    """The number of rows; ValidationError unless ``text`` is a CSV with ``text`` and 0/1/empty
    label columns."""
    # newline="": the csv module reads line ends itself, so a lone "\r" cannot break a field.
    reader = csv.DictReader(io.StringIO(text, newline=""))
    try:
        header = reader.fieldnames or []
    except csv.Error as exc:
        raise ValidationError([FieldError(pointer, f"not valid CSV: {exc}")]) from exc
    labels = [name for name in header if name in LABELS]
    if "text" not in header or not labels:
        known = ", ".join(sorted(LABELS))
        raise ValidationError(
            [FieldError(pointer, f"needs a header with 'text' and at least one of: {known}")]
        )
    rows = 0
    try:
        for row in reader:
            rows += 1
            for label in labels:
                if (row.get(label) or "").strip() not in ("", "0", "1"):
                    detail = f"line {reader.line_num}: {label} must be 0, 1 or empty"
                    raise ValidationError([FieldError(pointer, detail)])
    except csv.Error as exc:
        raise ValidationError([FieldError(pointer, f"not valid CSV: {exc}")]) from exc
    return rows


def _previous_champion(session: Session) -> str | None:
    """The champion before the current one on the alias's stack, if the stack has one."""
    history = registry.alias_history(session, Alias.CHAMPION)
    current = registry.alias_target(session, Alias.CHAMPION)
    if current is None or len(history) < 2 or history[-1] != current:
        return None
    return history[-2]
