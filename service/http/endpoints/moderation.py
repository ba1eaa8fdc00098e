"""A moderator judging one comment."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain import Decision
from service.http import render, workspace_render
from service.http.call import Call
from service.http.schemas import DecisionRequest, expected_version
from service.http.wire import JsonResponse


async def get_moderation_view(call: Call) -> Response:
    """Scores, reasons, history and the author's record; ETag carries the comment version."""
    view = await run_in_threadpool(
        call.resources.moderation.moderation_view, call.path_param("comment_id")
    )
    return JsonResponse(render.moderation_view(view), headers={"ETag": f'"{view.comment.version}"'})


async def decide_comment(call: Call) -> Response:
    """Approve, reject or mark as spam; a decision on a stale view is a 409.

    The response carries ``undo``: the batch id to undo it with, and until when.
    """
    body = call.body_as(DecisionRequest)
    version = expected_version(body.expected_version, call.request.headers.get("if-match"))
    decided = await run_in_threadpool(
        call.resources.moderation.decide,
        call.path_param("comment_id"),
        decision=Decision(body.decision),
        actor=call.caller.name,
        reason=body.reason,
        note=body.note,
        expected_version=version,
    )
    decision = workspace_render.decision(decided, call.resources.settings.undo_window_seconds)
    return JsonResponse(decision, headers={"ETag": f'"{decided.comment.version}"'})
