"""Workspace values as response Structs: claims, undo receipts, bulk results, authors and their
policies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta

from service.claims import Claim
from service.domain import Comment, Page
from service.domain.authors import AuthorNote, AuthorPolicySetting
from service.domain.decisions import Decided
from service.domain.queues import CardDetails
from service.http import responses
from service.http import workspace_responses as out
from service.http.render import (
    article_settings,
    card_report,
    comment_fields,
    comment_full,
    evidence_spans,
    maybe_utc,
    utc,
)
from service.workspace import AuthorView, BatchReceipt, BulkPreview


def claim(entry: Claim) -> out.Claim:
    """Who holds a comment, until when."""
    return out.Claim(
        comment_id=entry.comment_id, claimed_by=entry.claimed_by, expires_at=utc(entry.expires_at)
    )


def queue_page(
    page: Page[Comment],
    claims: Mapping[str, Claim],
    details: Mapping[str, CardDetails] | None = None,
) -> responses.CommentPage:
    """A page of a queue, each comment with its claim (null when nobody holds it) and, when
    asked for, its card details."""
    items = []
    for comment in page.items:
        held = claims.get(comment.id)
        item = responses.QueuedComment(
            **comment_fields(comment),
            claimed_by=held.claimed_by if held is not None else None,
            claim_expires_at=utc(held.expires_at) if held is not None else None,
        )
        if details is not None:
            item.details = card(details[comment.id])
        items.append(item)
    return responses.CommentPage(items=items, next_cursor=page.next_cursor)


def card(details: CardDetails) -> responses.Card:
    """A card's scores, evidence (as the moderation view shows it) and parent comment."""
    return responses.Card(
        scores=details.scores,
        evidence=evidence_spans(details.evidence),
        parent=comment_full(details.parent) if details.parent is not None else None,
        system_reasons=details.system_reasons,
        reports=[card_report(r) for r in details.reports],
        article=article_settings(details.article) if details.article is not None else None,
    )


def decision(decided: Decided, undo_window_seconds: float) -> responses.DecidedComment:
    """The decided comment and how to take the decision back (null for pre-batch decisions)."""
    undo = None
    if decided.batch_id is not None:
        until = decided.decided_at + timedelta(seconds=undo_window_seconds)
        undo = responses.Undo(batch_id=decided.batch_id, until=utc(until))
    return responses.DecidedComment(**comment_fields(decided.comment), undo=undo)


def undone(batch_id: str, comment_ids: list[str]) -> out.Undone:
    """What an undo restored."""
    return out.Undone(batch_id=batch_id, undone=len(comment_ids), comment_ids=comment_ids)


def bulk_preview(preview: BulkPreview) -> out.BulkPreview:
    """The count a bulk action would decide, and the first ids."""
    return out.BulkPreview(count=preview.count, comment_ids=preview.comment_ids)


def bulk_receipt(receipt: BatchReceipt) -> out.BulkReceipt:
    """A bulk action as recorded: its batch, size and undo deadline."""
    return out.BulkReceipt(
        batch_id=receipt.batch_id,
        decided=len(receipt.comment_ids),
        undo_until=utc(receipt.undo_until),
    )


def author(view: AuthorView) -> out.AuthorView:
    """An author's record in one site, and their policy."""
    return out.AuthorView(
        site_id=view.site_id,
        author_id=view.record.author_id,
        counts=view.record.counts,
        recent=[comment_full(c) for c in view.record.recent],
        policy=policy(view.policy) if view.policy is not None else None,
        recent_rejections=(
            out.RecentRejections(
                decided=view.recent.decided,
                rejected=view.recent.rejected,
                is_held=view.is_held_for_recent_rejections,
            )
            if view.recent is not None
            else None
        ),
        notes=[note(n) for n in view.notes],
    )


def note(found: AuthorNote) -> out.AuthorNote:
    """A moderator's note on an author."""
    return out.AuthorNote(
        id=found.id, note=found.body, written_by=found.written_by, written_at=utc(found.written_at)
    )


def policy(setting: AuthorPolicySetting) -> out.AuthorPolicySetting:
    """An author policy as set."""
    return out.AuthorPolicySetting(
        policy=setting.policy,
        trust_threshold=setting.trust_threshold,
        note=setting.note,
        set_by=setting.set_by,
        set_at=utc(setting.set_at),
        expires_at=maybe_utc(setting.expires_at),
    )
