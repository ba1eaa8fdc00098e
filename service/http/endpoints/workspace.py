"""Moderator workspace endpoints (issue 4): claims, undo, bulk decisions, author policies and
notes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain import AuthorPolicy, Decision
from service.domain.decisions import BULK_MAX, Selection
from service.errors import FieldError, NotFoundError, ValidationError
from service.http import workspace_render as render
from service.http import workspace_responses as out
from service.http.call import ApiRoute, Call
from service.http.queries import queue_named
from service.http.roles import MODERATOR
from service.http.schemas import NOTE_MAX, AuditNote
from service.http.wire import LINE, TEXT, JsonResponse, Request, normalised
from service.settings import Settings

ID_MAX = 36
AUTHOR_ID_MAX = 200
SITE_ID_MAX = 100
LINK_MAX = 253  # the longest DNS name
REASON_MAX = 32
REASONS_MAX = 10


def routes(_settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    return [
        ApiRoute("POST", "/v1/comments/{comment_id}/claim", claim_comment, MODERATOR,
                 "Claim a comment for a few minutes (or extend one's claim)", response=out.Claim,
                 errors=(404, 409, 503)),
        ApiRoute("DELETE", "/v1/comments/{comment_id}/claim", release_claim, MODERATOR,
                 "Release one's claim on a comment", status=204,
                 errors=(409, 503)),
        ApiRoute("POST", "/v1/decisions/{batch_id}/undo", undo_batch, MODERATOR,
                 "Undo one's own decision batch within the undo window", response=out.Undone,
                 errors=(404, 409)),
        ApiRoute("POST", "/v1/queues/{name}/bulk/preview", preview_bulk, MODERATOR,
                 "Count the comments of a queue a bulk selection matches",
                 response=out.BulkPreview, body=PreviewRequest, errors=(404, 413)),
        ApiRoute("POST", "/v1/queues/{name}/bulk", apply_bulk, MODERATOR,
                 "Decide the selected comments of a queue together (undoable)",
                 response=out.BulkReceipt, body=BulkRequest, errors=(404, 409, 413)),
        ApiRoute("GET", "/v1/authors/{site_id}/{author_id}", get_author, MODERATOR,
                 "An author's record and policy", response=out.AuthorView),
        ApiRoute("PUT", "/v1/authors/{site_id}/{author_id}/policy", set_author_policy,
                 MODERATOR, "Set an author's policy (trust, premoderate, ban, suspend)",
                 response=out.AuthorPolicySetting, body=PolicyRequest, errors=(413,)),
        ApiRoute("DELETE", "/v1/authors/{site_id}/{author_id}/policy", delete_author_policy,
                 MODERATOR, "Remove an author's policy", status=204),
        ApiRoute("POST", "/v1/authors/{site_id}/{author_id}/notes", add_author_note, MODERATOR,
                 "Keep a private note on an author (moderators only)", status=201,
                 response=out.AuthorNote, body=NoteRequest, errors=(413,)),
        ApiRoute("DELETE", "/v1/authors/{site_id}/{author_id}/notes/{note_id}",
                 delete_author_note, MODERATOR, "Remove a note on an author", status=204,
                 errors=(404,)),
    ]  # fmt: skip


class PolicyRequest(Request):
    """``PUT /v1/authors/{site_id}/{author_id}/policy``."""

    policy: Annotated[
        AuthorPolicy,
        Meta(
            description=(
                "trust: approve below the threshold without review; premoderate: always hold for "
                "review; ban: reject automatically; suspend: refuse new comments and edits (403 "
                "author-suspended) until expires_at."
            ),
            examples=["premoderate"],
        ),
    ]
    trust_threshold: (
        Annotated[
            float,
            Meta(
                ge=0,
                le=1,
                description=("For trust: approve while every score is below this (default 0.5)."),
                examples=[0.3],
            ),
        ]
        | None
    ) = None
    note: (
        Annotated[str, TEXT, Meta(max_length=NOTE_MAX, description="Why, for other moderators.")]
        | None
    ) = None
    expires_at: (
        Annotated[
            datetime,
            Meta(
                tz=True,
                description=(
                    "When the policy ends by itself (in the future, with a time zone); required "
                    "for suspend, optional for the others (absent: until removed)."
                ),
                examples=["2026-12-24T18:00:00Z"],
            ),
        ]
        | None
    ) = None


class NoteRequest(Request):
    """``POST /v1/authors/{site_id}/{author_id}/notes``."""

    note: Annotated[
        str,
        TEXT,
        Meta(
            max_length=NOTE_MAX,
            description="What other moderators should know about this author. Private: never "
            "sent to the site, but part of the author's GDPR export.",
        ),
    ]

    def __post_init__(self) -> None:
        self.note = normalised(self.note, "note", NOTE_MAX)


class BulkSelection(Request):
    """Exactly one of: ids; site_id and author_id; link. Only comments currently in the queue
    count."""

    ids: (
        Annotated[
            list[Annotated[str, LINE, Meta(max_length=ID_MAX, description="A comment id.")]],
            Meta(max_length=BULK_MAX, description="These comments."),
        ]
        | None
    ) = None
    site_id: (
        Annotated[
            str,
            LINE,
            Meta(max_length=SITE_ID_MAX, description=("With author_id: this author's comments.")),
        ]
        | None
    ) = None
    author_id: (
        Annotated[
            str,
            LINE,
            Meta(max_length=AUTHOR_ID_MAX, description=("With site_id: this author's comments.")),
        ]
        | None
    ) = None
    link: (
        Annotated[
            str,
            LINE,
            Meta(
                max_length=LINK_MAX,
                description=("Comments whose body mentions this domain."),
                examples=["example.com"],
            ),
        ]
        | None
    ) = None


class PreviewRequest(Request):
    """``POST /v1/queues/{name}/bulk/preview``."""

    select: BulkSelection


class BulkRequest(Request):
    """``POST /v1/queues/{name}/bulk``."""

    select: BulkSelection
    decision: Annotated[Decision, Meta(description="The decision for every selected comment.")]
    expected_count: Annotated[
        int,
        Meta(
            ge=0,
            le=BULK_MAX,
            description=(
                "The count the preview showed; a different current count is a 409 count-changed."
            ),
        ),
    ]
    reasons: (
        Annotated[
            list[Annotated[str, LINE, Meta(max_length=REASON_MAX, description="A reason code.")]],
            Meta(max_length=REASONS_MAX, description="Reason codes recorded with every decision."),
        ]
        | None
    ) = None
    note: AuditNote | None = None


async def claim_comment(call: Call) -> Response:
    """Claim, or extend one's own claim; 409 ``claimed`` names the other holder."""
    claim = await run_in_threadpool(
        call.resources.workspace.claim, call.path_param("comment_id"), call.caller.name
    )
    return JsonResponse(render.claim(claim))


