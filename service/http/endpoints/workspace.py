"""Moderator workspace endpoints (issue 4): claims, undo, bulk decisions, author policies and
notes."""

from __future__ import annotations

from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.domain import AuthorPolicy, Decision
from service.errors import FieldError, NotFoundError, ValidationError
from service.http import workspace_render as render
from service.http.call import ApiRoute, Call
from service.http.fields import Field, Fields
from service.http.roles import MODERATOR
from service.http.schemas import NOTE_MAX, queue_named
from service.settings import Settings
from service.store.bulk import BULK_MAX, Selection

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
                 "Claim a comment for a few minutes (or extend one's claim)", response="Claim",
                 errors=(404, 409, 503)),
        ApiRoute("DELETE", "/v1/comments/{comment_id}/claim", release_claim, MODERATOR,
                 "Release one's claim on a comment", status=204, response="NoContent",
                 errors=(409, 503)),
        ApiRoute("POST", "/v1/decisions/{batch_id}/undo", undo_batch, MODERATOR,
                 "Undo one's own decision batch within the undo window", response="Undone",
                 errors=(404, 409)),
        ApiRoute("POST", "/v1/queues/{name}/bulk/preview", preview_bulk, MODERATOR,
                 "Count the comments of a queue a bulk selection matches",
                 response="BulkPreview", body=preview_fields, errors=(404, 413)),
        ApiRoute("POST", "/v1/queues/{name}/bulk", apply_bulk, MODERATOR,
                 "Decide the selected comments of a queue together (undoable)",
                 response="BulkReceipt", body=bulk_fields, errors=(404, 409, 413)),
        ApiRoute("GET", "/v1/authors/{site_id}/{author_id}", get_author, MODERATOR,
                 "An author's record and policy", response="AuthorView"),
        ApiRoute("PUT", "/v1/authors/{site_id}/{author_id}/policy", set_author_policy,
                 MODERATOR, "Set an author's policy (trust, premoderate, ban)",
                 response="AuthorPolicy", body=policy_fields, errors=(413,)),
        ApiRoute("DELETE", "/v1/authors/{site_id}/{author_id}/policy", delete_author_policy,
                 MODERATOR, "Remove an author's policy", status=204, response="NoContent"),
        ApiRoute("POST", "/v1/authors/{site_id}/{author_id}/notes", add_author_note, MODERATOR,
                 "Keep a private note on an author (moderators only)", status=201,
                 response="AuthorNote", body=note_fields, errors=(413,)),
        ApiRoute("DELETE", "/v1/authors/{site_id}/{author_id}/notes/{note_id}",
                 delete_author_note, MODERATOR, "Remove a note on an author", status=204,
                 response="NoContent", errors=(404,)),
    ]  # fmt: skip


POLICY_FIELDS: Fields = {
    "policy": Field("string", "trust: approve below the threshold without review; premoderate: "
                    "always hold for review; ban: reject automatically.", required=True,
                    choices=tuple(p.value for p in AuthorPolicy), example="premoderate"),
    "trust_threshold": Field("number", "For trust: approve while every score is below this "
                             "(default 0.5).", minimum=0, maximum=1, example=0.3),
    "note": Field("string", "Why, for other moderators.", max_length=NOTE_MAX, text="text"),
}  # fmt: skip

NOTE_FIELDS: Fields = {
    "note": Field("string", "What other moderators should know about this author. Private: "
                  "never sent to the site, but part of the author's GDPR export.",
                  required=True, max_length=NOTE_MAX, normalise=True, text="text"),
}  # fmt: skip

SELECT_FIELDS: Fields = {
    "ids": Field("array", "These comments.", max_length=BULK_MAX,
                 items=Field("string", "A comment id.", max_length=ID_MAX)),
    "site_id": Field("string", "With author_id: this author's comments.",
                     max_length=SITE_ID_MAX),
    "author_id": Field("string", "With site_id: this author's comments.",
                       max_length=AUTHOR_ID_MAX),
    "link": Field("string", "Comments whose body mentions this domain.", max_length=LINK_MAX,
                  example="example.com"),
}  # fmt: skip


PREVIEW_FIELDS: Fields = {
    "select": Field("object", "Exactly one of: ids; site_id and author_id; link. Only comments "
                    "currently in the queue count.", required=True, fields=SELECT_FIELDS),
}  # fmt: skip

