"""A moderator judging one comment."""

from __future__ import annotations

from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from service.domain import Decision
from service.errors import FieldError, ValidationError
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
    _check_statement(body)
    version = expected_version(body.expected_version, call.request.headers.get("if-match"))
    decided = await run_in_threadpool(
        call.resources.moderation.decide,
        call.path_param("comment_id"),
        decision=Decision(body.decision),
        actor=call.caller.name,
        reason=body.reason,
        note=body.note,
        expected_version=version,
        statement_code=body.statement_code,
        explanation=body.explanation,
    )
    decision = workspace_render.decision(decided, call.resources.settings.undo_window_seconds)
    return JsonResponse(decision, headers={"ETag": f'"{decided.comment.version}"'})


def _check_statement(body: DecisionRequest) -> None:
    """A statement of reasons belongs to a rejection: an approval with one is a mistake."""
    if Decision(body.decision) is not Decision.APPROVE:
        return
    given = [name for name in ("statement_code", "explanation") if getattr(body, name) is not None]
    if given:
        raise ValidationError(
            [FieldError(f"/{name}", "only with reject or spam") for name in given]
        )
