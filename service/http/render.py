"""Domain values as response Structs (``service/http/responses.py``): what the API sends back.
Timestamps are ISO 8601 in UTC (``Z``)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from msgspec import UNSET

from service.comparison import Counts, ShadowComparison
from service.domain import Action, ActionKind, AliasEvent, Comment, ModelVersion, Page, Status
from service.domain.appeals import Appeal
from service.domain.articles import ArticleSettings
from service.domain.authors import AuthorRecord
from service.domain.queues import CardReport
from service.domain.statements import Statement
from service.domain.threads import ThreadEntry, Unavailable
from service.http import model_responses as model_out
from service.http import responses as out
from service.lifecycle import TrainingUpload
from service.moderation import ModerationView, QueueOverview
from service.promotion import evaluation_of
from service.training_queue import TrainingJob


def utc(value: datetime) -> datetime:
    """The same instant in UTC, which encodes with a ``Z`` suffix."""
    return value.astimezone(UTC)


def maybe_utc(value: datetime | None) -> datetime | None:
    """``utc`` of a time that may be missing."""
    return None if value is None else value.astimezone(UTC)


def article_settings(found: ArticleSettings) -> out.ArticleSettings:
    """How an article takes comments, and who set it when."""
    return out.ArticleSettings(
        site_id=found.site_id,
        article_id=found.article_id,
        premoderate=found.premoderate,
        premoderate_links=found.premoderate_links,
        closed=found.closed,
        set_by=found.set_by,
        set_at=maybe_utc(found.set_at),
    )


def statement(value: Statement | None) -> out.Statement | None:
    """A statement of reasons, as sites and moderators receive it."""
    if value is None:
        return None
    return out.Statement(code=value.code, explanation=value.explanation, automated=value.automated)


def site_appeal(appeal: Appeal | None) -> out.SiteAppeal | None:
    """An appeal as the site sees it: no moderator names, no author text."""
    if appeal is None:
        return None
    return out.SiteAppeal(
        id=appeal.id,
        comment_id=appeal.comment_id,
        status=appeal.status,
        filed_at=utc(appeal.filed_at),
        decided_at=maybe_utc(appeal.decided_at),
        reply=appeal.reply,
    )


def comment_status(comment: Comment, appeal: Appeal | None) -> out.CommentStatus:
    """A comment as its site sees it: status, and reasons once decided."""
    decided = comment.status is not Status.PENDING
    return out.CommentStatus(
        id=comment.id,
        article_id=comment.article_id,
        parent_id=comment.parent_id,
        author=out.BriefAuthor(id=comment.author.id, display_name=comment.author.display_name),
        body=comment.body,
        language=comment.language,
        status=comment.status,
        reasons=list(comment.reasons) if decided else [],
        created_at=utc(comment.created_at),
        decided_at=maybe_utc(comment.decided_at),
        revision=comment.revision,
        statement=statement(comment.statement),
        appeal=site_appeal(appeal),
    )


def comment_fields(comment: Comment) -> dict[str, Any]:
    """The members of ``out.Comment``, for it and the shapes that extend it."""
    author = comment.author
    return {
        "id": comment.id,
        "article_id": comment.article_id,
        "parent_id": comment.parent_id,
        "author": out.FullAuthor(
            id=author.id,
            display_name=author.display_name,
            email_hash=author.email_hash,
            account_age_days=author.account_age_days,
            karma=author.karma,
        ),
        "body": comment.body,
        "language": comment.language,
        "status": comment.status,
        "reasons": list(comment.reasons),
        "created_at": utc(comment.created_at),
        "decided_at": maybe_utc(comment.decided_at),
        "revision": comment.revision,
        "site_id": comment.site_id,
        "root_id": comment.root_id,
        "risk": comment.risk,
        "model_version": comment.model_version,
        "version": comment.version,
        "statement": statement(comment.statement),
    }


def comment_full(comment: Comment) -> out.Comment:
    """Everything stored about a comment, for moderators."""
    return out.Comment(**comment_fields(comment))


def published_threads(page: Page[ThreadEntry], total: int, threads: int) -> out.Threads:
    """Approved comments nested under their parents: each item has ``replies``; an unpublished
    comment with approved replies is there without its text or author (``available`` false)."""
    nodes: dict[str, out.ThreadedComment] = {}
    roots: list[out.ThreadedComment] = []
    for comment in page.items:  # the store lists each parent before its replies
        node = _threaded(comment)
        nodes[comment.id] = node
        parent = nodes.get(comment.parent_id) if comment.parent_id else None
        (parent.replies if parent is not None else roots).append(node)
    counts = out.ThreadCounts(comments=total, threads=threads)
    return out.Threads(items=roots, next_cursor=page.next_cursor, counts=counts)


def _threaded(entry: ThreadEntry) -> out.ThreadedComment:
    if isinstance(entry, Unavailable):
        return out.ThreadedComment(
            id=entry.id, parent_id=entry.parent_id, available=False, author=None, body=None,
            language=None, created_at=utc(entry.created_at), replies=[],
        )  # fmt: skip
    return out.ThreadedComment(
        id=entry.id,
        parent_id=entry.parent_id,
        available=True,
        author=out.BriefAuthor(id=entry.author.id, display_name=entry.author.display_name),
        body=entry.body,
        language=entry.language,
        created_at=utc(entry.created_at),
        replies=[],
    )


def action(entry: Action) -> out.Action:
    """One moderation log entry; ``actor`` null means the system."""
    return out.Action(
        id=entry.id,
        comment_id=entry.comment_id,
        kind=entry.kind,
        actor=entry.actor,
        from_status=entry.from_status,
        to_status=entry.to_status,
        reasons=list(entry.reasons),
        model_version=entry.model_version,
        scores=dict(entry.scores),
        note=entry.note,
        created_at=utc(entry.created_at),
        statement=statement(entry.statement),
    )


def action_page(page: Page[Action]) -> out.ActionPage:
    """A page of the audit log."""
    return out.ActionPage(items=[action(a) for a in page.items], next_cursor=page.next_cursor)


def queue_overview(queues: list[QueueOverview]) -> out.QueueOverview:
    """Every queue's size and oldest age."""
    return out.QueueOverview(
        queues=[
            out.QueueSize(
                name=q.queue.value, count=q.count, oldest_age_seconds=q.oldest_age_seconds
            )
            for q in queues
        ]
    )