BULK_FIELDS: Fields = {
    **PREVIEW_FIELDS,
    "reasons": Field("array", "Reason codes recorded with every decision.",
                     max_length=REASONS_MAX,
                     items=Field("string", "A reason code.", max_length=REASON_MAX)),
    "decision": Field("string", "The decision for every selected comment.", required=True,
                      choices=tuple(d.value for d in Decision)),
    "note": Field("string", "Free text for the audit log.", max_length=NOTE_MAX,
                  text="text"),
    "expected_count": Field("integer", "The count the preview showed; a different current "
                            "count is a 409 count-changed.", required=True, minimum=0,
                            maximum=BULK_MAX),
}  # fmt: skip


def preview_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/queues/{name}/bulk/preview``."""
    return PREVIEW_FIELDS


def bulk_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/queues/{name}/bulk``."""
    return BULK_FIELDS


def policy_fields(_settings: Settings) -> Fields:
    """Fields of ``PUT /v1/authors/{site_id}/{author_id}/policy``."""
    return POLICY_FIELDS


async def claim_comment(call: Call) -> Response:
    """Claim, or extend one's own claim; 409 ``claimed`` names the other holder."""
    claim = await run_in_threadpool(
        call.resources.workspace.claim, call.path_param("comment_id"), call.caller.name
    )
    return JSONResponse(render.claim(claim))


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
    return JSONResponse(render.undone(batch_id, ids))


async def preview_bulk(call: Call) -> Response:
    """How many comments the selection matches now (apply confirms this count)."""
    queue = queue_named(call.path_param("name"))
    selection = selection_of(call.body["select"])
    preview = await run_in_threadpool(call.resources.workspace.bulk_preview, queue, selection)
    return JSONResponse(render.bulk_preview(preview))


async def apply_bulk(call: Call) -> Response:
    """Decide the selection as one batch, if it still matches ``expected_count``."""
    queue = queue_named(call.path_param("name"))
    selection = selection_of(call.body["select"])
    receipt = await run_in_threadpool(
        lambda: call.resources.workspace.bulk_apply(
            queue,
            selection,
            decision=Decision(call.body["decision"]),
            reasons=call.body["reasons"] or [],
            note=call.body["note"],
            actor=call.caller.name,
            expected_count=call.body["expected_count"],
        )
    )
    return JSONResponse(render.bulk_receipt(receipt))


async def get_author(call: Call) -> Response:
    """Counts by status, latest comments, and the policy."""
    view = await run_in_threadpool(
        call.resources.workspace.author, call.path_param("site_id"), call.path_param("author_id")
    )
    return JSONResponse(render.author(view))


async def set_author_policy(call: Call) -> Response:
    """Create or replace the policy; it applies to comments classified from now on."""
    setting = await run_in_threadpool(
        lambda: call.resources.workspace.set_policy(
            call.path_param("site_id"),
            call.path_param("author_id"),
            policy=AuthorPolicy(call.body["policy"]),
            trust_threshold=call.body["trust_threshold"],
            note=call.body["note"],
            actor=call.caller.name,
        )
    )
    return JSONResponse(render.policy(setting))


async def delete_author_policy(call: Call) -> Response:
    """Remove the policy (a no-op when none is set)."""
    await run_in_threadpool(
        call.resources.workspace.delete_policy,
        call.path_param("site_id"),
        call.path_param("author_id"),
    )
    return Response(status_code=204)


def note_fields(_settings: Settings) -> Fields:
    """Fields of ``POST /v1/authors/{site_id}/{author_id}/notes``."""
    return NOTE_FIELDS


async def add_author_note(call: Call) -> Response:
    """Keep the note, signed with the moderator's name."""
    note = await run_in_threadpool(
        call.resources.workspace.add_note,
        call.path_param("site_id"),
        call.path_param("author_id"),
        call.body["note"],
        call.caller.name,
    )
    return JSONResponse(render.note(note), status_code=201)


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


def selection_of(select: dict[str, Any]) -> Selection:
    """The one selection a validated ``select`` object names; 422 unless exactly one."""
    ids, link = select["ids"], select["link"]
    site_id, author_id = select["site_id"], select["author_id"]
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
