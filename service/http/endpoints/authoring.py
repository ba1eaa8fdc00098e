"""Edits and deletions by the site (issue 11), and the revisions moderators compare."""

from __future__ import annotations

import difflib
import itertools

from starlette.concurrency import run_in_threadpool
from starlette.responses import JSONResponse, Response

from service.domain.revisions import Revision
from service.http import render
from service.http.call import ApiRoute, Call
from service.http.fields import Field, Fields
from service.http.roles import MODERATOR, SITE
from service.settings import Settings


def routes(_settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    one = "/v1/comments/{comment_id}"
    return [
        ApiRoute("PATCH", one, edit_comment, SITE,
                 "Edit a comment's body within the site's edit window (moderated again)",
                 response="CommentStatus", body=edit_fields, errors=(404, 409, 413)),
        ApiRoute("DELETE", one, delete_comment, SITE,
                 "Delete a comment on its author's behalf (hidden for good)",
                 response="Deleted", errors=(404,)),
        ApiRoute("GET", f"{one}/revisions", list_revisions, MODERATOR,
                 "Every body a comment had, with the diff between consecutive ones",
                 response="Revisions", errors=(404,)),
    ]  # fmt: skip


def edit_fields(settings: Settings) -> Fields:
    """Fields of ``PATCH /v1/comments/{comment_id}``."""
    return {
        "body": Field("string", "The new text; NFKC-normalised and stripped.", required=True,
                      max_length=settings.max_comment_chars, normalise=True,
                      example="Great analysis, thanks (edited).")
    }  # fmt: skip


async def edit_comment(call: Call) -> Response:
    """A new revision, back to ``pending``; the same body again changes nothing."""
    changed = await run_in_threadpool(
        call.resources.authoring.edit,
        call.caller.name,
        call.path_param("comment_id"),
        call.body["body"],
    )
    return JSONResponse({**render.comment_status(changed.comment), "edited": changed.is_new})


async def delete_comment(call: Call) -> Response:
    """Deleted (200 also when it already was)."""
    changed = await run_in_threadpool(
        call.resources.authoring.delete, call.caller.name, call.path_param("comment_id")
    )
    comment = changed.comment
    return JSONResponse({"id": comment.id, "status": comment.status.value})


async def list_revisions(call: Call) -> Response:
    """Revisions, oldest first, and a unified diff between each and the next."""
    comment_id = call.path_param("comment_id")
    found = await run_in_threadpool(call.resources.authoring.revisions, comment_id)
    return JSONResponse(
        {
            "comment_id": comment_id,
            "revisions": [_revision(r) for r in found],
            "diffs": [_diff(a, b) for a, b in itertools.pairwise(found)],
        }
    )


def _revision(revision: Revision) -> dict[str, object]:
    return {
        "revision": revision.revision,
        "body": revision.body,
        "submitted_at": render.timestamp(revision.submitted_at),
        "replaced_at": render.timestamp(revision.replaced_at),
    }


def _diff(old: Revision, new: Revision) -> dict[str, object]:
    lines = difflib.unified_diff(
        old.body.splitlines(),
        new.body.splitlines(),
        f"revision {old.revision}",
        f"revision {new.revision}",
        lineterm="",
    )
    return {"from": old.revision, "to": new.revision, "diff": "\n".join(lines)}