async def release_claim(call: Call) -> Response:
    """Release one's claim; a no-op when nobody holds it."""
    await run_in_threadpool(
        call.resources.workspace.release, call.path_param("comment_id"), call.caller.name
    )
    return Response(status_code=204)


async def undo_batch(call: Call) -> Response:
    """Restore every comment of the batch to its previous status, or none of them."""
    batch_id = call.path_param("batch_id")
    ids = await run_in_threadpool(call.resources.workspace.undo, batch_id, call.caller.name)
    return JsonResponse(render.undone(batch_id, ids))


async def preview_bulk(call: Call) -> Response:
    """How many comments the selection matches now (apply confirms this count)."""
    queue = queue_named(call.path_param("name"))
    selection = selection_of(call.body_as(PreviewRequest).select)
    preview = await run_in_threadpool(call.resources.workspace.bulk_preview, queue, selection)
    return JsonResponse(render.bulk_preview(preview))


async def apply_bulk(call: Call) -> Response:
    """Decide the selection as one batch, if it still matches ``expected_count``."""
    queue = queue_named(call.path_param("name"))
    body = call.body_as(BulkRequest)
    selection = selection_of(body.select)
    receipt = await run_in_threadpool(
        lambda: call.resources.workspace.bulk_apply(
            queue,
            selection,
            decision=Decision(body.decision),
            reasons=body.reasons or [],
            note=body.note,
            actor=call.caller.name,
            expected_count=body.expected_count,
        )
    )
    return JsonResponse(render.bulk_receipt(receipt))


async def get_author(call: Call) -> Response:
    """Counts by status, latest comments, and the policy."""
    view = await run_in_threadpool(
        call.resources.workspace.author, call.path_param("site_id"), call.path_param("author_id")
    )
    return JsonResponse(render.author(view))


async def set_author_policy(call: Call) -> Response:
    """Create or replace the policy; it applies to comments classified from now on."""
    body = call.body_as(PolicyRequest)
    setting = await run_in_threadpool(
        lambda: call.resources.workspace.set_policy(
            call.path_param("site_id"),
            call.path_param("author_id"),
            policy=AuthorPolicy(body.policy),
            trust_threshold=body.trust_threshold,
            note=body.note,
            actor=call.caller.name,
            expires_at=body.expires_at,
        )
    )
    return JsonResponse(render.policy(setting))


async def delete_author_policy(call: Call) -> Response:
    """Remove the policy (a no-op when none is set)."""
    await run_in_threadpool(
        call.resources.workspace.delete_policy,
        call.path_param("site_id"),
        call.path_param("author_id"),
    )
    return Response(status_code=204)


async def add_author_note(call: Call) -> Response:
    """Keep the note, signed with the moderator's name."""
    note = await run_in_threadpool(
        call.resources.workspace.add_note,
        call.path_param("site_id"),
        call.path_param("author_id"),
        call.body_as(NoteRequest).note,
        call.caller.name,
    )
    return JsonResponse(render.note(note), status_code=201)


async def delete_author_note(call: Call) -> Response:
    """Remove the note; 404 when this author has no such note."""
    raw = call.path_param("note_id")
    if not raw.isdigit() or len(raw) > 18:
        raise NotFoundError(f"there is no note {raw!r}")
    await run_in_threadpool(
        call.resources.workspace.delete_note,
        call.path_param("site_id"),
        call.path_param("author_id"),
        int(raw),
    )
    return Response(status_code=204)


def selection_of(select: BulkSelection) -> Selection:
    """The one selection a validated ``select`` object names; 422 unless exactly one."""
    ids, link = select.ids, select.link
    site_id, author_id = select.site_id, select.author_id
    given = [ids is not None, author_id is not None, link is not None]
    if sum(given) != 1 or (site_id is None) != (author_id is None):
        raise ValidationError(
            [FieldError("/select", "give exactly one of: ids; site_id and author_id; link")]
        )
    if ids is not None:
        return Selection(ids=tuple(ids))
    if link is not None:
        if any(c.isspace() for c in link):
            raise ValidationError([FieldError("/select/link", "must be a domain, without spaces")])
        return Selection(link=link)
    return Selection(site_id=site_id, author_id=author_id)
