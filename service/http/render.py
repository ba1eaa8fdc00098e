"""Domain values as JSON: what the API sends back. Timestamps are ISO 8601 in UTC (``Z``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from service.comparison import Counts, ShadowComparison
from service.domain import Action, ActionKind, AliasEvent, Comment, ModelVersion, Page, Status
from service.domain.authors import AuthorRecord
from service.lifecycle import TrainingUpload
from service.moderation import ModerationView, QueueOverview
from service.promotion import evaluation_of
from service.training_queue import TrainingJob


def timestamp(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def comment_status(comment: Comment) -> dict[str, Any]:
    """A comment as its site sees it: status, and reasons once decided."""
    decided = comment.status is not Status.PENDING
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "parent_id": comment.parent_id,
        "author": {"id": comment.author.id, "display_name": comment.author.display_name},
        "body": comment.body,
        "language": comment.language,
        "status": comment.status.value,
        "reasons": list(comment.reasons) if decided else [],
        "created_at": timestamp(comment.created_at),
        "decided_at": timestamp(comment.decided_at),
        "revision": comment.revision,
    }


def comment_full(comment: Comment) -> dict[str, Any]:
    """Everything stored about a comment, for moderators."""
    return {
        **comment_status(comment),
        "site_id": comment.site_id,
        "root_id": comment.root_id,
        "author": {
            "id": comment.author.id,
            "display_name": comment.author.display_name,
            "email_hash": comment.author.email_hash,
            "account_age_days": comment.author.account_age_days,
            "karma": comment.author.karma,
        },
        "reasons": list(comment.reasons),
        "risk": comment.risk,
        "model_version": comment.model_version,
        "version": comment.version,
    }


def published_threads(page: Page[Comment]) -> dict[str, Any]:
    """Approved comments nested under their parents: each item has ``replies``."""
    nodes: dict[str, dict[str, Any]] = {}
    roots: list[dict[str, Any]] = []
    for comment in page.items:  # the store lists each parent before its replies
        node: dict[str, Any] = {
            "id": comment.id,
            "parent_id": comment.parent_id,
            "author": {"id": comment.author.id, "display_name": comment.author.display_name},
            "body": comment.body,
            "language": comment.language,
            "created_at": timestamp(comment.created_at),
            "replies": [],
        }
        nodes[comment.id] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent["replies"] if parent is not None else roots).append(node)
    return {"items": roots, "next_cursor": page.next_cursor}


def action(entry: Action) -> dict[str, Any]:
    """One moderation log entry; ``actor`` null means the system."""
    return {
        "id": entry.id,
        "comment_id": entry.comment_id,
        "kind": entry.kind.value,
        "actor": entry.actor,
        "from_status": entry.from_status.value if entry.from_status else None,
        "to_status": entry.to_status.value if entry.to_status else None,
        "reasons": list(entry.reasons),
        "model_version": entry.model_version,
        "scores": dict(entry.scores),
        "note": entry.note,
        "created_at": timestamp(entry.created_at),
    }


def action_page(page: Page[Action]) -> dict[str, Any]:
    """A page of the audit log."""
    return {"items": [action(a) for a in page.items], "next_cursor": page.next_cursor}


def queue_overview(queues: list[QueueOverview]) -> dict[str, Any]:
    """Every queue's size and oldest age."""
    return {
        "queues": [
            {"name": q.queue.value, "count": q.count, "oldest_age_seconds": q.oldest_age_seconds}
            for q in queues
        ]
    }


def moderation_view(view: ModerationView) -> dict[str, Any]:
    """What a moderator sees when judging one comment."""
    return {
        "comment": comment_full(view.comment),
        "scores": view.scores,
        "reasons": list(view.comment.reasons),
        "model_version": view.comment.model_version,
        "actions": [action(a) for a in view.actions],
        "author": author_record(view.author),
        "evidence": evidence(view.actions),
        "parent": comment_full(view.parent) if view.parent is not None else None,
    }


def evidence(actions: list[Action]) -> dict[str, Any] | None:
    """The latest classified action's evidence: spans of the body per label, and rule hits."""
    for entry in reversed(actions):
        if entry.kind is ActionKind.CLASSIFIED:
            return evidence_spans(entry.evidence)
    return None


def evidence_spans(stored: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Stored evidence as served: spans per label, and rule hits."""
    if stored is None:
        return None
    return {"labels": dict(stored.get("labels", {})), "rules": list(stored.get("rules", []))}


def author_record(record: AuthorRecord) -> dict[str, Any]:
    """An author's counts by status and latest comments."""
    return {
        "id": record.author_id,
        "counts": record.counts,
        "recent": [comment_full(c) for c in record.recent],
    }


def model_version(version: ModelVersion) -> dict[str, Any]:
    """A registered model version."""
    return {
        "id": version.id,
        "artifact_sha256": version.artifact_sha256,
        "artifact_path": version.artifact_path,
        "labels": list(version.labels),
        "metrics": dict(version.metrics),
        "data_manifest": dict(version.data_manifest),
        "library_versions": dict(version.library_versions),
        "created_at": timestamp(version.created_at),
        "aliases": list(version.aliases),
        "thresholds": dict(version.thresholds),
        "evaluation": evaluation_of(version),
    }


def alias_event(event: AliasEvent) -> dict[str, Any]:
    """One move of a model alias; ``id`` null and ``changed`` false when nothing moved."""
    return {
        "id": event.id,
        "changed": event.id is not None,
        "alias": event.alias,
        "kind": event.kind.value,
        "version_id": event.version_id,
        "previous_version_id": event.previous_version_id,
        "actor": event.actor,
        "created_at": timestamp(event.created_at),
        "reason": event.reason,
    }


def training_upload(upload: TrainingUpload) -> dict[str, Any]:
    """A stored labels file, to name in ``POST /v1/models``."""
    return {
        "upload_id": upload.id,
        "rows": upload.rows,
        "sha256": upload.sha256,
        "created_at": timestamp(upload.created_at),
    }


def training_job(job: TrainingJob) -> dict[str, Any]:
    """A training job's status and progress."""
    return {
        "job_id": job.id,
        "status": job.status,
        "stage": job.stage,
        "percent": job.percent,
        "messages": job.messages,
        "version_id": job.version_id,
        "error": job.error,
        "enqueued_at": timestamp(job.enqueued_at),
        "started_at": timestamp(job.started_at),
        "ended_at": timestamp(job.ended_at),
    }


def shadow_comparison(comparison: ShadowComparison) -> dict[str, Any]:
    """A challenger compared with the champion on moderator-decided comments."""
    return {
        "challenger": comparison.challenger,
        "champion": comparison.champion,
        "compared": comparison.compared,
        "agreeing": comparison.agreeing,
        "agreement": comparison.agreement,
        "changed": {
            "total": comparison.changed,
            "toward_moderator": comparison.toward_moderator,
            "away_from_moderator": comparison.away_from_moderator,
        },
        "verdicts": {
            model: {verdict.value: n for verdict, n in counts.items()}
            for model, counts in comparison.verdicts.items()
        },
        "labels": {
            label: {
                "positives": c.positives,
                "negatives": c.negatives,
                "champion": _label_counts(c.champion),
                "challenger": _label_counts(c.challenger),
            }
            for label, c in comparison.labels.items()
        },
    }


def _label_counts(counts: Counts) -> dict[str, Any]:
    return {
        "precision": counts.precision,
        "recall": counts.recall,
        "true_positives": counts.true_positives,
        "false_positives": counts.false_positives,
        "false_negatives": counts.false_negatives,
    }
