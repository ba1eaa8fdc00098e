"""Workspace values as JSON: claims, undo receipts, bulk results, authors and their policies."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from service.claims import Claim
from service.domain import Comment, Page
from service.http.render import comment_full, evidence_spans, timestamp
from service.store.author_notes import AuthorNote
from service.store.authors import AuthorPolicySetting
from service.store.cards import CardDetails
from service.store.decisions import Decided
from service.workspace import AuthorView, BatchReceipt, BulkPreview


def claim(entry: Claim) -> dict[str, Any]:
    """Who holds a comment, until when."""
    return {
        "comment_id": entry.comment_id,
        "claimed_by": entry.claimed_by,
        "expires_at": timestamp(entry.expires_at),
    }


def queue_page(
    page: Page[Comment],
    claims: Mapping[str, Claim],
    details: Mapping[str, CardDetails] | None = None,
) -> dict[str, Any]:
    """A page of a queue, each comment with its claim (null when nobody holds it) and, when
    asked for, its card details."""
    items = []
    for comment in page.items:
        held = claims.get(comment.id)
        item = {
            **comment_full(comment),
            "claimed_by": held.claimed_by if held is not None else None,
            "claim_expires_at": timestamp(held.expires_at) if held is not None else None,
        }
        if details is not None:
            item["details"] = card(details[comment.id])
        items.append(item)
    return {"items": items, "next_cursor": page.next_cursor}


def card(details: CardDetails) -> dict[str, Any]:
    """A card's scores, evidence (as the moderation view shows it) and parent comment."""
    return {
        "scores": details.scores,
        "evidence": evidence_spans(details.evidence),
        "parent": comment_full(details.parent) if details.parent is not None else None,
        "system_reasons": details.system_reasons,
        "reports": [
            {"reason": r.reason, "note": r.note, "created_at": timestamp(r.created_at)}
            for r in details.reports
        ],
    }


def decision(decided: Decided, undo_window_seconds: float) -> dict[str, Any]:
    """The decided comment and how to take the decision back (null for pre-batch decisions)."""
    undo = None
    if decided.batch_id is not None:
        until = decided.decided_at + timedelta(seconds=undo_window_seconds)
        undo = {"batch_id": decided.batch_id, "until": timestamp(until)}
    return {**comment_full(decided.comment), "undo": undo}


def undone(batch_id: str, comment_ids: list[str]) -> dict[str, Any]:
    """What an undo restored."""
    return {"batch_id": batch_id, "undone": len(comment_ids), "comment_ids": comment_ids}


def bulk_preview(preview: BulkPreview) -> dict[str, Any]:
    """The count a bulk action would decide, and the first ids."""
    return {"count": preview.count, "comment_ids": preview.comment_ids}


def bulk_receipt(receipt: BatchReceipt) -> dict[str, Any]:
    """A bulk action as recorded: its batch, size and undo deadline."""
    return {
        "batch_id": receipt.batch_id,
        "decided": len(receipt.comment_ids),
        "undo_until": timestamp(receipt.undo_until),
    }


def author(view: AuthorView) -> dict[str, Any]:
    """An author's record in one site, and their policy."""
    return {
        "site_id": view.site_id,
        "author_id": view.record.author_id,
        "counts": view.record.counts,
        "recent": [comment_full(c) for c in view.record.recent],
        "policy": policy(view.policy) if view.policy is not None else None,
        "notes": [note(n) for n in view.notes],
    }


def note(found: AuthorNote) -> dict[str, Any]:
    """A moderator's note on an author."""
    return {
        "id": found.id,
        "note": found.body,
        "written_by": found.written_by,
        "written_at": timestamp(found.written_at),
    }


def policy(setting: AuthorPolicySetting) -> dict[str, Any]:
    """An author policy as set."""
    return {
        "policy": setting.policy.value,
        "trust_threshold": setting.trust_threshold,
        "note": setting.note,
        "set_by": setting.set_by,
        "set_at": timestamp(setting.set_at),
    }