def moderation_view(view: ModerationView) -> out.ModerationView:
    """What a moderator sees when judging one comment."""
    return out.ModerationView(
        comment=comment_full(view.comment),
        scores=view.scores,
        reasons=list(view.comment.reasons),
        model_version=view.comment.model_version,
        actions=[action(a) for a in view.actions],
        author=author_record(view.author),
        evidence=evidence(view.actions),
        parent=comment_full(view.parent) if view.parent is not None else None,
        reports=[card_report(r) for r in view.reports],
    )


def card_report(report: CardReport) -> out.CardReport:
    """A reader's report as moderators see it (never who filed it)."""
    return out.CardReport(
        reason=report.reason,
        note=report.note,
        created_at=utc(report.created_at),
        state=report.state,
        weight=report.weight,
    )


def evidence(actions: list[Action]) -> out.Evidence | None:
    """The latest classified action's evidence: spans of the body per label, and rule hits."""
    for entry in reversed(actions):
        if entry.kind is ActionKind.CLASSIFIED:
            return evidence_spans(entry.evidence)
    return None


def evidence_spans(stored: Mapping[str, Any] | None) -> out.Evidence | None:
    """Stored evidence as served: spans per label, rule hits, the language of a language hold."""
    if stored is None:
        return None
    language = stored.get("language")
    return out.Evidence(
        labels=dict(stored.get("labels", {})),
        rules=list(stored.get("rules", [])),
        notes=list(stored["notes"]) if stored.get("notes") else UNSET,
        language=out.LanguageEvidence(**language) if language is not None else UNSET,
    )


def author_record(record: AuthorRecord) -> out.AuthorRecord:
    """An author's counts by status and latest comments."""
    return out.AuthorRecord(
        id=record.author_id,
        counts=record.counts,
        recent=[comment_full(c) for c in record.recent],
    )


def model_version(version: ModelVersion) -> model_out.ModelVersion:
    """A registered model version."""
    evaluation = evaluation_of(version)
    return model_out.ModelVersion(
        id=version.id,
        artifact_sha256=version.artifact_sha256,
        artifact_path=version.artifact_path,
        labels=list(version.labels),
        metrics=dict(version.metrics),
        data_manifest=dict(version.data_manifest),
        library_versions=dict(version.library_versions),
        created_at=utc(version.created_at),
        aliases=list(version.aliases),
        thresholds=dict(version.thresholds),
        evaluation=dict(evaluation) if evaluation is not None else None,
    )


def alias_event(event: AliasEvent) -> model_out.AliasEvent:
    """One move of a model alias; ``id`` null and ``changed`` false when nothing moved."""
    return model_out.AliasEvent(
        id=event.id,
        changed=event.id is not None,
        alias=event.alias,  # type: ignore[arg-type]  # "champion" or "challenger"
        kind=event.kind,
        version_id=event.version_id,
        previous_version_id=event.previous_version_id,
        actor=event.actor,
        created_at=utc(event.created_at),
        reason=event.reason,
    )


def training_upload(upload: TrainingUpload) -> model_out.TrainingUpload:
    """A stored labels file, to name in ``POST /v1/models``."""
    return model_out.TrainingUpload(
        upload_id=upload.id,
        rows=upload.rows,
        sha256=upload.sha256,
        created_at=utc(upload.created_at),
    )


def training_job(job: TrainingJob) -> model_out.TrainingJob:
    """A training job's status and progress."""
    return model_out.TrainingJob(
        job_id=job.id,
        status=job.status,
        stage=job.stage,
        percent=job.percent,
        messages=job.messages,
        version_id=job.version_id,
        error=job.error,
        enqueued_at=maybe_utc(job.enqueued_at),
        started_at=maybe_utc(job.started_at),
        ended_at=maybe_utc(job.ended_at),
    )


def shadow_comparison(comparison: ShadowComparison) -> model_out.ShadowComparison:
    """A challenger compared with the champion on moderator-decided comments."""
    return model_out.ShadowComparison(
        challenger=comparison.challenger,
        champion=comparison.champion,
        compared=comparison.compared,
        agreeing=comparison.agreeing,
        agreement=comparison.agreement,
        changed=model_out.ChangedVerdicts(
            total=comparison.changed,
            toward_moderator=comparison.toward_moderator,
            away_from_moderator=comparison.away_from_moderator,
        ),
        verdicts={
            model: {verdict.value: n for verdict, n in counts.items()}
            for model, counts in comparison.verdicts.items()
        },
        labels={
            label: model_out.LabelComparison(
                positives=c.positives,
                negatives=c.negatives,
                champion=_label_counts(c.champion),
                challenger=_label_counts(c.challenger),
            )
            for label, c in comparison.labels.items()
        },
    )


def _label_counts(counts: Counts) -> model_out.LabelCounts:
    return model_out.LabelCounts(
        precision=counts.precision,
        recall=counts.recall,
        true_positives=counts.true_positives,
        false_positives=counts.false_positives,
        false_negatives=counts.false_negatives,
    )
