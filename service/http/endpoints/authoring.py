"""Edits and deletions by the site (issue 11), and the revisions moderators compare."""

from __future__ import annotations

import difflib
import functools
import itertools
from typing import Annotated

import msgspec
from msgspec import Meta
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain.revisions import Revision
from service.http import integration_responses as out
from service.http import render
from service.http.call import ApiRoute, Call
from service.http.responses import EditedComment
from service.http.roles import MODERATOR, SITE
from service.http.wire import TEXT, JsonResponse, Request, max_length_of, normalised, with_limits
from service.settings import Settings


def routes(settings: Settings) -> list[ApiRoute]:
    """This module's operations, added to the route table."""
    one = "/v1/comments/{comment_id}"
    return [
        ApiRoute("PATCH", one, edit_comment, SITE,
                 "Edit a comment's body within the site's edit window (moderated again)",
                 response=EditedComment, body=edit_request(settings),
                 errors=(403, 404, 409, 413)),
        ApiRoute("DELETE", one, delete_comment, SITE,
                 "Delete a comment on its author's behalf (hidden for good)",
                 response=out.Deleted, errors=(404,)),
        ApiRoute("GET", f"{one}/revisions", list_revisions, MODERATOR,
                 "Every body a comment had, with the diff between consecutive ones",
                 response=out.Revisions, errors=(404,)),
    ]  # fmt: skip


class EditRequest(Request):
    """``PATCH /v1/comments/{comment_id}``."""

    body: Annotated[
        str,
        TEXT,
        Meta(
            description="The new text; NFKC-normalised and stripped.",
            examples=["Great analysis, thanks (edited)."],
        ),
    ]

    def __post_init__(self) -> None:
        self.body = normalised(self.body, "body", max_length_of(type(self), "body"))


def edit_request(settings: Settings) -> type[EditRequest]:
    """``EditRequest`` with the comment length limit of ``settings``."""
    return _edit_request(settings.max_comment_chars)


@functools.cache
def _edit_request(max_comment_chars: int) -> type[EditRequest]:
    return with_limits(EditRequest, body=Meta(max_length=max_comment_chars))


async def edit_comment(call: Call) -> Response:
    """A new revision, back to ``pending``; the same body again changes nothing."""
    changed = await run_in_threadpool(
        call.resources.authoring.edit,
        call.caller.name,
        call.path_param("comment_id"),
        call.body_as(EditRequest).body,
    )
    appeals = await run_in_threadpool(call.resources.appeals.latest, [changed.comment.id])
    status = render.comment_status(changed.comment, appeals.get(changed.comment.id))
    return JsonResponse(EditedComment(**msgspec.structs.asdict(status), edited=changed.is_new))


async def delete_comment(call: Call) -> Response:
    """Deleted (200 also when it already was)."""
    changed = await run_in_threadpool(
        call.resources.authoring.delete, call.caller.name, call.path_param("comment_id")
    )
    comment = changed.comment
    return JsonResponse(out.Deleted(id=comment.id, status=comment.status))


async def list_revisions(call: Call) -> Response:
    """Revisions, oldest first, and a unified diff between each and the next."""
    comment_id = call.path_param("comment_id")
    found = await run_in_threadpool(call.resources.authoring.revisions, comment_id)
    return JsonResponse(
        out.Revisions(
            comment_id=comment_id,
            revisions=[_revision(r) for r in found],
            diffs=[_diff(a, b) for a, b in itertools.pairwise(found)],
        )
    )


def _revision(revision: Revision) -> out.Revision:
    return out.Revision(
        revision=revision.revision,
        body=revision.body,
        submitted_at=render.utc(revision.submitted_at),
        replaced_at=render.maybe_utc(revision.replaced_at),
    )


def _diff(old: Revision, new: Revision) -> out.Diff:
    lines = difflib.unified_diff(
        old.body.splitlines(),
        new.body.splitlines(),
        f"revision {old.revision}",
        f"revision {new.revision}",
        lineterm="",
    )
    return out.Diff(from_=old.revision, to=new.revision, diff="\n".join(lines))
